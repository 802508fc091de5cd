// The writer's block encoder and dictionaries (`SignalDatasetWriter`).

/// One block's bytes, column by column. Reused from block to block.
struct ColumnEncoder {
    private(set) var bytes: [UInt8] = []
    private var values: [Int64] = []
    private var rowCount = 0

    mutating func begin(rows: Int, firstEventTime: Int64) {
        self.bytes.removeAll(keepingCapacity: true)
        self.rowCount = rows
        self.bytes.appendLittleEndian(UInt32(rows))
        self.bytes.appendLittleEndian(UInt32(0))  // payload length, set by `end`
        self.bytes.appendLittleEndian(firstEventTime)
        self.bytes.appendLittleEndian(Int64(0))  // min, max: set by `end`
        self.bytes.appendLittleEndian(Int64(0))
    }

    /// The finished block: header filled in, checksum appended.
    mutating func end(minEventTime: Int64, maxEventTime: Int64) -> [UInt8] {
        let payload = self.bytes.count - SignalDatasetFormat.blockHeaderLength
        precondition(payload <= SignalDatasetFormat.maxPayloadLength(rows: self.rowCount))
        self.bytes.replaceLittleEndian(UInt32(payload), at: 4)
        self.bytes.replaceLittleEndian(minEventTime, at: 16)
        self.bytes.replaceLittleEndian(maxEventTime, at: 24)
        self.bytes += self.bytes.withUnsafeBytes { SignalDatasetFormat.checksum($0) }
        return self.bytes
    }

    /// `I(k)`: base (the minimum) i64, width u8, then each value − base in `width` little-endian bytes.
    mutating func integers(_ count: Int, _ value: (Int) -> Int64) {
        self.values.removeAll(keepingCapacity: true)
        for i in 0..<count { self.values.append(value(i)) }
        self.packValues()
    }

    mutating func integers(_ rows: [Int], _ value: (Int) -> Int64) {
        self.values.removeAll(keepingCapacity: true)
        for row in rows { self.values.append(value(row)) }
        self.packValues()
    }

    private mutating func packValues() {
        let base = self.values.min() ?? 0
        let span = UInt64(bitPattern: (self.values.max() ?? 0) &- base)
        var width = 0
        while width < 8 && span >> UInt64(8 * width) != 0 { width += 1 }
        self.bytes.appendLittleEndian(base)
        self.bytes.append(UInt8(width))
        guard width > 0 else { return }
        // Each value is stored as 8 bytes and the next one overwrites the 8 − width bytes beyond its width.
        let start = self.bytes.count
        self.bytes.append(contentsOf: repeatElement(0, count: self.values.count * width + 8))
        self.values.withUnsafeBufferPointer { values in
            self.bytes.withUnsafeMutableBytes { raw in
                for (i, value) in values.enumerated() {
                    raw.storeBytes(
                        of: UInt64(bitPattern: value &- base).littleEndian, toByteOffset: start + i * width,
                        as: UInt64.self)
                }
            }
        }
        self.bytes.removeLast(8)
    }

    /// `P(k)` over `rows`: the rows where `present` holds go to `selected`.
    mutating func presence(_ rows: [Int], into selected: inout [Int], _ present: (Int) -> Bool) {
        selected.removeAll(keepingCapacity: true)
        for row in rows where present(row) { selected.append(row) }
        if selected.isEmpty {
            self.bytes.append(SignalDatasetFormat.Presence.none.rawValue)
        } else if selected.count == rows.count {
            self.bytes.append(SignalDatasetFormat.Presence.all.rawValue)
        } else {
            self.bytes.append(SignalDatasetFormat.Presence.bitmap.rawValue)
            let start = self.bytes.count
            self.bytes += [UInt8](repeating: 0, count: (rows.count + 7) / 8)
            var next = 0
            for (j, row) in rows.enumerated() where next < selected.count && selected[next] == row {
                self.bytes[start + (j >> 3)] |= 1 << UInt8(j & 7)
                next += 1
            }
        }
    }

    /// `D(k)`: each value's IEEE-754 bit pattern, 8 bytes little-endian.
    mutating func doubles(_ rows: [Int], _ value: (Int) -> Double) {
        let start = self.bytes.count
        self.bytes.append(contentsOf: repeatElement(0, count: 8 * rows.count))
        self.bytes.withUnsafeMutableBytes { raw in
            for (j, row) in rows.enumerated() {
                raw.storeBytes(of: value(row).bitPattern.littleEndian, toByteOffset: start + 8 * j, as: UInt64.self)
            }
        }
    }
}

/// Names in first-appearance order, looked up by their exact UTF-8 bytes (Swift's `String ==` would merge canonically
/// equivalent spellings and change bytes on the way through).
struct InternTable {
    private struct Key: Hashable {
        let text: String

        static func == (a: Key, b: Key) -> Bool { sameBytes(a.text, b.text) }

        func hash(into hasher: inout Hasher) {
            let done: Void? = self.text.utf8.withContiguousStorageIfAvailable {
                hasher.combine(bytes: UnsafeRawBufferPointer($0))
            }
            if done == nil { for byte in self.text.utf8 { hasher.combine(byte) } }
        }
    }

    private(set) var names: [String] = []
    private(set) var byteCount = 0
    private var ids: [Key: Int] = [:]
    private var last: (text: String, id: Int)?

    /// The id of `text`, adding it if new; nil when the limits would be exceeded.
    mutating func id(_ text: String, totalBytes: Int) -> Int? {
        // The last name looked up first: the common case of a constant column.
        if let last = self.last, sameBytes(last.text, text) { return last.id }
        let key = Key(text: text)
        if let id = self.ids[key] {
            self.last = (text, id)
            return id
        }
        guard self.names.count < SignalDatasetFormat.maxDictionaryEntries,
            totalBytes + text.utf8.count <= SignalDatasetFormat.maxDictionaryBytes
        else { return nil }
        let id = self.names.count
        self.names.append(text)
        self.byteCount += text.utf8.count
        self.ids[key] = id
        self.last = (text, id)
        return id
    }
}

/// Whether two strings have the same UTF-8 bytes (no Unicode equivalence).
private func sameBytes(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && x.elementsEqual(y) } }
}

extension [UInt8] {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { self.append(contentsOf: $0) }
    }

    mutating func replaceLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { self[offset + i] = byte }
        }
    }
}
