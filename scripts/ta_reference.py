#!/usr/bin/env python3
"""Independent Python reference implementation of the technical-analysis (TA) pipeline.

Usage:
    python3 scripts/ta_reference.py [--out Tests/Fixtures/ta]

The script is deterministic (fixed seeds, standard library only). It

1. generates a synthetic input data set and writes it:
   - trades.jsonl : NVDA/AAPL trades + NVDA quotes in the Torghut ingest envelope shape,
   - bars.csv     : SPY 1-minute bars crossing New York midnight and the 09:30 NY open;
2. reads those files back (so the values used are exactly what a parser of the files sees), and
3. computes the expected indicator output in two modes and writes it:
   - expected-native.jsonl
   - expected-parity.jsonl

Conventions (see also Tests/Fixtures/ta/README.md):
- All times are handled as integer microseconds since the Unix epoch (UTC); no float time arithmetic.
- Microbars: trades bucketed by floor(trade time, 1 s); window [s, s+1s); event_ts = s+1s; timeframe "1Sec".
- CSV bars: window [ts, ts+60s); event_ts = ts+60s; timeframe "1Min"; pv = close*volume.
- Emission order: sort all bars by (event_ts, symbol bytes, timeframe bytes); seq = per-symbol counter from 1.
- One series per (symbol, timeframe) (native) / per symbol (parity); identical groupings in this data set.
- Imbalance: latest quote OF THE BAR'S SYMBOL with quote time strictly < bar end (ties -> later in file).
  Only NVDA has quotes, so AAPL and SPY imbalance fields are always null.
- Sums use math.fsum (correctly rounded); standard deviations are computed two-pass (mean first).
"""

import argparse
import calendar
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

US = 1_000_000  # microseconds per second
NY = ZoneInfo("America/New_York")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

OUTPUT_KEYS = [
    "symbol", "timeframe", "event_ts", "seq", "close",
    "ema12", "ema26", "macd", "macd_signal", "macd_hist", "rsi14",
    "boll_mid", "boll_upper", "boll_lower",
    "vwap_session", "vwap_w5m", "vol_realized_w60s",
    "imbalance_spread", "imbalance_bid_px", "imbalance_ask_px", "imbalance_bid_sz", "imbalance_ask_sz",
]

PARITY_BUFFER = 360
VWAP_WINDOW_US = 300 * US
VOL_WINDOW_BARS = 60
BOLL_N = 20
BOLL_K = 2.0


# ----------------------------------------------------------------------------------------------
# Time helpers
# ----------------------------------------------------------------------------------------------

def utc_us(year, month, day, hour=0, minute=0, second=0, micro=0):
    """Integer microseconds since epoch for a UTC wall-clock time."""
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) * US + micro


def fmt_us6(t_us):
    """ISO-8601 UTC with exactly 6 fractional digits and 'Z', e.g. 2026-03-06T14:25:00.123456Z."""
    return (EPOCH + timedelta(microseconds=t_us)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fmt_sec(t_us):
    """ISO-8601 UTC without fraction, e.g. 2026-03-05T20:00:00Z (t_us must be a whole second)."""
    assert t_us % US == 0
    return (EPOCH + timedelta(microseconds=t_us)).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(text):
    """Parse 'YYYY-MM-DDTHH:MM:SS[.ffffff]Z' into integer microseconds since epoch (exact)."""
    assert text.endswith("Z"), text
    body = text[:-1]
    if "." in body:
        main, frac = body.split(".")
        assert len(frac) == 6, text
        micro = int(frac)
    else:
        main, micro = body, 0
    dt = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(dt.timetuple()) * US + micro


def ny_segment(t_us):
    """VWAP session segment of an instant, on the New York calendar.

    Each NY calendar day is split at 09:30 NY into [00:00, 09:30) -> part 0 and [09:30, 24:00) -> part 1.
    Returns (ny_date_iso, part).
    """
    local = (EPOCH + timedelta(microseconds=t_us)).astimezone(NY)
    minutes = local.hour * 60 + local.minute
    part = 0 if minutes < 9 * 60 + 30 else 1
    return (local.date().isoformat(), part)


# ----------------------------------------------------------------------------------------------
# Input generation
# ----------------------------------------------------------------------------------------------

def generate_trades_and_quotes(seed=20260306):
    """Generate NVDA/AAPL trades and NVDA quotes for 14:27:00Z..14:35:00Z on 2026-03-06.

    Returns a list of envelope dicts in file order (non-decreasing eventTs).
    - Per symbol and second: ~10% no trades, ~15% exactly one trade, otherwise 2..8 trades, at distinct
      microsecond offsets (some exactly at the whole second).
    - Prices: random walk in cents (2 decimals), NVDA ~180, AAPL ~230; sizes 1..500.
    - Quotes (NVDA only): nominally every 0.7 s starting 14:27:02.3, jittered +-0.1 s except every 10th
      one (k % 10 == 1), kept exact, which lands exactly on a whole second (= a microbar end);
      bid = last NVDA trade price - 0..3 cents, ask = bid + 1..5 cents, sizes 1..20.
    """
    rng = random.Random(seed)
    start = utc_us(2026, 3, 6, 14, 27, 0)
    end = utc_us(2026, 3, 6, 14, 35, 0)
    n_seconds = (end - start) // US

    events = []  # (t_us, order, kind, symbol, data)
    price_cents = {"NVDA": 18_000, "AAPL": 23_000}
    for symbol in ["NVDA", "AAPL"]:
        for k in range(n_seconds):
            sec = start + k * US
            u = rng.random()
            if u < 0.10:
                n = 0
            elif u < 0.25:
                n = 1
            else:
                n = rng.randint(2, 8)
            if n == 0:
                continue
            offsets = sorted(rng.sample(range(US), n))
            if rng.random() < 0.05:
                offsets[0] = 0  # a trade exactly at the whole second
                offsets = sorted(set(offsets))
            for off in offsets:
                price_cents[symbol] += rng.randint(-3, 3)
                size = rng.randint(1, 500)
                events.append((sec + off, 0, "trade", symbol, {"p_cents": price_cents[symbol], "s": size}))

    # Quotes for NVDA: based on the last NVDA trade price at (or before) the quote time.
    nvda_trades = sorted((e for e in events if e[3] == "NVDA"), key=lambda e: e[0])
    quote_times = []
    q0 = start + 2_300_000  # 2.3 s + k*0.7 s is a whole second exactly when k % 10 == 1
    k = 0
    while True:
        nominal = q0 + k * 700_000
        if nominal >= end - 100_000:
            break
        t = nominal if k % 10 == 1 else nominal + rng.randint(-100_000, 100_000)
        quote_times.append(t)
        k += 1
    assert all(a < b for a, b in zip(quote_times, quote_times[1:]))
    ti = 0
    last_px = 18_000
    for t in quote_times:
        while ti < len(nvda_trades) and nvda_trades[ti][0] <= t:
            last_px = nvda_trades[ti][4]["p_cents"]
            ti += 1
        bid = last_px - rng.randint(0, 3)
        ask = bid + rng.randint(1, 5)
        events.append((t, 1, "quote", "NVDA", {"bp_cents": bid, "ap_cents": ask,
                                                 "bs": rng.randint(1, 20), "as": rng.randint(1, 20)}))

    # File order: by time; ties (different symbols / trade vs quote) broken by (kind order, symbol).
    # Within a symbol, trade times are distinct, so trade order within a second is unambiguous.
    events.sort(key=lambda e: (e[0], e[1], e[3]))

    records = []
    seq = {}
    trade_id = 1000
    for t, _, kind, symbol, data in events:
        seq[symbol] = seq.get(symbol, 0) + 1
        ts = fmt_us6(t)
        if kind == "trade":
            trade_id += 1
            payload = {"i": trade_id, "S": symbol, "x": "V", "p": data["p_cents"] / 100, "s": data["s"],
                       "c": ["@"], "t": ts, "z": "C"}
            channel = "trades"
        else:
            payload = {"S": symbol, "bp": data["bp_cents"] / 100, "bs": data["bs"],
                       "ap": data["ap_cents"] / 100, "as": data["as"], "t": ts}
            channel = "quotes"
        records.append({"ingestTs": ts, "eventTs": ts, "feed": "iex", "channel": channel, "symbol": symbol,
                        "seq": seq[symbol], "payload": payload, "isFinal": True, "source": "ws", "version": 1})
    return records


def generate_spy_bars(seed=560):
    """Generate consecutive SPY 1-minute bars, starts 2026-03-06T03:00Z .. 2026-03-06T14:50Z inclusive.

    Random walk in cents around 560.00. Volume 100..50000, except: the six bars starting
    05:00Z..05:05Z (NY midnight, start of a new VWAP segment) have volume 0, plus 3 scattered zero-volume
    bars (never the first bar). Zero-volume bars are flat (O=H=L=C = previous close).
    Returns a list of (start_us, open_c, high_c, low_c, close_c, volume) with prices in cents.
    """
    rng = random.Random(seed)
    first = utc_us(2026, 3, 6, 3, 0, 0)
    last = utc_us(2026, 3, 6, 14, 50, 0)
    n = (last - first) // (60 * US) + 1
    zero = set()
    midnight = utc_us(2026, 3, 6, 5, 0, 0)
    for j in range(6):
        zero.add((midnight - first) // (60 * US) + j)
    while len(zero) < 9:
        idx = rng.randint(1, n - 1)
        if idx not in zero:
            zero.add(idx)
    assert 0 not in zero
    bars = []
    close = 56_000
    for idx in range(n):
        start = first + idx * 60 * US
        if idx in zero:
            bars.append((start, close, close, close, close, 0))
            continue
        o = close + rng.randint(-2, 2)
        c = o + rng.randint(-25, 25)
        h = max(o, c) + rng.randint(0, 10)
        lo = min(o, c) - rng.randint(0, 10)
        v = rng.randint(100, 50_000)
        bars.append((start, o, h, lo, c, v))
        close = c
    return bars


def write_inputs(out_dir):
    records = generate_trades_and_quotes()
    with open(os.path.join(out_dir, "trades.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    bars = generate_spy_bars()
    with open(os.path.join(out_dir, "bars.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("ts,symbol,open,high,low,close,volume\n")
        for start, o, h, lo, c, v in bars:
            f.write(f"{fmt_sec(start)},SPY,{o / 100:.2f},{h / 100:.2f},{lo / 100:.2f},{c / 100:.2f},{v}\n")


# ----------------------------------------------------------------------------------------------
# Reading inputs back and building bars
# ----------------------------------------------------------------------------------------------

def read_records(path):
    """Read trades.jsonl. Returns (trades, quotes) lists in file order.

    trade: dict(symbol, t, price, size); quote: dict(symbol, t, bid, ask, bid_sz, ask_sz, file_index).
    Time is taken from the payload 't' (identical to eventTs in this data set).
    """
    trades, quotes = [], []
    with open(path, encoding="utf-8") as f:
        for idx, line in enumerate(f):
            r = json.loads(line)
            p = r["payload"]
            t = parse_ts(p["t"])
            assert t == parse_ts(r["eventTs"])
            if r["channel"] == "trades":
                trades.append({"symbol": p["S"], "t": t, "price": float(p["p"]), "size": int(p["s"])})
            elif r["channel"] == "quotes":
                quotes.append({"symbol": p["S"], "t": t, "bid": float(p["bp"]), "ask": float(p["ap"]),
                               "bid_sz": p["bs"], "ask_sz": p["as"], "file_index": idx})
    return trades, quotes


def build_microbars(trades):
    """Aggregate trades into 1-second microbars.

    Bucket = floor(trade time to whole second). Per (symbol, second) with >= 1 trade:
    open = first trade price (input order), high = max, low = min, close = last trade price,
    volume = sum(size), pv = sum(price*size), count, vwap = pv/volume.
    Window [s, s+1s), event_ts = end = s+1s, timeframe "1Sec". Seconds without trades produce no bar.
    """
    groups = {}
    order = []
    for tr in trades:
        key = (tr["symbol"], tr["t"] // US * US)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(tr)
    bars = []
    for symbol, sec in order:
        ts = groups[(symbol, sec)]
        prices = [x["price"] for x in ts]
        volume = sum(x["size"] for x in ts)
        pv = math.fsum(x["price"] * x["size"] for x in ts)
        bars.append({
            "symbol": symbol, "timeframe": "1Sec", "start": sec, "end": sec + US,
            "open": prices[0], "high": max(prices), "low": min(prices), "close": prices[-1],
            "volume": volume, "pv": pv, "count": len(ts), "vwap": pv / volume,
        })
    return bars


def read_csv_bars(path):
    """Read bars.csv: each row is a 1-minute bar, window [ts, ts+60s), event_ts = end, pv = close*volume."""
    bars = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n")
        assert header == "ts,symbol,open,high,low,close,volume"
        for line in f:
            ts, symbol, o, h, lo, c, v = line.rstrip("\n").split(",")
            start = parse_ts(ts)
            close, volume = float(c), int(v)
            bars.append({
                "symbol": symbol, "timeframe": "1Min", "start": start, "end": start + 60 * US,
                "open": float(o), "high": float(h), "low": float(lo), "close": close,
                "volume": volume, "pv": close * volume, "count": None, "vwap": None,
            })
    return bars


def emission_order(bars):
    """Sort by (event_ts, symbol bytes, timeframe bytes) and assign per-symbol seq starting at 1."""
    ordered = sorted(bars, key=lambda b: (b["end"], b["symbol"].encode(), b["timeframe"].encode()))
    seq = {}
    for b in ordered:
        b["segment"] = ny_segment(b["start"])
        seq[b["symbol"]] = seq.get(b["symbol"], 0) + 1
        b["seq"] = seq[b["symbol"]]
    return ordered


# ----------------------------------------------------------------------------------------------
# Indicators (each takes the full list of bars of the series seen so far, the last one is "current")
# ----------------------------------------------------------------------------------------------

def ema_series(closes, n):
    """EMA_n: e_1 = c_1; e_t = e_{t-1} + k*(c_t - e_{t-1}), k = 2/(n+1). Returns the list of all e_t."""
    k = 2.0 / (n + 1)
    out = []
    e = None
    for c in closes:
        e = c if e is None else e + k * (c - e)
        out.append(e)
    return out


def macd_last(closes):
    """MACD over closes (seeded at closes[0]); returns (ema12, ema26, macd, signal, hist) at the last bar.

    macd_t = ema12_t - ema26_t; signal s_1 = macd_1, s_t = s_{t-1} + (2/10)*(macd_t - s_{t-1}).
    """
    e12 = ema_series(closes, 12)
    e26 = ema_series(closes, 26)
    s = None
    for a, b in zip(e12, e26):
        m = a - b
        s = m if s is None else s + (2.0 / 10.0) * (m - s)
    m = e12[-1] - e26[-1]
    return e12[-1], e26[-1], m, s, m - s


def rsi14_last(closes):
    """RSI14, Wilder smoothing (ta4j convention), seeded at closes[0]; value at the last bar.

    gain_1 = loss_1 = 0, avgG_1 = avgL_1 = 0; for t >= 2: d = c_t - c_{t-1}, gain = max(d,0),
    loss = max(-d,0), avg_t = avg_{t-1} + (x_t - avg_{t-1})/14.
    rsi = 0 if avgL == 0 and avgG == 0; 100 if avgL == 0 < avgG; else 100 - 100/(1 + avgG/avgL).
    Returns None when fewer than 2 closes.
    """
    if len(closes) < 2:
        return None
    ag = al = 0.0
    for prev, cur in zip(closes, closes[1:]):
        d = cur - prev
        gain = max(d, 0.0)
        loss = max(-d, 0.0)
        ag = ag + (gain - ag) / 14.0
        al = al + (loss - al) / 14.0
    if al == 0.0:
        return 0.0 if ag == 0.0 else 100.0
    return 100.0 - 100.0 / (1.0 + ag / al)


def bollinger_last(closes):
    """Bollinger(20, 2) on the last 20 closes: mid = mean, sd = population stdev (/20),
    upper = mid + 2 sd, lower = mid - 2 sd. None before 20 bars."""
    if len(closes) < BOLL_N:
        return None
    window = closes[-BOLL_N:]
    mid = math.fsum(window) / BOLL_N
    sd = math.sqrt(math.fsum((c - mid) ** 2 for c in window) / BOLL_N)
    return mid, mid + BOLL_K * sd, mid - BOLL_K * sd


def realized_vol_last(closes):
    """Realized vol over the last min(t, 60) bars: log returns ln(c_i/c_{i-1}) between consecutive bars
    (up to 59), population stdev (divide by number of returns, mean subtracted). None if t < 2."""
    if len(closes) < 2:
        return None
    window = closes[-VOL_WINDOW_BARS:]
    rets = [math.log(cur / prev) for prev, cur in zip(window, window[1:])]
    mean = math.fsum(rets) / len(rets)
    return math.sqrt(math.fsum((r - mean) ** 2 for r in rets) / len(rets))


def vwap_native(series):
    """Native VWAPs for the last bar. Returns (vwap_session, vwap_w5m).

    Session: bars in the same NY segment (by window START; see ny_segment) as the current bar,
    sum(pv)/sum(volume); if that volume sum is 0 both values are None.
    w5m: bars with end >= current end - 300 s (inclusive), sum(pv)/sum(volume); None if volume sum is 0.
    pv = microbar sum(price*size), or close*volume for CSV bars.
    """
    cur = series[-1]
    sess = [b for b in series if b["segment"] == cur["segment"]]
    sv = sum(b["volume"] for b in sess)
    if sv == 0:
        return None, None
    session = math.fsum(b["pv"] for b in sess) / sv
    win = [b for b in series if b["end"] >= cur["end"] - VWAP_WINDOW_US]
    wv = sum(b["volume"] for b in win)
    w5m = None if wv == 0 else math.fsum(b["pv"] for b in win) / wv
    return session, w5m


def vwap_parity(series):
    """Parity VWAPs for the last bar, using close*volume (NOT the microbar pv) for every bar.

    Session: over ALL bars of the series so far (never resets); 0.0 if sum(volume) == 0.
    w5m: bars with end >= current end - 300 s (inclusive); None if sum(volume) == 0.
    """
    cur = series[-1]
    sv = sum(b["volume"] for b in series)
    session = 0.0 if sv == 0 else math.fsum(b["close"] * b["volume"] for b in series) / sv
    win = [b for b in series if b["end"] >= cur["end"] - VWAP_WINDOW_US]
    wv = sum(b["volume"] for b in win)
    w5m = None if wv == 0 else math.fsum(b["close"] * b["volume"] for b in win) / wv
    return session, w5m


def latest_quote(quotes_by_symbol, bar):
    """Latest quote of the bar's symbol with quote time < bar end (strict); ties -> later in file.
    Only microbar (1Sec) series get imbalance. None if no such quote."""
    if bar["timeframe"] != "1Sec":
        return None
    best = None
    for q in quotes_by_symbol.get(bar["symbol"], []):
        if q["t"] < bar["end"]:
            if best is None or (q["t"], q["file_index"]) >= (best["t"], best["file_index"]):
                best = q
    return best


# ----------------------------------------------------------------------------------------------
# Pipeline
# ----------------------------------------------------------------------------------------------

def compute(bars, quotes, mode):
    """Compute one output row per emitted bar (bars already in emission order with seq)."""
    assert mode in ("native", "parity")
    quotes_by_symbol = {}
    for q in quotes:
        quotes_by_symbol.setdefault(q["symbol"], []).append(q)
    series_map = {}
    rows = []
    for bar in bars:
        key = (bar["symbol"], bar["timeframe"]) if mode == "native" else bar["symbol"]
        series = series_map.setdefault(key, [])
        series.append(bar)
        closes = [b["close"] for b in series]

        if mode == "native":
            trend_closes = closes
        else:
            trend_closes = closes[-PARITY_BUFFER:]
        ema12, ema26, macd, sig, hist = macd_last(trend_closes)
        rsi = rsi14_last(trend_closes)

        boll = bollinger_last(closes)
        vol = realized_vol_last(closes)
        vs, vw = vwap_native(series) if mode == "native" else vwap_parity(series)
        q = latest_quote(quotes_by_symbol, bar)

        row = {
            "symbol": bar["symbol"], "timeframe": bar["timeframe"], "event_ts": fmt_us6(bar["end"]),
            "seq": bar["seq"], "close": bar["close"],
            "ema12": ema12, "ema26": ema26, "macd": macd, "macd_signal": sig, "macd_hist": hist,
            "rsi14": rsi,
            "boll_mid": boll[0] if boll else None,
            "boll_upper": boll[1] if boll else None,
            "boll_lower": boll[2] if boll else None,
            "vwap_session": vs, "vwap_w5m": vw, "vol_realized_w60s": vol,
            "imbalance_spread": (q["ask"] - q["bid"]) if q else None,
            "imbalance_bid_px": q["bid"] if q else None,
            "imbalance_ask_px": q["ask"] if q else None,
            "imbalance_bid_sz": q["bid_sz"] if q else None,
            "imbalance_ask_sz": q["ask_sz"] if q else None,
        }
        assert list(row) == OUTPUT_KEYS
        rows.append(row)
    return rows


def write_rows(path, rows):
    """JSON lines, keys in OUTPUT_KEYS order; floats use Python repr (shortest round-trip); null if absent."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            for k, v in row.items():
                if isinstance(v, float):
                    assert math.isfinite(v), (k, v)
            f.write(json.dumps(row, separators=(",", ":"), allow_nan=False) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(os.path.dirname(here), "Tests", "Fixtures", "ta")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default_out, help="output directory (default: Tests/Fixtures/ta)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    write_inputs(args.out)
    trades, quotes = read_records(os.path.join(args.out, "trades.jsonl"))
    micro = build_microbars(trades)
    minute = read_csv_bars(os.path.join(args.out, "bars.csv"))
    ordered = emission_order(micro + minute)
    for mode in ("native", "parity"):
        rows = compute(ordered, quotes, mode)
        write_rows(os.path.join(args.out, f"expected-{mode}.jsonl"), rows)
    print(f"trades={len(trades)} quotes={len(quotes)} microbars={len(micro)} minute_bars={len(minute)} "
          f"signals={len(ordered)} -> {args.out}")


if __name__ == "__main__":
    main()
