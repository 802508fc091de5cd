#!/usr/bin/env bash
# Measures `torghut validate specs` as a fresh process (goal: <= 100 ms), next to two baselines in the same
# hyperfine run: `/bin/true` (bare process start) and `torghut --version` (Swift runtime + argument parsing, no
# spec work). Also prints what the release binary links, to show Foundation/ICU is not loaded (TRAPS.md).
#
# Usage: Benchmarks/validate-startup.sh [extra hyperfine options]
# Env:   OUT_DIR  where the markdown/JSON exports go (default: Benchmarks/.build/startup, git-ignored)
#        RUNS     measured runs per command (default: 50)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="$root/.build-release" # separate from the developer's debug .build; `.build-*` is git-ignored
out_dir="${OUT_DIR:-$here/.build/startup}"
runs="${RUNS:-50}"
mkdir -p "$out_dir"

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "hyperfine missing; installing the Debian package" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq hyperfine >/dev/null; fi
fi

echo "== release build: swift build -c release --scratch-path $scratch --product torghut (in $root)"
(cd "$root" && swift build -c release --scratch-path "$scratch" --product torghut)
bin="$(cd "$root" && swift build -c release --scratch-path "$scratch" --show-bin-path)/torghut"
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 1; }

echo
echo "== machine"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "swift:   $(swift --version 2>/dev/null | head -1)"
echo "binary:  $bin ($(stat -c %s "$bin") bytes)"
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- Sources 2>/dev/null || echo ' (Sources modified)')"

echo
echo "== sanity: torghut validate specs (exit status must be 0)"
(cd "$root" && "$bin" validate specs) || { echo "validate specs failed; not timing an error path" >&2; exit 1; }

echo
echo "== ldd $bin"
ldd "$bin"
# libFoundationEssentials is the ICU-free core (TRAPS.md: "prefer FoundationEssentials"); full Foundation,
# FoundationInternationalization and ICU are what slow start-up.
if ldd "$bin" | grep -Eq 'libFoundation\.so|libFoundationInternationalization|lib_FoundationICU|libicu'; then
    echo "RESULT: full Foundation or ICU IS linked:" >&2
    ldd "$bin" | grep -E 'libFoundation\.so|libFoundationInternationalization|lib_FoundationICU|libicu' >&2
else
    echo "RESULT: neither full Foundation nor ICU is linked$(ldd "$bin" | grep -q libFoundationEssentials && echo ' (only the ICU-free libFoundationEssentials)')"
fi

echo
echo "== hyperfine (cwd $root, --shell=none, warmup 5, $runs runs each)"
cd "$root"
hyperfine --shell=none --warmup 5 --runs "$runs" \
    --export-markdown "$out_dir/validate-startup.md" \
    --export-json "$out_dir/validate-startup.json" \
    --command-name '/bin/true (baseline)' '/bin/true' \
    --command-name 'torghut --version' "$bin --version" \
    --command-name 'torghut validate specs' "$bin validate specs" \
    "$@"

echo
echo "== markdown ($out_dir/validate-startup.md)"
cat "$out_dir/validate-startup.md"

# Verdict from the JSON export: mean and max of `validate specs` against the 100 ms goal.
python3 - "$out_dir/validate-startup.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
v = results["torghut validate specs"]
mean_ms, max_ms = v["mean"] * 1e3, v["max"] * 1e3
print()
print(f"validate specs: mean {mean_ms:.2f} ms, median {v['median'] * 1e3:.2f} ms, max {max_ms:.2f} ms "
      f"-> {'MEETS' if mean_ms <= 100 else 'MISSES'} the <= 100 ms goal (mean)"
      f"{'' if max_ms <= 100 else '; some single runs exceeded 100 ms'}")
PY
