import Runtime
import SpecModel

/// Why a simulation stopped: a value left exact `Decimal`'s range (about ±9.2 billion at 10⁻⁹), which no realistic
/// account reaches, or the scenario's data could not be read. The run ends with a clear error instead of a wrong
/// number or a trap; the commands report it as a diagnostic with `code`, at `path` when a file is at fault.
public struct SimulationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var code: DiagnosticCode
    /// The file at fault (a dataset), if any.
    public var path: String?

    public init(_ message: String, code: DiagnosticCode = .scenarioNotRunnable, path: String? = nil) {
        self.message = message
        self.code = code
        self.path = path
    }

    public var description: String { self.path.map { "\($0): \(self.message)" } ?? self.message }
}

@inline(__always)
func exact(_ value: Decimal?, _ what: @autoclosure () -> String) throws(SimulationError) -> Decimal {
    guard let value else { throw SimulationError("\(what()) is outside the exact decimal range") }
    return value
}

/// Cash, positions and their marks, in exact decimals. `equity = cash + Σ quantity × mark` holds after every change
/// (tested at every event). Positions are kept sorted by symbol, so iteration order is deterministic.
public struct Portfolio: Sendable, Hashable {
    public struct Position: Sendable, Hashable {
        public var symbol: Symbol
        /// Signed: negative is short.
        public var quantity: Decimal
        /// Average entry price of the open quantity.
        public var averagePrice: Decimal
        /// The last price seen for the symbol.
        public var mark: Decimal
        /// What the open quantity cost, signed like it: the notionals that opened it, less the part realized. Exact;
        /// `averagePrice` is this over the quantity, rounded, for display.
        public var costBasis: Decimal
    }

    public private(set) var cash: Decimal
    public private(set) var positions: [Position] = []
    /// Per position (same order): quantity × mark, rounded half-even, or nil when it leaves the decimal range.
    /// Kept as marks and fills change it, so equity (asked for at every signal) adds values instead of
    /// multiplying each position again.
    private var values: [Decimal?] = []
    /// Σ `values` in units, exactly, and how many are nil: the market value without a pass over the positions.
    private var valueUnits: Int128 = 0
    private var valuesOutOfRange = 0
    /// Realized PnL before costs, and the costs paid.
    public private(set) var realizedPnL: Decimal = .zero
    public private(set) var costs: Decimal = .zero
    /// Closed (or reduced) position legs, and those with a positive PnL before costs.
    public private(set) var closedLegs = 0
    public private(set) var winningLegs = 0

    public init(cash: Decimal, positions: [(symbol: Symbol, quantity: Decimal, averagePrice: Decimal)] = []) {
        self.cash = cash
        for position in positions.sorted(by: { $0.symbol < $1.symbol }) where !position.quantity.isZero {
            // Marked at its average price, the position is worth its cost basis (nil only past the decimal's range,
            // which `equity()` reports).
            let basis = position.quantity.multiplied(by: position.averagePrice, rounding: .halfEven)
            self.positions.append(
                Position(
                    symbol: position.symbol, quantity: position.quantity, averagePrice: position.averagePrice,
                    mark: position.averagePrice, costBasis: basis ?? .zero))
            self.values.append(.zero)
            self.setValue(at: self.values.count - 1, basis)
        }
    }

    /// Replaces the value at `index`, keeping the sum (a slot enters as `.zero`, adding nothing).
    private mutating func setValue(at index: Int, _ value: Decimal?) {
        if let old = self.values[index] { self.valueUnits -= Int128(old.units) } else { self.valuesOutOfRange -= 1 }
        if let value { self.valueUnits += Int128(value.units) } else { self.valuesOutOfRange += 1 }
        self.values[index] = value
    }

    private static func value(of position: Position) -> Decimal? {
        position.quantity.multiplied(by: position.mark, rounding: .halfEven)
    }

    public func position(_ symbol: Symbol) -> Position? {
        self.index(of: symbol).map { self.positions[$0] }
    }

    /// Quantity × mark over every position (negative for shorts).
    public func marketValue() throws(SimulationError) -> Decimal {
        if self.valuesOutOfRange > 0 { _ = try exact(nil, "a position value") }
        return try exact(Self.decimal(self.valueUnits), "the market value")
    }

    private static func decimal(_ units: Int128) -> Decimal? {
        units >= -Int128(Int64.max) && units <= Int128(Int64.max) ? Decimal(units: Int64(units)) : nil
    }

    public func equity() throws(SimulationError) -> Decimal {
        try exact(self.cash.adding(try self.marketValue()), "equity")
    }

    /// Unrealized PnL: the market value less the cost basis of what is open. With the realized PnL measured against
    /// the same basis, realized + unrealized − costs equals the change in equity exactly.
    public func unrealizedPnL() throws(SimulationError) -> Decimal {
        var basis = Decimal.zero
        for position in self.positions {
            basis = try exact(basis.adding(position.costBasis), "the cost basis")
        }
        return try exact(try self.marketValue().subtracting(basis), "unrealized PnL")
    }

    /// Records the latest price of a held symbol.
    public mutating func mark(_ symbol: Symbol, at price: Decimal) {
        guard let index = self.index(of: symbol) else { return }
        self.mark(at: index, price)
    }

    /// Whether `name` is held: its position's index (a signal's symbol is matched without validating it as a ticker).
    /// Few positions: a linear scan beats hashing, and keeps the order deterministic.
    public func index(ofName name: String) -> Int? {
        self.positions.firstIndex { $0.symbol.rawValue == name }
    }

    /// Records the latest price of the position at `index` (from `index(ofName:)`).
    public mutating func mark(at index: Int, _ price: Decimal) {
        self.positions[index].mark = price
        self.setValue(at: index, Self.value(of: self.positions[index]))
    }

    /// Applies a fill of `quantity` (signed: + buys, − sells) at `price`, paying `cost`. Returns the realized PnL of
    /// the part that reduced or closed an existing position (before costs).
    @discardableResult
    public mutating func apply(
        symbol: Symbol, quantity: Decimal, price: Decimal, cost: Decimal
    ) throws(SimulationError) -> Decimal {
        let notional = try exact(quantity.multiplied(by: price, rounding: .halfEven), "a fill notional")
        self.cash = try exact(self.cash.subtracting(notional), "cash")
        self.cash = try exact(self.cash.subtracting(cost), "cash")
        self.costs = try exact(self.costs.adding(cost), "costs")
        let index: Int
        if let existing = self.index(of: symbol) {
            index = existing
        } else {
            let insertAt = self.positions.firstIndex { symbol < $0.symbol } ?? self.positions.count
            self.positions.insert(
                Position(symbol: symbol, quantity: .zero, averagePrice: price, mark: price, costBasis: .zero), at: insertAt)
            self.values.insert(.zero, at: insertAt)
            index = insertAt
        }
        var position = self.positions[index]
        position.mark = price
        var realized = Decimal.zero
        let held = position.quantity
        if held.isZero || held.signum == quantity.signum {
            // Opening or adding: the notional joins the cost basis.
            position.quantity = try exact(held.adding(quantity), "a position quantity")
            position.costBasis = try exact(position.costBasis.adding(notional), "the cost basis")
        } else {
            // Reducing, closing or flipping: the closed part takes its share of the basis and realizes the rest.
            let closing = min(held.magnitude, quantity.magnitude)
            let closingQuantity = held.isNegative ? closing : closing.negated
            // The closing part's notional; an opening remainder (a flip) gets the rest of the fill's, so the two add
            // up to the cash that moved.
            let closingNotional =
                closing == quantity.magnitude
                ? notional : try exact(closingQuantity.multiplied(by: price, rounding: .halfEven), "a fill notional")
            let released =
                closing == held.magnitude
                ? position.costBasis
                : try exact(
                    position.costBasis.multiplied(by: closing, dividedBy: held.magnitude, rounding: .halfEven),
                    "the cost basis")
            realized = try exact(closingNotional.negated.subtracting(released), "realized PnL")
            self.realizedPnL = try exact(self.realizedPnL.adding(realized), "realized PnL")
            self.closedLegs += 1
            if realized > .zero { self.winningLegs += 1 }
            position.quantity = try exact(held.adding(quantity), "a position quantity")
            position.costBasis = try exact(position.costBasis.subtracting(released), "the cost basis")
            if !position.quantity.isZero && position.quantity.signum != held.signum {
                // Flipped: the new side opens at the fill price.
                position.costBasis = try exact(notional.subtracting(closingNotional), "the cost basis")
            }
        }
        if !position.quantity.isZero {
            position.averagePrice = try exact(
                position.costBasis.divided(by: position.quantity, rounding: .halfEven), "an average price")
        }
        if position.quantity.isZero {
            self.setValue(at: index, .zero)
            self.positions.remove(at: index)
            self.values.remove(at: index)
        } else {
            self.positions[index] = position
            self.setValue(at: index, Self.value(of: position))
        }
        return realized
    }

    private func index(of symbol: Symbol) -> Int? { self.index(ofName: symbol.rawValue) }
}
