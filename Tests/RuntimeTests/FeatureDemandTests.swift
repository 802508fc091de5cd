@testable import Runtime
import Testing

/// A plan's extractor computes only what its strategies read, and exactly that.
@Suite struct FeatureDemandTests {
    @Test func compositesPullInTheirComponentsAndInputs() {
        let demand = FeatureDemand(reading: [.crossSectionContinuationRank])
        for feature: FeatureID in [
            .price, .crossSectionPrevCloseDriveRank, .crossSectionSessionOpenDriveRank, .crossSectionRangePositionRank,
            .crossSectionVwapW5mRank, .crossSectionRecentImbalanceRank, .priceVsPrevSessionCloseBps,
            .pricePositionInSessionRange, .recentImbalancePressureAvg,
        ] {
            #expect(demand.contains(feature), "\(feature)")
        }
        #expect(!demand.contains(.crossSectionContinuationBreadth))
        #expect(demand.keepsSeries(.imbalancePressure) && !demand.keepsSeries(.spreadBps))
        #expect(!demand.keepsInput(7) && !demand.keepsInput(8))  // the prev-session opening-return inputs
        #expect(demand.needsSessionContext)
        // Signal features only: no session state, no windows, no cross-section.
        let plain = FeatureDemand(reading: [.rsi14, .macd, .ema12])
        #expect(!plain.needsSessionContext && plain.crossSectionInputs == 0 && plain.recentSeries == 0)
        #expect(FeatureDemand.all.features == FeatureID.allCases)
    }

    /// Over a stream with gaps, NaNs, two sessions and three symbols, every demanded feature equals the one the full
    /// extractor computes, for demands drawn from the catalog (seeded), singletons of every feature included.
    @Test func demandedFeaturesEqualTheFullComputation() {
        let events = FeatureCrossSectionTests.stream([0, 1, 2])
        func run(_ demand: FeatureDemand) -> [FeatureVector] {
            var extractor = FeatureExtractor(symbols: ["AMD", "NVDA", "INTC"], configuration: .init(demand: demand))
            var vector = FeatureVector()
            return events.map { event in
                extractor.update(symbol: event.symbol, signal: event.signal, session: event.session, into: &vector)
                return vector
            }
        }
        let full = run(.all)
        var demands = FeatureID.allCases.map { FeatureDemand(reading: [$0]) }
        var random = SplitMix64(seed: 3)
        for _ in 0..<12 {
            demands.append(FeatureDemand(reading: FeatureID.allCases.filter { _ in random.next() % 4 == 0 }))
        }
        for demand in demands {
            let partial = run(demand)
            for (index, vector) in partial.enumerated() {
                for feature in demand.features where vector[feature] != full[index][feature] {
                    Issue.record("\(feature) at event \(index): \(String(describing: vector[feature])) vs full")
                }
            }
        }
        // The stream reaches the cross-section and the windows.
        #expect(full.contains { $0[.crossSectionContinuationRank] != nil && $0[.recentSpreadBpsMax] != nil })
    }
}
