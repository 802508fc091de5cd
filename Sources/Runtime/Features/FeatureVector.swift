/// One value per feature slot (`FeatureID.rawValue`) plus a presence bit per slot. Missing is explicit: a slot is
/// either present with a finite `Double` or missing; NaN never stands for missing, and no non-finite value is ever
/// stored (setting one clears the slot and counts it in `invalidInputCount`).
///
/// Storage is allocated once, in `init()`; `set`, `clear` and `removeAll` never allocate as long as the vector is
/// uniquely referenced (reuse one vector per consumer and pass it `inout`; keeping a copy makes the next mutation
/// copy once). A value type; not thread-safe to mutate from several threads at once (no value type is).
public struct FeatureVector: Sendable {
    @usableFromInline var values: [Double]
    @usableFromInline var presence: [UInt64]
    @usableFromInline var invalidCount: Int

    /// Non-finite inputs met since the last `removeAll()` (each stored as missing).
    @inlinable public var invalidInputCount: Int { self.invalidCount }

    @usableFromInline static let wordCount = (FeatureID.count + 63) / 64

    /// An empty vector (every feature missing).
    public init() {
        self.values = [Double](repeating: 0, count: FeatureID.count)
        self.presence = [UInt64](repeating: 0, count: Self.wordCount)
        self.invalidCount = 0
    }

    /// The feature's value, or nil when missing. Setting nil clears it; setting a non-finite value clears it and
    /// counts an invalid input.
    @inlinable public subscript(id: FeatureID) -> Double? {
        get { self.value(slot: id.rawValue) }
        set { self.set(id, newValue) }
    }

    /// The value in `slot` (a `FeatureID.rawValue`), or nil when missing. For compiled strategies.
    @inlinable public func value(slot: Int) -> Double? {
        self.isPresent(slot: slot) ? self.values[slot] : nil
    }

    @inlinable public func isPresent(slot: Int) -> Bool {
        self.presence[slot &>> 6] & (1 &<< UInt64(slot & 63)) != 0
    }

    @inlinable public func contains(_ id: FeatureID) -> Bool { self.isPresent(slot: id.rawValue) }

    /// Stores `value`; a non-finite value is stored as missing and counted in `invalidInputCount`.
    /// Always inlined: a feature extraction makes dozens of these calls per signal, each a few instructions.
    @inlinable @inline(__always) public mutating func set(_ id: FeatureID, _ value: Double) {
        let slot = id.rawValue
        if value.isFinite {
            self.values[slot] = value
            self.presence[slot &>> 6] |= 1 &<< UInt64(slot & 63)
        } else {
            self.presence[slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
            self.recordInvalidInput()
        }
    }

    /// Stores `value`, or clears the slot when nil (nil is "absent", not invalid).
    @inlinable @inline(__always) public mutating func set(_ id: FeatureID, _ value: Double?) {
        if let value {
            self.set(id, value)
        } else {
            self.clear(id)
        }
    }

    @inlinable public mutating func clear(_ id: FeatureID) {
        let slot = id.rawValue
        self.presence[slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
    }

    /// Counts one non-finite input that has no slot of its own (e.g. a NaN bar close).
    @inlinable public mutating func recordInvalidInput() {
        self.invalidCount &+= 1
    }

    /// Marks every feature missing and resets `invalidInputCount`. Values stay in memory but are unreachable.
    @inlinable public mutating func removeAll() {
        for index in 0..<self.presence.count {
            self.presence[index] = 0
        }
        self.invalidCount = 0
    }

    /// Number of present features.
    public var presentCount: Int {
        var total = 0
        for word in self.presence {
            total += word.nonzeroBitCount
        }
        return total
    }

    /// The present features in slot order.
    public var presentFeatures: [FeatureID] {
        FeatureID.allCases.filter { self.contains($0) }
    }
}

extension FeatureVector: Equatable, Hashable {
    /// Equal when the same features are present with the same values and the invalid-input counts match; the stale
    /// contents of missing slots do not matter.
    public static func == (a: FeatureVector, b: FeatureVector) -> Bool {
        guard a.presence == b.presence, a.invalidInputCount == b.invalidInputCount else { return false }
        for slot in 0..<FeatureID.count where a.isPresent(slot: slot) {
            guard a.values[slot] == b.values[slot] else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.presence)
        hasher.combine(self.invalidInputCount)
        for slot in 0..<FeatureID.count where self.isPresent(slot: slot) {
            // 0.0 and -0.0 compare equal, so hash them alike.
            hasher.combine(self.values[slot] == 0 ? 0 : self.values[slot].bitPattern)
        }
    }
}

extension FeatureVector: CustomStringConvertible {
    /// `name=value` for every present feature, in slot order.
    public var description: String {
        var parts: [String] = []
        for id in FeatureID.allCases {
            if let value = self[id] {
                parts.append("\(id.name)=\(value)")
            }
        }
        return "FeatureVector(" + parts.joined(separator: ", ") + ")"
    }
}

/// Raw write access to a `FeatureVector`'s storage for the extractor's hot path: one uniqueness check per array for a
/// whole batch of writes instead of one per `set`. Same semantics as `FeatureVector.set`/`clear`/subscript.
/// Valid only inside `FeatureVector.withWriter`.
struct FeatureVectorWriter {
    let values: UnsafeMutablePointer<Double>
    let presence: UnsafeMutablePointer<UInt64>
    var invalidCount: Int

    @inline(__always) subscript(id: FeatureID) -> Double? {
        let slot = id.rawValue
        return self.presence[slot &>> 6] & (1 &<< UInt64(slot & 63)) != 0 ? self.values[slot] : nil
    }

    @inline(__always) mutating func set(_ id: FeatureID, _ value: Double) {
        let slot = id.rawValue
        if value.isFinite {
            self.values[slot] = value
            self.presence[slot &>> 6] |= 1 &<< UInt64(slot & 63)
        } else {
            self.presence[slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
            self.invalidCount &+= 1
        }
    }

    @inline(__always) mutating func set(_ id: FeatureID, _ value: Double?) {
        if let value {
            self.set(id, value)
        } else {
            self.clear(id)
        }
    }

    @inline(__always) func clear(_ id: FeatureID) {
        let slot = id.rawValue
        self.presence[slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
    }

    @inline(__always) mutating func recordInvalidInput() {
        self.invalidCount &+= 1
    }

    /// Marks every feature missing and resets the invalid-input count (as `FeatureVector.removeAll()`).
    @inline(__always) mutating func removeAll() {
        for index in 0..<FeatureVector.wordCount {
            self.presence[index] = 0
        }
        self.invalidCount = 0
    }
}

extension FeatureVector {
    /// Runs `body` with raw write access to the storage (see `FeatureVectorWriter`).
    @inline(__always)
    mutating func withWriter<R>(_ body: (inout FeatureVectorWriter) -> R) -> R {
        Self.withWriter(values: &self.values, presence: &self.presence, invalidCount: &self.invalidCount, body)
    }

    @inline(__always)
    private static func withWriter<R>(
        values: inout [Double], presence: inout [UInt64], invalidCount: inout Int,
        _ body: (inout FeatureVectorWriter) -> R
    ) -> R {
        values.withUnsafeMutableBufferPointer { values in
            presence.withUnsafeMutableBufferPointer { presence in
                var writer = FeatureVectorWriter(
                    values: values.baseAddress!, presence: presence.baseAddress!, invalidCount: invalidCount)
                let result = body(&writer)
                invalidCount = writer.invalidCount
                return result
            }
        }
    }
}
