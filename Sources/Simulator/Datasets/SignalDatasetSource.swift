import Runtime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The reader's byte access: the dataset's bytes (file or memory), the trailer's fields, typed-throws helpers.

/// Reads the trailer's fields with bounds checks.
struct TrailerReader {
    let bytes: [UInt8]
    let end: Int
    let fileOffset: Int
    let path: String
    var position = 0

    init(bytes: [UInt8], end: Int, fileOffset: Int, path: String) {
        self.bytes = bytes
        self.end = end
        self.fileOffset = fileOffset
        self.path = path
    }

    private mutating func take(_ count: Int) throws(DatasetError) -> Int {
        guard count <= self.end - self.position else {
            throw DatasetError(
                .corrupt, path: self.path, at: self.fileOffset + self.position, "the trailer ends too early")
        }
        defer { self.position += count }
        return self.position
    }

    mutating func u32() throws(DatasetError) -> UInt32 {
        self.bytes.loadLittleEndian(UInt32.self, at: try self.take(4))
    }
    mutating func u64() throws(DatasetError) -> UInt64 {
        self.bytes.loadLittleEndian(UInt64.self, at: try self.take(8))
    }
    mutating func i64() throws(DatasetError) -> Int64 { self.bytes.loadLittleEndian(Int64.self, at: try self.take(8)) }

    mutating func dictionary(_ what: String) throws(DatasetError) -> [String] {
        let at = self.fileOffset + self.position
        let count = Int(try self.u32())
        guard count <= SignalDatasetFormat.maxDictionaryEntries else {
            throw DatasetError(.corrupt, path: self.path, at: at, "the \(what) dictionary declares \(count) entries")
        }
        var names: [String] = []
        names.reserveCapacity(count)
        for _ in 0..<count {
            let entryAt = self.fileOffset + self.position
            let length = Int(try self.u32())
            let start = try self.take(length)
            guard let name = String(validating: self.bytes[start..<(start + length)], as: UTF8.self) else {
                throw DatasetError(.corrupt, path: self.path, at: entryAt, "a \(what) name is not valid UTF-8")
            }
            names.append(name)
        }
        return names
    }
}

/// The bytes of a dataset: a file read with `pread`, or an array.
final class ByteSource {
    let name: String
    let size: Int
    private let descriptor: Int32
    private let memory: [UInt8]

    init(path: String) throws(DatasetError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DatasetError(.io, path: path, at: 0, "cannot read: \(String(cString: strerror(errno)))")
        }
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else {
            let reason = String(cString: strerror(errno))
            _ = close(descriptor)
            throw DatasetError(.io, path: path, at: 0, "cannot read: \(reason)")
        }
        self.name = path
        self.size = Int(end)
        self.descriptor = descriptor
        self.memory = []
    }

    init(bytes: [UInt8], name: String) {
        self.name = name
        self.size = bytes.count
        self.descriptor = -1
        self.memory = bytes
    }

    deinit {
        if self.descriptor >= 0 { _ = close(self.descriptor) }
    }

    /// Reads exactly `count` bytes at `offset`; a short file is `truncated`.
    func read(at offset: Int, count: Int, into destination: UnsafeMutableRawPointer) throws(DatasetError) {
        guard offset >= 0, count >= 0, count <= self.size - offset else {
            throw DatasetError(
                .truncated, path: self.name, at: self.size, "truncated: the file ends at byte \(self.size)")
        }
        if self.descriptor < 0 {
            self.memory.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            return
        }
        var done = 0
        while done < count {
            let got = pread(self.descriptor, destination + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw DatasetError(
                    .io, path: self.name, at: offset + done, "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                throw DatasetError(
                    .truncated, path: self.name, at: offset + done, "truncated: the file ends at byte \(offset + done)")
            }
            done += got
        }
    }

    func bytes(at offset: Int, count: Int) throws(DatasetError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 {
            try out.withMutableBytes { (raw) throws(DatasetError) in
                try self.read(at: offset, count: count, into: raw.baseAddress!)
            }
        }
        return out
    }
}

extension Array where Element == SignalRecord {
    /// `withUnsafeMutableBufferPointer` keeping the typed error.
    mutating func withMutableRecords(
        _ body: (UnsafeMutableBufferPointer<SignalRecord>) throws(DatasetError) -> Void
    ) throws(DatasetError) {
        let result: Result<Void, DatasetError> = self.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(DatasetError) in try body(buffer) }
        }
        try result.get()
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeMutableBytes` keeping the typed error (the standard library's `rethrows` erases it).
    mutating func withMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws(DatasetError) -> R
    ) throws(DatasetError) -> R {
        let result: Result<R, DatasetError> = self.withUnsafeMutableBytes { raw in
            Result { () throws(DatasetError) -> R in try body(raw) }
        }
        return try result.get()
    }

    /// `withUnsafeBytes` keeping the typed error.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(DatasetError) -> R) throws(DatasetError) -> R {
        let result: Result<R, DatasetError> = self.withUnsafeBytes { raw in
            Result { () throws(DatasetError) -> R in try body(raw) }
        }
        return try result.get()
    }

    func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        self.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
