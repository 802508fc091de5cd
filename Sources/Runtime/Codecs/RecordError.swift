import SpecModel

/// Why one line of market data or signals could not be decoded. `byteOffset` is within the line; the reader turns it
/// into `file:line:column`.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: DiagnosticCode
    public var byteOffset: Int
    public var message: String

    public init(_ code: DiagnosticCode, at byteOffset: Int, _ message: String) {
        self.code = code
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String { self.message }
}

/// Typed reads of one JSON object's members with `RecordError`s that point at the offending token.
struct JSONObjectReader {
    let tape: JSONTape
    let bytes: UnsafeBufferPointer<UInt8>
    let object: Int
    /// How messages name the object ("trade payload", "quote", …).
    let what: String

    var start: Int { Int(self.tape.tokens[self.object].start) }

    func member(_ keys: StaticString...) -> Int? {
        for key in keys {
            if let token = self.tape.member(self.object, key, in: self.bytes), !self.tape.isNull(token) { return token }
        }
        return nil
    }

    func offset(_ token: Int) -> Int { Int(self.tape.tokens[token].start) }

    func number(_ name: String, _ token: Int?) throws(RecordError) -> Double {
        guard let token else { throw RecordError(.missingField, at: self.start, "\(self.what) has no `\(name)`") }
        guard let value = self.tape.double(token, in: self.bytes) else {
            throw RecordError(.missingField, at: self.offset(token), "`\(name)` must be a finite number")
        }
        return value
    }

    func optionalNumber(_ name: String, _ token: Int?) throws(RecordError) -> Double? {
        guard let token else { return nil }
        return try self.number(name, token)
    }

    func string(_ name: String, _ token: Int?) throws(RecordError) -> String {
        guard let token else { throw RecordError(.missingField, at: self.start, "\(self.what) has no `\(name)`") }
        guard let value = self.tape.string(token, in: self.bytes) else {
            throw RecordError(.missingField, at: self.offset(token), "`\(name)` must be a string")
        }
        return value
    }

    func timestamp(_ name: String, _ token: Int?) throws(RecordError) -> TimestampNanos {
        guard let token else { throw RecordError(.missingField, at: self.start, "\(self.what) has no `\(name)`") }
        guard self.tape.tokens[token].kind == .string else {
            throw RecordError(.missingField, at: self.offset(token), "`\(name)` must be an ISO-8601 string")
        }
        guard let nanos = Timestamp.parse(utf8: self.tape.rawBytes(token, in: self.bytes)) else {
            throw RecordError(
                .invalidField, at: self.offset(token),
                "`\(name)` is not an ISO-8601 UTC timestamp (e.g. 2026-03-06T14:30:00.123456Z)")
        }
        try RecordTime.check(nanos, name) { (message) throws(RecordError) in
            throw RecordError(.invalidField, at: self.offset(token), message)
        }
        return nanos
    }

    func int64(_ name: String, _ token: Int?) throws(RecordError) -> Int64? {
        guard let token else { return nil }
        guard let value = self.tape.int64(token, in: self.bytes) else {
            throw RecordError(.missingField, at: self.offset(token), "`\(name)` must be an integer")
        }
        return value
    }

    func bool(_ name: String, _ token: Int?) throws(RecordError) -> Bool? {
        guard let token else { return nil }
        guard let value = self.tape.bool(token) else {
            throw RecordError(.missingField, at: self.offset(token), "`\(name)` must be true or false")
        }
        return value
    }

    /// A price: finite and > 0.
    func price(_ name: String, _ token: Int?) throws(RecordError) -> Double {
        let value = try self.number(name, token)
        guard value > 0 else {
            throw RecordError(.invalidField, at: self.offset(token!), "`\(name)` must be a positive price, not \(value)")
        }
        return value
    }

    /// A size or volume: finite and ≥ 0.
    func size(_ name: String, _ token: Int?) throws(RecordError) -> Double {
        let value = try self.number(name, token)
        guard value >= 0 else {
            throw RecordError(.invalidField, at: self.offset(token!), "`\(name)` must not be negative, not \(value)")
        }
        return value
    }
}

/// The instants a record may carry: from 1970-01-01 to 2200-01-01 (UTC). Far inside the Int64 nanosecond range, so a
/// bar's end, a second's end or a lateness allowance computed from one never overflows.
enum RecordTime {
    static let earliest: TimestampNanos = 0
    /// 2200-01-01T00:00:00Z.
    static let latest: TimestampNanos = 7_258_118_400 * Timestamp.nanosPerSecond

    static func check(
        _ time: TimestampNanos, _ name: String, fail: (String) throws(RecordError) -> Void
    ) throws(RecordError) {
        guard time >= Self.earliest, time < Self.latest else {
            try fail("`\(name)` \(Timestamp.format(time)) is outside the supported range, 1970-01-01 to 2200-01-01")
            return
        }
    }
}
