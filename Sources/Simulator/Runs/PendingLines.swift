/// Finished event lines not yet hashed and written, in one raw block that lines are composed into in place (a
/// streaming hash update and a file write cost more per call than a signal line's bytes, so both take whole blocks;
/// the hash of the whole stream is the same).
final class PendingLines {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        self.base = .allocate(capacity: capacity)
    }

    deinit {
        self.base.deallocate()
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: self.base, count: self.count) }

    /// Room for `extra` more bytes at `base + count`, growing the block when a line is longer than what is left.
    @inline(__always)
    func reserve(_ extra: Int) {
        if self.capacity - self.count < extra { self.grow(toFit: extra) }
    }

    private func grow(toFit extra: Int) {
        let capacity = max(2 * self.capacity, self.count + extra)
        let base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        base.update(from: self.base, count: self.count)
        self.base.deallocate()
        self.base = base
        self.capacity = capacity
    }

    /// Counts `written` bytes put at `base + count` (after `reserve`).
    @inline(__always)
    func commit(_ written: Int) {
        self.count += written
    }

    func append(_ bytes: [UInt8]) {
        self.reserve(bytes.count)
        bytes.withUnsafeBufferPointer { source in
            guard let start = source.baseAddress else { return }
            (self.base + self.count).update(from: start, count: source.count)
        }
        self.count += bytes.count
    }

    func append(byte: UInt8) {
        self.reserve(1)
        self.base[self.count] = byte
        self.count += 1
    }

    func removeAll() {
        self.count = 0
    }
}
