// The TA pipeline (issue 5 goals: ≥ 20 M decoded trades/s per core into microbars, ≥ 5 M bars/s through all
// indicators). Each group has a baseline over the same in-memory data: a plain loop reading every record, so the
// ratio is the cost of the work itself.

import Benchmark
import Runtime
import SpecModel

func registerTechnicalAnalysisBenchmarks() {
    // 200,000 decoded trades: 10 symbols, ~20 trades per symbol-second, prices a random walk, every trade with an id
    // (so duplicate detection runs), up to 0.3 s out of order.
    var generator = SplitMix64(seed: 2026)
    let start = Timestamp.parse("2026-03-06T14:30:00Z")!
    var symbols = SymbolTable()
    let ids = (0..<10).map { symbols.intern("S\($0)") }
    var trades: [MarketEvent] = []
    var prices = [Double](repeating: 100, count: 10)
    var time = start
    for index in 0..<200_000 {
        time += Int64(generator.next() % 10_000_000)  // 0–10 ms between trades: ~200 trades/s in all
        let symbol = Int(generator.next() % 10)
        prices[symbol] *= 1 + (Double(generator.next() % 201) - 100) / 1_000_000
        let jitter = Int64(generator.next() % 300_000_000)
        trades.append(
            .trade(
                MarketTrade(
                    symbol: ids[symbol], time: time - jitter, price: prices[symbol],
                    size: Double(generator.next() % 500 + 1), id: Int64(index))))
    }
    // 100,000 one-second bars of one symbol.
    var bars: [MarketBar] = []
    var close = 100.0
    for index in 0..<100_000 {
        close *= 1 + (Double(generator.next() % 201) - 100) / 100_000
        bars.append(
            MarketBar(
                symbol: ids[0], interval: .oneSecond, start: start + Int64(index) * 1_000_000_000, open: close,
                high: close * 1.001, low: close * 0.999, close: close, volume: Double(generator.next() % 5_000 + 1)))
    }
    // 10,000 ingest-envelope trade lines as the forwarder writes them.
    let lines: [[UInt8]] = (0..<10_000).map { index in
        let t = Timestamp.format(start + Int64(index) * 7_000_000)
        return Array(
            #"{"ingestTs":"\#(t)","eventTs":"\#(t)","feed":"iex","channel":"trades","symbol":"NVDA","seq":\#(index),"payload":{"i":\#(index),"S":"NVDA","x":"V","p":181.23,"s":100,"c":["@"],"t":"\#(t)","z":"C"},"isFinal":true,"source":"ws","version":1}"#
                .utf8)
    }

    Benchmark("ta/1 read 200k decoded trades (baseline)", configuration: baselineConfiguration()) { benchmark in
        for _ in benchmark.scaledIterations {
            var sum = 0.0
            for event in trades { if case .trade(let trade) = event { sum += trade.price * trade.size } }
            blackHole(sum)
        }
    }

    Benchmark("ta/2 BarAssembler 200k trades into microbars") { benchmark in
        for _ in benchmark.scaledIterations {
            var assembler = BarAssembler()
            assembler.register(symbols)
            var output: [AssembledBar] = []
            output.reserveCapacity(1024)
            var emitted = 0
            for event in trades {
                assembler.process(event, into: &output)
                emitted += output.count
                output.removeAll(keepingCapacity: true)
            }
            blackHole(emitted)
        }
    }

    Benchmark("ta/3 read 100k bars (baseline)", configuration: baselineConfiguration()) { benchmark in
        for _ in benchmark.scaledIterations {
            var sum = 0.0
            for bar in bars { sum += bar.close * bar.volume }
            blackHole(sum)
        }
    }

    for (name, mode) in [
        ("ta/4 IndicatorSeries native, 100k bars, all indicators", TechnicalAnalysisMode.native),
        ("ta/5 IndicatorSeries torghut parity (360-bar recompute), 100k bars", .torghutParity),
    ] {
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                var series = IndicatorSeries(mode: mode)
                var sum = 0.0
                for bar in bars { sum += series.update(bar).macdHistogram }
                blackHole(sum)
            }
        }
    }

    Benchmark("ta/6 TechnicalAnalysisPipeline 200k trades to signals (assembly + indicators)") { benchmark in
        for _ in benchmark.scaledIterations {
            var pipeline = TechnicalAnalysisPipeline()
            pipeline.symbols = symbols
            var signals: [TechnicalSignal] = []
            var emitted = 0
            for event in trades {
                pipeline.process(event, into: &signals)
                emitted += signals.count
                signals.removeAll(keepingCapacity: true)
            }
            blackHole(emitted)
        }
    }

    Benchmark("ta/7 IngestJSONDecoder 10k envelope lines") { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = IngestJSONDecoder()
            var table = SymbolTable()
            var decoded = 0
            for line in lines {
                if case .success = line.withUnsafeBufferPointer({ decoder.decode($0, symbols: &table) }) { decoded += 1 }
            }
            blackHole(decoded)
        }
    }
}
