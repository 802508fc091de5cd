#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Incremental indicator building blocks. Conventions (docs/technical-analysis.md states them for users):
/// - EMA(n) is seeded with the first value and then `e += k·(x − e)`, `k = 2/(n+1)` (ta4j's convention).
/// - RSI uses Wilder's smoothing (`avg += (x − avg)/n`) seeded with a zero gain and loss on the first bar (ta4j).
/// - Windowed statistics are population statistics (divide by the count).
/// Every `update` is O(1) and allocation-free; buffers are allocated once, at construction.

/// Exponential moving average seeded with the first value.
public struct ExponentialMovingAverage: Sendable, Hashable {
    public let period: Int
    public private(set) var value: Double = 0
    public private(set) var isSeeded = false
    private let weight: Double

    public init(period: Int) {
        precondition(period > 0, "EMA period must be positive")
        self.period = period
        self.weight = 2.0 / Double(period + 1)
    }

    @inline(__always)
    public mutating func update(_ x: Double) -> Double {
        if self.isSeeded {
            self.value += self.weight * (x - self.value)
        } else {
            self.value = x
            self.isSeeded = true
        }
        return self.value
    }
}

/// Wilder's RSI. The first bar has no change: both averages start at 0 and the value is absent until a second bar.
public struct WilderRSI: Sendable, Hashable {
    public let period: Int
    private var previousClose: Double = 0
    private var averageGain: Double = 0
    private var averageLoss: Double = 0
    private var bars = 0

    public init(period: Int) {
        precondition(period > 0, "RSI period must be positive")
        self.period = period
    }

    /// The RSI after `close`, or nil on the first bar. 0 when there was neither gain nor loss, 100 with gains only.
    @inline(__always)
    public mutating func update(_ close: Double) -> Double? {
        defer {
            self.previousClose = close
            self.bars += 1
        }
        guard self.bars > 0 else { return nil }
        let change = close - self.previousClose
        let n = Double(self.period)
        self.averageGain += (max(change, 0) - self.averageGain) / n
        self.averageLoss += (max(-change, 0) - self.averageLoss) / n
        if self.averageLoss == 0 { return self.averageGain == 0 ? 0 : 100 }
        return 100 - 100 / (1 + self.averageGain / self.averageLoss)
    }
}

/// The last `capacity` values, oldest first. Fixed storage allocated once.
public struct RingBuffer: Sendable, Hashable {
    public let capacity: Int
    public private(set) var count = 0
    private var storage: [Double]
    private var head = 0  // index of the oldest value

    public init(capacity: Int) {
        precondition(capacity > 0, "ring capacity must be positive")
        self.capacity = capacity
        self.storage = Array(repeating: 0, count: capacity)
    }

    public var isFull: Bool { self.count == self.capacity }

    /// Appends `x`; when full, drops and returns the oldest value.
    @inline(__always)
    @discardableResult
    public mutating func push(_ x: Double) -> Double? {
        if self.count < self.capacity {
            var index = self.head + self.count
            if index >= self.capacity { index -= self.capacity }
            self.storage[index] = x
            self.count += 1
            return nil
        }
        let evicted = self.storage[self.head]
        self.storage[self.head] = x
        self.head += 1
        if self.head == self.capacity { self.head = 0 }
        return evicted
    }

    /// The i-th value, oldest first.
    @inline(__always)
    public subscript(i: Int) -> Double {
        var index = self.head + i
        if index >= self.capacity { index -= self.capacity }
        return self.storage[index]
    }

    /// Calls `body` with every value, oldest first (two contiguous runs, no closure allocation when inlined).
    @inline(__always)
    public func forEach(_ body: (Double) -> Void) {
        let firstRun = min(self.count, self.capacity - self.head)
        for i in 0..<firstRun { body(self.storage[self.head + i]) }
        for i in 0..<(self.count - firstRun) { body(self.storage[i]) }
    }
}

/// Bollinger bands over the last `period` closes: mean ± `width` population standard deviations. Computed exactly
/// (two passes over the window) on every bar, so no running-sum drift exists to bound.
public struct BollingerBands: Sendable, Hashable {
    public struct Bands: Sendable, Hashable {
        public var mid: Double
        public var upper: Double
        public var lower: Double
    }

    public let period: Int
    public let width: Double
    private var closes: RingBuffer

    public init(period: Int, width: Double) {
        self.period = period
        self.width = width
        self.closes = RingBuffer(capacity: period)
    }

    /// The bands after `close`; nil until `period` closes were seen.
    @inline(__always)
    public mutating func update(_ close: Double) -> Bands? {
        self.closes.push(close)
        guard self.closes.isFull else { return nil }
        var sum = 0.0
        self.closes.forEach { sum += $0 }
        let n = Double(self.period)
        let mean = sum / n
        var squares = 0.0
        self.closes.forEach { squares += ($0 - mean) * ($0 - mean) }
        let deviation = (squares / n).squareRoot()
        return Bands(mid: mean, upper: mean + self.width * deviation, lower: mean - self.width * deviation)
    }
}

/// Population standard deviation of the log returns between the last `bars` closes (so up to `bars − 1` returns).
///
/// Running sums over a ring of returns, re-summed exactly every `bars − 1` updates so rounding drift stays bounded.
/// The sums are of each return less a shift (the window's mean at the last re-summation), so a steady trend, whose
/// returns' mean dwarfs their spread, does not cancel catastrophically in Σd²/n − (Σd/n)² (relative error ≲ 1e-12
/// against a fresh two-pass computation, random walks and trends alike; tested).
public struct RealizedVolatilityWindow: Sendable, Hashable {
    public let bars: Int
    private var returns: RingBuffer
    private var previousClose: Double = 0
    private var seen = 0
    private var shift = 0.0
    private var sum = 0.0
    private var sumOfSquares = 0.0
    private var updatesSinceResum = 0

    public init(bars: Int) {
        precondition(bars >= 2, "realized volatility needs at least two bars")
        self.bars = bars
        self.returns = RingBuffer(capacity: bars - 1)
    }

    /// The volatility after `close`; nil on the first bar.
    @inline(__always)
    public mutating func update(_ close: Double) -> Double? {
        defer {
            self.previousClose = close
            self.seen += 1
        }
        guard self.seen > 0 else { return nil }
        let r = log(close / self.previousClose)
        if let evicted = self.returns.push(r) {
            let d = evicted - self.shift
            self.sum -= d
            self.sumOfSquares -= d * d
        }
        let d = r - self.shift
        self.sum += d
        self.sumOfSquares += d * d
        self.updatesSinceResum += 1
        if self.updatesSinceResum >= self.returns.capacity { self.resum() }
        let n = Double(self.returns.count)
        var mean = self.sum / n
        var variance = self.sumOfSquares / n - mean * mean
        // The shift has drifted from the mean (an outlier left the window, a trend turned) so far that the
        // subtraction would cancel most digits: re-shift now rather than at the next scheduled re-summation.
        if mean * mean > 1e4 * max(variance, 0), self.updatesSinceResum > 0 {
            self.resum()
            mean = self.sum / n
            variance = self.sumOfSquares / n - mean * mean
        }
        return variance > 0 ? variance.squareRoot() : 0
    }

    /// Re-sums the ring exactly, shifted by its mean (a two-pass sum: the shift first, then the deviations).
    private mutating func resum() {
        var total = 0.0
        self.returns.forEach { total += $0 }
        self.shift = total / Double(self.returns.count)
        var sum = 0.0
        var squares = 0.0
        self.returns.forEach {
            let d = $0 - self.shift
            sum += d
            squares += d * d
        }
        self.sum = sum
        self.sumOfSquares = squares
        self.updatesSinceResum = 0
    }
}

/// Σ price·volume / Σ volume over the bars whose end lies within `span` of the newest bar's end (inclusive).
///
/// A time-indexed deque with running sums, re-summed exactly whenever as many bars left the window as it holds.
public struct TimeWindowVWAP: Sendable, Hashable {
    public let span: Int64
    private var ends: [Int64]
    private var priceVolumes: [Double]
    private var volumes: [Double]
    private var head = 0
    private var count = 0
    private var priceVolumeSum = 0.0
    private var volumeSum = 0.0
    private var evictionsSinceResum = 0

    public init(span: Int64, initialCapacity: Int = 512) {
        self.span = span
        self.ends = Array(repeating: 0, count: initialCapacity)
        self.priceVolumes = Array(repeating: 0, count: initialCapacity)
        self.volumes = Array(repeating: 0, count: initialCapacity)
    }

    /// The VWAP after a bar ending at `end`; nil when the window has no volume. Bars must come in end order.
    @inline(__always)
    public mutating func update(end: Int64, priceVolume: Double, volume: Double) -> Double? {
        let cutoff = end - self.span
        let capacity = self.ends.count
        while self.count > 0 && self.ends[self.head] < cutoff {
            self.priceVolumeSum -= self.priceVolumes[self.head]
            self.volumeSum -= self.volumes[self.head]
            self.head = self.head + 1 == capacity ? 0 : self.head + 1
            self.count -= 1
            self.evictionsSinceResum += 1
        }
        if self.count == capacity { self.grow() }
        var tail = self.head + self.count
        if tail >= self.ends.count { tail -= self.ends.count }
        self.ends[tail] = end
        self.priceVolumes[tail] = priceVolume
        self.volumes[tail] = volume
        self.count += 1
        self.priceVolumeSum += priceVolume
        self.volumeSum += volume
        if self.evictionsSinceResum >= self.count { self.resum() }
        return self.volumeSum > 0 ? self.priceVolumeSum / self.volumeSum : nil
    }

    private mutating func resum() {
        var priceVolume = 0.0
        var volume = 0.0
        var index = self.head
        for _ in 0..<self.count {
            priceVolume += self.priceVolumes[index]
            volume += self.volumes[index]
            index = index + 1 == self.ends.count ? 0 : index + 1
        }
        self.priceVolumeSum = priceVolume
        self.volumeSum = volume
        self.evictionsSinceResum = 0
    }

    /// Doubles the storage, keeping order. Happens only while a window holds more bars than ever before.
    private mutating func grow() {
        let capacity = self.ends.count
        var ends = [Int64](repeating: 0, count: capacity * 2)
        var priceVolumes = [Double](repeating: 0, count: capacity * 2)
        var volumes = [Double](repeating: 0, count: capacity * 2)
        for i in 0..<self.count {
            let index = (self.head + i) % capacity
            ends[i] = self.ends[index]
            priceVolumes[i] = self.priceVolumes[index]
            volumes[i] = self.volumes[index]
        }
        self.ends = ends
        self.priceVolumes = priceVolumes
        self.volumes = volumes
        self.head = 0
    }
}
