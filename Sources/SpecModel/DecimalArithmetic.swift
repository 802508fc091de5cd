/// How to pick a representable result when an exact one has more digits than allowed.
///
/// Every rule is applied to the exact quotient, never to an already-rounded intermediate, so no double rounding.
public enum RoundingRule: Sendable, Hashable, CaseIterable {
    /// Toward zero (truncate).
    case down
    /// Away from zero.
    case up
    /// To nearest; ties away from zero.
    case halfUp
    /// To nearest; ties to the even neighbour (banker's rounding).
    case halfEven
    /// Toward negative infinity.
    case floor
    /// Toward positive infinity.
    case ceiling
}

// MARK: - Checked arithmetic

extension Decimal {
    /// Exact sum, or nil when it leaves the range.
    public func adding(_ other: Decimal) -> Decimal? {
        Decimal.fromWide(Int128(units) + Int128(other.units))
    }

    /// Exact difference, or nil when it leaves the range.
    public func subtracting(_ other: Decimal) -> Decimal? {
        Decimal.fromWide(Int128(units) - Int128(other.units))
    }

    /// The exact product rounded to nine fractional digits by `rule`, or nil when it leaves the range.
    public func multiplied(by other: Decimal, rounding rule: RoundingRule) -> Decimal? {
        // |units| < 2^63, so the exact product (< 2^126) fits in Int128.
        let product = Int128(units) * Int128(other.units)
        return Decimal.fromWide(Decimal.divide(product, by: Int128(Decimal.unitsPerWhole), rounding: rule))
    }

    /// The exact quotient rounded to nine fractional digits by `rule`; nil for a zero divisor or out of range.
    public func divided(by divisor: Decimal, rounding rule: RoundingRule) -> Decimal? {
        // Scaled dividend < 2^93: no Int128 overflow.
        Decimal.quotient(Int128(units) * Int128(Decimal.unitsPerWhole), Int128(divisor.units), rule)
    }

    /// self × numerator / denominator with one rounding (the product is kept whole, in 128 bits), e.g. a cost basis
    /// scaled to the part of a position that closes; nil for a zero denominator or out of range.
    public func multiplied(
        by numerator: Decimal, dividedBy denominator: Decimal, rounding rule: RoundingRule
    ) -> Decimal? {
        // |units| < 2^63, so the product (< 2^126) fits; the two scales of 10⁹ cancel.
        Decimal.quotient(Int128(units) * Int128(numerator.units), Int128(denominator.units), rule)
    }

    /// `numerator / denominator` in units, rounded by `rule`; nil for a zero denominator or out of range. The signs
    /// are normalised so `divide` sees a positive denominator.
    private static func quotient(_ numerator: Int128, _ denominator: Int128, _ rule: RoundingRule) -> Decimal? {
        guard denominator != 0 else { return nil }
        let sign: Int128 = denominator < 0 ? -1 : 1
        return Decimal.fromWide(Decimal.divide(numerator * sign, by: denominator * sign, rounding: rule))
    }

    /// The multiple of `step` chosen by `rule` (e.g. a price to tick 0.01 `halfUp`, a quantity to lot 0.0001 `down`).
    ///
    /// Returns nil when `step` is not positive or the result leaves the range.
    public func rounded(toMultipleOf step: Decimal, rule: RoundingRule) -> Decimal? {
        guard step.units > 0 else { return nil }
        let stepUnits = Int128(step.units)
        let multiples = Decimal.divide(Int128(units), by: stepUnits, rounding: rule)
        return Decimal.fromWide(multiples * stepUnits)
    }

    /// Sum that traps on overflow; for literals and already-bounded values. Use `adding(_:)` for untrusted data.
    public static func + (lhs: Decimal, rhs: Decimal) -> Decimal {
        guard let sum = lhs.adding(rhs) else { preconditionFailure("Decimal addition overflowed") }
        return sum
    }

    /// Difference that traps on overflow; for literals and bounded values. Use `subtracting(_:)` for untrusted data.
    public static func - (lhs: Decimal, rhs: Decimal) -> Decimal {
        guard let difference = lhs.subtracting(rhs) else { preconditionFailure("Decimal subtraction overflowed") }
        return difference
    }

    /// Negation; never traps because the range is symmetric.
    public static prefix func - (operand: Decimal) -> Decimal {
        operand.negated
    }
}

// MARK: - Rounding division

extension Decimal {
    /// `numerator / denominator` rounded to an integer by `rule`.
    ///
    /// - Precondition: `denominator > 0` and `denominator < 2^125` (so doubling the remainder cannot overflow).
    static func divide(_ numerator: Int128, by denominator: Int128, rounding rule: RoundingRule) -> Int128 {
        precondition(denominator > 0, "rounding division needs a positive denominator")
        // Swift's `/` truncates toward zero and `%` takes the dividend's sign.
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        guard remainder != 0 else { return quotient }
        let awayFromZero: Bool
        switch rule {
        case .down:
            awayFromZero = false
        case .up:
            awayFromZero = true
        case .floor:
            awayFromZero = numerator < 0
        case .ceiling:
            awayFromZero = numerator > 0
        case .halfUp:
            awayFromZero = 2 * remainder.magnitude >= denominator.magnitude
        case .halfEven:
            let twice = 2 * remainder.magnitude
            if twice == denominator.magnitude {
                awayFromZero = quotient % 2 != 0
            } else {
                awayFromZero = twice > denominator.magnitude
            }
        }
        guard awayFromZero else { return quotient }
        return numerator < 0 ? quotient - 1 : quotient + 1
    }
}
