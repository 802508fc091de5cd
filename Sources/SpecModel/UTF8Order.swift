extension String {
    /// True when `self` sorts before `other` by UTF-8 bytes, the one order used for everything hashed or printed.
    /// (`String.<` compares by Unicode canonical equivalence, which differs for non-normalized text.)
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        let fast = self.utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in Self.bytesPrecede(left, right) }
        }
        if let result = fast ?? nil { return result }
        return self.utf8.lexicographicallyPrecedes(other.utf8)
    }

    @usableFromInline
    static func bytesPrecede(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = Swift.min(left.count, right.count)
        var index = 0
        while index < count {
            if left[index] != right[index] { return left[index] < right[index] }
            index += 1
        }
        return left.count < right.count
    }
}
