/// Every feature the runtime computes. The raw value is the feature's **slot** in a `FeatureVector`; compiled
/// strategies address features by slot, so the order of cases is part of the plan contract: append new features at
/// the end of their group only when a plan-format bump allows renumbering, and never reuse a name.
///
/// Names are Torghut's where Torghut has one (feature vector v3, Appendix A.2 session context); names marked "ours" in
/// their description are not in the reference.
public enum FeatureID: Int, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    // Signal: copied from the `ta.signals` record (price chosen by the extractor's `PriceSource`).
    case price
    case ema12
    case ema26
    case macd
    case macdSignal
    case macdHist
    case rsi14
    case bollMid
    case bollUpper
    case bollLower
    case vwapSession
    case vwapW5m
    case volRealizedW60s
    case imbalanceSpread
    case imbalanceBidPx
    case imbalanceAskPx
    case imbalanceBidSz
    case imbalanceAskSz

    // Derived from one signal.
    case spreadBps
    case imbalancePressure
    case micropriceBiasBps
    case priceVsEma12Bps
    case priceVsVwapSessionBps
    case priceVsVwapW5mBps
    case stalenessMs

    // Session context (per symbol and New York session).
    case sessionMinutesElapsed
    case sessionOpenPrice
    case prevSessionClosePrice
    case sessionHighPrice
    case sessionLowPrice
    case openingRangeHigh
    case openingRangeLow
    case openingWindowClosePrice
    case openingRangeWidthBps
    case sessionRangeBps
    case priceVsSessionOpenBps
    case priceVsPrevSessionCloseBps
    case openingWindowReturnBps
    case openingWindowReturnFromPrevCloseBps
    case priceVsSessionHighBps
    case priceVsSessionLowBps
    case priceVsOpeningRangeHighBps
    case priceVsOpeningRangeLowBps
    case priceVsOpeningWindowCloseBps
    case pricePositionInSessionRange
    case recentSpreadBpsAvg
    case recentSpreadBpsMax
    case recentImbalancePressureAvg
    case recentQuoteInvalidRatio
    case recentQuoteJumpBpsAvg
    case recentQuoteJumpBpsMax
    case recentMicropriceBiasBpsAvg
    case recentAboveOpeningRangeHighRatio
    case recentAboveOpeningWindowCloseRatio
    case recentAboveVwapW5mRatio
    case prevSessionOpeningReturn45mBps
    case prevSessionOpeningReturn60mBps

    // Cross-section (over the symbols with a value in the current session).
    case crossSectionSessionOpenDriveRank
    case crossSectionPrevCloseDriveRank
    case crossSectionOpeningWindowReturnRank
    case crossSectionOpeningWindowReturnFromPrevCloseRank
    case crossSectionRangePositionRank
    case crossSectionVwapW5mRank
    case crossSectionRecentImbalanceRank
    case crossSectionPrevSessionOpeningReturn45mRank
    case crossSectionPrevSessionOpeningReturn60mRank
    case crossSectionPositiveSessionOpenDriveRatio
    case crossSectionPositivePrevCloseDriveRatio
    case crossSectionPositiveOpeningWindowReturnRatio
    case crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio
    case crossSectionUpperHalfRangePositionRatio
    case crossSectionAboveVwapW5mRatio
    case crossSectionPositiveRecentImbalanceRatio
    case crossSectionPositivePrevSessionOpeningReturn45mRatio
    case crossSectionPositivePrevSessionOpeningReturn60mRatio
    case crossSectionContinuationRank
    case crossSectionReversalRank
    case crossSectionContinuationBreadth

    /// Number of features (= slots in a `FeatureVector`).
    public static let count = FeatureID.allCases.count

    /// The slot index.
    @inlinable public var slot: Int { self.rawValue }

    /// The feature at `slot`, or nil when out of range.
    @inlinable public init?(slot: Int) { self.init(rawValue: slot) }

    public static func < (a: FeatureID, b: FeatureID) -> Bool { a.rawValue < b.rawValue }

    /// The stable snake_case name.
    public var name: String { self.descriptor.name }
    public var unit: FeatureUnit { self.descriptor.unit }
    public var group: FeatureGroup { self.descriptor.group }
    /// One line.
    public var summary: String { self.descriptor.summary }
    public var description: String { self.descriptor.name }

    /// Name, unit, group and description.
    public var descriptor: FeatureDescriptor {
        func d(_ name: String, _ unit: FeatureUnit, _ group: FeatureGroup, _ summary: String) -> FeatureDescriptor {
            FeatureDescriptor(id: self, name: name, unit: unit, group: group, summary: summary)
        }
        switch self {
        case .price:
            return d(
                "price", .price, .signal,
                "Price per the extractor's price source (close→mid, or Torghut's vwap→close→mid)")
        case .ema12: return d("ema12", .price, .signal, "EMA(12) of the close")
        case .ema26: return d("ema26", .price, .signal, "EMA(26) of the close")
        case .macd: return d("macd", .price, .signal, "MACD(12, 26) line")
        case .macdSignal: return d("macd_signal", .price, .signal, "EMA(9) of the MACD line")
        case .macdHist: return d("macd_hist", .price, .signal, "MACD histogram (macd − signal) as emitted")
        case .rsi14: return d("rsi14", .points, .signal, "Wilder RSI(14), 0–100")
        case .bollMid: return d("boll_mid", .price, .signal, "Bollinger middle band, SMA(20) of the close")
        case .bollUpper: return d("boll_upper", .price, .signal, "Bollinger upper band, mid + 2σ(20)")
        case .bollLower: return d("boll_lower", .price, .signal, "Bollinger lower band, mid − 2σ(20)")
        case .vwapSession: return d("vwap_session", .price, .signal, "Cumulative VWAP as emitted upstream")
        case .vwapW5m: return d("vwap_w5m", .price, .signal, "Rolling 5-minute VWAP")
        case .volRealizedW60s:
            return d("vol_realized_w60s", .logReturn, .signal, "Population stdev of 1-bar log returns over 60 bars")
        case .imbalanceSpread: return d("imbalance_spread", .price, .signal, "Quote spread ask − bid as emitted")
        case .imbalanceBidPx: return d("imbalance_bid_px", .price, .signal, "Last bid price")
        case .imbalanceAskPx: return d("imbalance_ask_px", .price, .signal, "Last ask price")
        case .imbalanceBidSz: return d("imbalance_bid_sz", .shares, .signal, "Last bid size")
        case .imbalanceAskSz: return d("imbalance_ask_sz", .shares, .signal, "Last ask size")

        case .spreadBps:
            return d("spread_bps", .bps, .derived, "(ask_px − bid_px) / mid × 10000; valid quote only")
        case .stalenessMs:
            return d(
                "staleness_ms", .milliseconds, .derived,
                "max(0, ingest_ts − event_ts) in ms (Torghut's staleness_ms); 0 in replays where both are equal")
        case .imbalancePressure:
            return d(
                "imbalance_pressure", .signedFraction, .derived,
                "(bid_sz − ask_sz) / (bid_sz + ask_sz); valid quote only")
        case .micropriceBiasBps:
            return d(
                "microprice_bias_bps", .bps, .derived,
                "(microprice − mid) / mid × 10000, microprice = (ask·bid_sz + bid·ask_sz) / (bid_sz + ask_sz)")
        case .priceVsEma12Bps: return d("price_vs_ema12_bps", .bps, .derived, "(price − ema12) / ema12 × 10000")
        case .priceVsVwapSessionBps:
            return d("price_vs_vwap_session_bps", .bps, .derived, "(price − vwap_session) / vwap_session × 10000")
        case .priceVsVwapW5mBps:
            return d("price_vs_vwap_w5m_bps", .bps, .derived, "(price − vwap_w5m) / vwap_w5m × 10000")

        case .sessionMinutesElapsed:
            return d("session_minutes_elapsed", .minutes, .session, "Whole minutes since the session open (floor)")
        case .sessionOpenPrice:
            return d("session_open_price", .price, .session, "First valid price at or after the open")
        case .prevSessionClosePrice:
            return d("prev_session_close_price", .price, .session, "Last valid price of the symbol's previous session")
        case .sessionHighPrice: return d("session_high_price", .price, .session, "Highest valid price this session")
        case .sessionLowPrice: return d("session_low_price", .price, .session, "Lowest valid price this session")
        case .openingRangeHigh:
            return d("opening_range_high", .price, .session, "Highest valid price in the opening window (so far)")
        case .openingRangeLow:
            return d("opening_range_low", .price, .session, "Lowest valid price in the opening window (so far)")
        case .openingWindowClosePrice:
            return d("opening_window_close_price", .price, .session, "Last valid price in the opening window (so far)")
        case .openingRangeWidthBps:
            return d("opening_range_width_bps", .bps, .session, "(opening_range_high − low) / low × 10000")
        case .sessionRangeBps:
            return d("session_range_bps", .bps, .session, "(session_high − session_low) / session_low × 10000")
        case .priceVsSessionOpenBps:
            return d("price_vs_session_open_bps", .bps, .session, "Session-open drive: (price − open) / open × 10000")
        case .priceVsPrevSessionCloseBps:
            return d(
                "price_vs_prev_session_close_bps", .bps, .session,
                "Prev-close drive: (price − prev close) / prev close × 10000")
        case .openingWindowReturnBps:
            return d("opening_window_return_bps", .bps, .session, "(opening-window close − open) / open × 10000")
        case .openingWindowReturnFromPrevCloseBps:
            return d(
                "opening_window_return_from_prev_close_bps", .bps, .session,
                "(opening-window close − prev close) / prev close × 10000")
        case .priceVsSessionHighBps:
            return d("price_vs_session_high_bps", .bps, .session, "(price − session high) / session high × 10000")
        case .priceVsSessionLowBps:
            return d("price_vs_session_low_bps", .bps, .session, "(price − session low) / session low × 10000")
        case .priceVsOpeningRangeHighBps:
            return d("price_vs_opening_range_high_bps", .bps, .session, "(price − OR high) / OR high × 10000")
        case .priceVsOpeningRangeLowBps:
            return d("price_vs_opening_range_low_bps", .bps, .session, "(price − OR low) / OR low × 10000")
        case .priceVsOpeningWindowCloseBps:
            return d(
                "price_vs_opening_window_close_bps", .bps, .session,
                "(price − opening-window close) / opening-window close × 10000")
        case .pricePositionInSessionRange:
            return d(
                "price_position_in_session_range", .fraction, .session,
                "(price − low) / (high − low); 0.5 when high == low")
        case .recentSpreadBpsAvg:
            return d("recent_spread_bps_avg", .bps, .session, "Mean spread_bps over the recent window")
        case .recentSpreadBpsMax:
            return d("recent_spread_bps_max", .bps, .session, "Max spread_bps over the recent window")
        case .recentImbalancePressureAvg:
            return d(
                "recent_imbalance_pressure_avg", .signedFraction, .session, "Mean imbalance_pressure, recent window")
        case .recentQuoteInvalidRatio:
            return d(
                "recent_quote_invalid_ratio", .fraction, .session,
                "Share of recent signals whose quote is missing, non-finite, non-positive or crossed")
        case .recentQuoteJumpBpsAvg:
            return d(
                "recent_quote_jump_bps_avg", .bps, .session, "Mean |mid − previous valid mid| / previous mid × 10000")
        case .recentQuoteJumpBpsMax:
            return d("recent_quote_jump_bps_max", .bps, .session, "Max quote jump over the recent window")
        case .recentMicropriceBiasBpsAvg:
            return d("recent_microprice_bias_bps_avg", .bps, .session, "Mean microprice_bias_bps, recent window")
        case .recentAboveOpeningRangeHighRatio:
            return d(
                "recent_above_opening_range_high_ratio", .fraction, .session,
                "Share of recent signals with price > opening_range_high at the time")
        case .recentAboveOpeningWindowCloseRatio:
            return d(
                "recent_above_opening_window_close_ratio", .fraction, .session,
                "Share of recent signals with price > opening_window_close_price at the time")
        case .recentAboveVwapW5mRatio:
            return d(
                "recent_above_vwap_w5m_ratio", .fraction, .session, "Share of recent signals with price > vwap_w5m")
        case .prevSessionOpeningReturn45mBps:
            return d(
                "prev_session_opening_return_45m_bps", .bps, .session,
                "Ours: previous session's (last price ≤ open+45m − open) / open × 10000")
        case .prevSessionOpeningReturn60mBps:
            return d(
                "prev_session_opening_return_60m_bps", .bps, .session,
                "Ours: previous session's (last price ≤ open+60m − open) / open × 10000")

        case .crossSectionSessionOpenDriveRank:
            return d(
                "cross_section_session_open_drive_rank", .fraction, .crossSection,
                "Percentile rank of price_vs_session_open_bps")
        case .crossSectionPrevCloseDriveRank:
            return d(
                "cross_section_prev_close_drive_rank", .fraction, .crossSection,
                "Percentile rank of price_vs_prev_session_close_bps")
        case .crossSectionOpeningWindowReturnRank:
            return d(
                "cross_section_opening_window_return_rank", .fraction, .crossSection,
                "Percentile rank of opening_window_return_bps")
        case .crossSectionOpeningWindowReturnFromPrevCloseRank:
            return d(
                "cross_section_opening_window_return_from_prev_close_rank", .fraction, .crossSection,
                "Percentile rank of opening_window_return_from_prev_close_bps")
        case .crossSectionRangePositionRank:
            return d(
                "cross_section_range_position_rank", .fraction, .crossSection,
                "Percentile rank of price_position_in_session_range")
        case .crossSectionVwapW5mRank:
            return d(
                "cross_section_vwap_w5m_rank", .fraction, .crossSection, "Percentile rank of price_vs_vwap_w5m_bps")
        case .crossSectionRecentImbalanceRank:
            return d(
                "cross_section_recent_imbalance_rank", .fraction, .crossSection,
                "Percentile rank of recent_imbalance_pressure_avg")
        case .crossSectionPrevSessionOpeningReturn45mRank:
            return d(
                "cross_section_prev_session_opening_return_45m_rank", .fraction, .crossSection,
                "Percentile rank of prev_session_opening_return_45m_bps")
        case .crossSectionPrevSessionOpeningReturn60mRank:
            return d(
                "cross_section_prev_session_opening_return_60m_rank", .fraction, .crossSection,
                "Percentile rank of prev_session_opening_return_60m_bps")
        case .crossSectionPositiveSessionOpenDriveRatio:
            return d(
                "cross_section_positive_session_open_drive_ratio", .fraction, .crossSection,
                "Share of ranked symbols with price_vs_session_open_bps > 0")
        case .crossSectionPositivePrevCloseDriveRatio:
            return d(
                "cross_section_positive_prev_close_drive_ratio", .fraction, .crossSection,
                "Share of ranked symbols with price_vs_prev_session_close_bps > 0")
        case .crossSectionPositiveOpeningWindowReturnRatio:
            return d(
                "cross_section_positive_opening_window_return_ratio", .fraction, .crossSection,
                "Share of ranked symbols with opening_window_return_bps > 0")
        case .crossSectionPositiveOpeningWindowReturnFromPrevCloseRatio:
            return d(
                "cross_section_positive_opening_window_return_from_prev_close_ratio", .fraction, .crossSection,
                "Share of ranked symbols with opening_window_return_from_prev_close_bps > 0")
        case .crossSectionUpperHalfRangePositionRatio:
            return d(
                "cross_section_upper_half_range_position_ratio", .fraction, .crossSection,
                "Share of ranked symbols with price_position_in_session_range > 0.5")
        case .crossSectionAboveVwapW5mRatio:
            return d(
                "cross_section_above_vwap_w5m_ratio", .fraction, .crossSection,
                "Share of ranked symbols with price_vs_vwap_w5m_bps > 0")
        case .crossSectionPositiveRecentImbalanceRatio:
            return d(
                "cross_section_positive_recent_imbalance_ratio", .fraction, .crossSection,
                "Share of ranked symbols with recent_imbalance_pressure_avg > 0")
        case .crossSectionPositivePrevSessionOpeningReturn45mRatio:
            return d(
                "cross_section_positive_prev_session_opening_return_45m_ratio", .fraction, .crossSection,
                "Share of ranked symbols with prev_session_opening_return_45m_bps > 0")
        case .crossSectionPositivePrevSessionOpeningReturn60mRatio:
            return d(
                "cross_section_positive_prev_session_opening_return_60m_ratio", .fraction, .crossSection,
                "Share of ranked symbols with prev_session_opening_return_60m_bps > 0")
        case .crossSectionContinuationRank:
            return d(
                "cross_section_continuation_rank", .fraction, .crossSection,
                "Mean of drive, opening-window, range-position, vwap_w5m and recent-imbalance ranks")
        case .crossSectionReversalRank:
            return d(
                "cross_section_reversal_rank", .fraction, .crossSection,
                "Mean of 1 − (drive, opening-window, range-position, vwap_w5m ranks) and the recent-imbalance rank")
        case .crossSectionContinuationBreadth:
            return d(
                "cross_section_continuation_breadth", .fraction, .crossSection,
                "Mean of positive drive, positive opening-window, above-vwap_w5m and positive-imbalance ratios")
        }
    }
}

/// What a feature's number measures.
public enum FeatureUnit: String, Sendable, Hashable, CaseIterable {
    /// A price in the instrument's quote currency (or a price difference, e.g. MACD).
    case price
    /// Basis points: (a − b) / b × 10000.
    case bps
    /// A share of something or a percentile rank, in [0, 1].
    case fraction
    /// A signed ratio in [−1, 1].
    case signedFraction = "signed_fraction"
    /// Oscillator points (RSI, 0–100).
    case points
    /// A standard deviation of log returns (dimensionless, per bar).
    case logReturn = "log_return"
    /// Shares (quote sizes).
    case shares
    /// Minutes.
    case minutes
    /// Milliseconds.
    case milliseconds
    /// A count of events.
    case count
}

/// Where a feature comes from.
public enum FeatureGroup: String, Sendable, Hashable, CaseIterable {
    /// Copied from the signal record.
    case signal
    /// Computed from one signal.
    case derived
    /// Per-symbol state over the New York session.
    case session
    /// Across the symbols of the universe in the current session.
    case crossSection = "cross_section"
}

/// A feature's catalog entry.
public struct FeatureDescriptor: Sendable, Hashable {
    public var id: FeatureID
    public var name: String
    public var unit: FeatureUnit
    public var group: FeatureGroup
    /// One line.
    public var summary: String
}

/// The feature catalog: the contract between the feature extractor and compiled strategies.
public enum FeatureCatalog {
    /// Every feature in slot order.
    public static let all: [FeatureDescriptor] = FeatureID.allCases.map(\.descriptor)

    private static let byName: [String: FeatureID] = {
        var table: [String: FeatureID] = [:]
        for id in FeatureID.allCases {
            precondition(table.updateValue(id, forKey: id.name) == nil, "duplicate feature name \(id.name)")
        }
        return table
    }()

    /// The feature with this snake_case name.
    public static func named(_ name: String) -> FeatureID? { Self.byName[name] }

    /// A Markdown table of the catalog in slot order: `| slot | name | group | unit | description |`.
    public static func markdownTable() -> String {
        var text = "| slot | name | group | unit | description |\n| ---: | --- | --- | --- | --- |\n"
        for entry in Self.all {
            let summary = entry.summary.replacing("|", with: "\\|")
            text +=
                "| \(entry.id.slot) | `\(entry.name)` | \(entry.group.rawValue) | \(entry.unit.rawValue) "
                + "| \(summary) |\n"
        }
        return text
    }
}
