#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The C functions under names the classes' own `close`/`write` methods do not shadow.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
private func renamePath(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// Reads a file line by line through one fixed buffer, so memory stays flat however long the file is. Lines are
/// split on `\n` (a trailing `\r` is the caller's to trim); the last line may lack its newline.
///
/// Owns its descriptor (closed on deinit). Not thread-safe.
public final class LineReader {
    public enum Failure: Error, Sendable {
        case io(FileSystem.Failure)
        /// Line `line` is longer than `maxLineLength`.
        case lineTooLong(line: Int)
    }

    public let path: String
    /// The 1-based number of the line last returned by `next`.
    public private(set) var lineNumber = 0
    private let descriptor: Int32
    private var buffer: [UInt8]
    private let chunkSize: Int
    private let maxLineLength: Int
    private var start = 0  // first unconsumed byte
    private var end = 0  // one past the last valid byte
    private var atEnd = false

    /// - Parameters:
    ///   - chunkSize: bytes per `read(2)` (tests vary it to prove the output does not depend on it).
    ///   - maxLineLength: the longest accepted line.
    public init(path: String, chunkSize: Int = 1 << 20, maxLineLength: Int = 1 << 20) throws(Failure) {
        precondition(chunkSize > 0 && maxLineLength > 0)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .io(FileSystem.Failure(path: path, reason: FileSystem.lastError())) }
        self.path = path
        self.descriptor = descriptor
        self.chunkSize = chunkSize
        self.maxLineLength = maxLineLength
        // Room for a line of maximum length, one more chunk and its first byte past the limit.
        self.buffer = [UInt8](repeating: 0, count: maxLineLength + chunkSize + 1)
    }

    deinit {
        _ = closeDescriptor(self.descriptor)
    }

    /// Calls `body` with the next line (without its `\n`) and returns its result; nil at the end of the file.
    /// The buffer passed to `body` is valid only during the call.
    public func next<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> R) throws(Failure) -> R? {
        var scanFrom = self.start
        while true {
            if let newline = self.firstNewline(from: scanFrom) {
                if newline - self.start > self.maxLineLength { throw .lineTooLong(line: self.lineNumber + 1) }
                self.lineNumber += 1
                let lineStart = self.start
                self.start = newline + 1
                return try self.withLine(lineStart..<newline, body)
            }
            if self.atEnd {
                guard self.start < self.end else { return nil }
                if self.end - self.start > self.maxLineLength { throw .lineTooLong(line: self.lineNumber + 1) }
                self.lineNumber += 1
                let lineStart = self.start
                self.start = self.end
                return try self.withLine(lineStart..<self.end, body)
            }
            let scanned = self.end - self.start
            if scanned > self.maxLineLength { throw .lineTooLong(line: self.lineNumber + 1) }
            try self.fill()
            scanFrom = self.start + scanned
        }
    }

    private func withLine<R>(
        _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> R
    ) throws(Failure) -> R {
        try self.buffer.withUnsafeBufferPointer { (all) throws(Failure) -> R in
            try body(UnsafeBufferPointer(rebasing: all[range]))
        }
    }

    private func firstNewline(from index: Int) -> Int? {
        self.buffer.withUnsafeBufferPointer { all in
            var i = index
            while i < self.end {
                if all[i] == UInt8(ascii: "\n") { return i }
                i += 1
            }
            return nil
        }
    }

    /// Moves unconsumed bytes to the front, then reads one chunk after them.
    private func fill() throws(Failure) {
        if self.start > 0 {
            let pending = self.end - self.start
            self.buffer.withUnsafeMutableBufferPointer { all in
                for i in 0..<pending { all[i] = all[self.start + i] }
            }
            self.start = 0
            self.end = pending
        }
        while true {
            let count = self.buffer.withUnsafeMutableBytes { raw in
                read(self.descriptor, raw.baseAddress! + self.end, min(self.chunkSize, raw.count - self.end))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(FileSystem.Failure(path: self.path, reason: FileSystem.lastError()))
            }
            if count == 0 { self.atEnd = true }
            self.end += count
            return
        }
    }
}

/// Writes through a buffer to a file created (or truncated) at `path`; `close()` flushes and reports errors.
/// Not thread-safe.
public final class BufferedFileWriter {
    public let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    public init(path: String, capacity: Int = 1 << 20) throws(FileSystem.Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw FileSystem.Failure(path: path, reason: FileSystem.lastError()) }
        self.path = path
        self.descriptor = descriptor
        self.capacity = capacity
        self.buffer.reserveCapacity(capacity)
    }

    /// Standard output (not closed by `close()`).
    public init(standardOutput: Void, capacity: Int = 1 << 16) {
        self.path = "<stdout>"
        self.descriptor = -2
        self.capacity = capacity
        self.buffer.reserveCapacity(capacity)
    }

    deinit {
        if self.descriptor >= 0 { _ = closeDescriptor(self.descriptor) }
    }

    public func write(_ bytes: [UInt8]) throws(FileSystem.Failure) {
        self.buffer.append(contentsOf: bytes)
        if self.buffer.count >= self.capacity { try self.flush() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystem.Failure) {
        self.buffer.append(contentsOf: bytes)
        if self.buffer.count >= self.capacity { try self.flush() }
    }

    public func write(byte: UInt8) throws(FileSystem.Failure) {
        self.buffer.append(byte)
        if self.buffer.count >= self.capacity { try self.flush() }
    }

    public func flush() throws(FileSystem.Failure) {
        let target = self.descriptor == -2 ? 1 : self.descriptor
        var offset = 0
        while offset < self.buffer.count {
            let written = self.buffer[offset...].withUnsafeBytes { Glibc.write(target, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystem.Failure(path: self.path, reason: FileSystem.lastError())
            }
            offset += written
        }
        self.buffer.removeAll(keepingCapacity: true)
    }

    public func close() throws(FileSystem.Failure) {
        try self.flush()
        if self.descriptor >= 0 {
            let result = closeDescriptor(self.descriptor)
            self.descriptor = -1
            if result != 0 { throw FileSystem.Failure(path: self.path, reason: FileSystem.lastError()) }
        }
    }
}

extension FileSystem {
    /// Renames atomically within one file system (publishing a finished output file).
    public static func rename(_ from: String, to: String) -> Result<Void, Failure> {
        renamePath(from, to) == 0 ? .success(()) : .failure(Failure(path: to, reason: Self.lastError()))
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) {
        _ = unlink(path)
    }
}
