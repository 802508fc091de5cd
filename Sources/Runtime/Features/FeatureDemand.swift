/// The features a consumer reads, closed over what computing them takes, so a `FeatureExtractor` keeps only the
/// rolling windows and cross-sectional inputs those features depend on. A plan runner builds it from the features its
/// enabled strategies' rule programs read: a plan pays for the features it uses, not for the whole catalog.
///
/// Every demanded feature has exactly the value it has under `.all` (a test compares them); a feature outside the
/// demand may be missing. The closure: a composite rank or breadth demands its component ranks or ratios; a
/// cross-sectional rank or ratio demands its input's session feature; a `recent_*` feature demands its series.
/// Signal, derived and session features are always computed (they are cheap, and session state feeds the rest).
public struct FeatureDemand: Sendable, Hashable {
    /// One bit per `FeatureID` slot.
    private var words: [UInt64]
    /// Bit `i`: `CrossSectionRanker.inputs[i]` is kept.
    private(set) var crossSectionInputs: UInt16
    /// Bit `RecentSeries.rawValue`: the series is kept.
    private(set) var recentSeries: UInt16

    /// Everything in the catalog.
    public static let all = FeatureDemand(reading: FeatureID.allCases)

    /// `features` and what they depend on (`price` is always included).
    public init<Features: Sequence>(reading features: Features) where Features.Element == FeatureID {
        self.words = [UInt64](repeating: 0, count: FeatureVector.wordCount)
        self.crossSectionInputs = 0
        self.recentSeries = 0
        self.insert(.price)
        for feature in features { self.insert(feature) }
        if self.contains(.crossSectionContinuationRank) || self.contains(.crossSectionReversalRank) {
            for rank in Self.compositeRanks { self.insert(rank) }
        }
        if self.contains(.crossSectionContinuationBreadth) {
            for ratio in Self.breadthRatios { self.insert(ratio) }
        }
        for (index, input) in CrossSectionRanker.inputs.enumerated()
        where self.contains(input.rank) || self.contains(input.ratio) {
            self.crossSectionInputs |= 1 << index
            self.insert(input.input)
        }
        for (feature, series) in Self.recentFeatures where self.contains(feature) {
            self.recentSeries |= 1 << series.rawValue
        }
    }

    public func contains(_ feature: FeatureID) -> Bool {
        self.words[feature.slot >> 6] & (1 << UInt64(feature.slot & 63)) != 0
    }

    /// The demanded features in slot order.
    public var features: [FeatureID] { FeatureID.allCases.filter(self.contains) }

    /// Whether the session context and cross-section run at all.
    var needsSessionContext: Bool {
        self.crossSectionInputs != 0 || self.recentSeries != 0
            || FeatureID.allCases.contains { self.contains($0) && ($0.group == .session || $0.group == .crossSection) }
    }

    func keepsInput(_ index: Int) -> Bool { self.crossSectionInputs & (1 << index) != 0 }

    func keepsSeries(_ series: RecentSeries) -> Bool { self.recentSeries & (1 << series.rawValue) != 0 }

    private mutating func insert(_ feature: FeatureID) {
        self.words[feature.slot >> 6] |= 1 << UInt64(feature.slot & 63)
    }

    /// What `continuation_rank` and `reversal_rank` average (the prev-close forms are preferred when present).
    private static let compositeRanks: [FeatureID] = [
        .crossSectionPrevCloseDriveRank, .crossSectionSessionOpenDriveRank,
        .crossSectionOpeningWindowReturnFromPrevCloseRank, .crossSectionOpeningWindowReturnRank,
        .crossSectionRangePositionRank, .crossSectionVwapW5mRank, .crossSectionRecentImbalanceRank,
    ]

    /// What `continuation_breadth` averages.
    private static let breadthRatios: [FeatureID] = [
        .crossSectionPositivePrevCloseDriveRatio, .crossSectionPositiveSessionOpenDriveRatio,
        .crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio, .crossSectionPositiveOpeningWindowReturnRatio,
        .crossSectionAboveVwapW5mRatio, .crossSectionPositiveRecentImbalanceRatio,
    ]

    /// Each `recent_*` feature and the series it summarises.
    static let recentFeatures: [(FeatureID, RecentSeries)] = [
        (.recentSpreadBpsAvg, .spreadBps), (.recentSpreadBpsMax, .spreadBps),
        (.recentImbalancePressureAvg, .imbalancePressure), (.recentQuoteInvalidRatio, .quoteInvalid),
        (.recentQuoteJumpBpsAvg, .quoteJumpBps), (.recentQuoteJumpBpsMax, .quoteJumpBps),
        (.recentMicropriceBiasBpsAvg, .micropriceBiasBps),
        (.recentAboveOpeningRangeHighRatio, .aboveOpeningRangeHigh),
        (.recentAboveOpeningWindowCloseRatio, .aboveOpeningWindowClose), (.recentAboveVwapW5mRatio, .aboveVwapW5m),
    ]
}
