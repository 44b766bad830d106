#!/usr/bin/env bash
# Reproduces every figure of docs/benchmarks.md on this machine: builds the
# release binaries, generates the 1,000,000-candle synthetic CSV (seed 42) in a
# temporary folder, runs the criterion benches of tesser-backtester (engine
# core, CSV and Parquet loading, per-order cost), times the end-to-end
# `backtest run` (wall time and peak RSS) and the 100-run `backtest batch`
# (research/batch/bench_100.toml) on 1 and 2 threads, then prints a summary.
#
#   bash scripts/bench.sh            # every timing repeated 3 times
#   BENCH_RUNS=5 bash scripts/bench.sh
#
# Takes about 5 minutes on 2 cores after a release build. Not part of CI:
# timings belong in docs/benchmarks.md, never in assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
runs=${BENCH_RUNS:-3}
target=${CARGO_TARGET_DIR:-$repo/target}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "h:mm:ss" or "m:ss.ss" from `time -v` as seconds.
seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'; }

# min-max and median of the numbers on stdin.
spread() {
  sort -g | awk '{ v[NR] = $1 } END { printf "%s-%s s (median %s s)", v[1], v[NR], v[int((NR + 1) / 2)] }'
}

# Runs "$@" under /usr/bin/time -v; appends "wall_s rss_kib cpu%" to the file $TIMES.
timed() {
  /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt" || { cat "$tmp/time.txt" >&2; return 1; }
  local wall rss cpu
  wall=$(grep 'Elapsed (wall clock)' "$tmp/time.txt" | awk '{ print $NF }' | seconds)
  rss=$(grep 'Maximum resident set size' "$tmp/time.txt" | awk '{ print $NF }')
  cpu=$(grep 'Percent of CPU' "$tmp/time.txt" | awk '{ print $NF }')
  echo "$wall $rss $cpu" >>"$TIMES"
}

# "wall min-max (median), peak RSS, CPU% of each run" of a $TIMES file.
report() {
  echo "$(cut -d' ' -f1 "$1" | spread) wall," \
    "peak RSS $(cut -d' ' -f2 "$1" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }') MiB," \
    "CPU $(cut -d' ' -f3 "$1" | paste -sd' ')"
}

echo "== release build"
cargo build --release -p tesser-cli --bin tesser-cli
cargo build --release -p tesser-data --example synth_csv
cli=$target/release/tesser-cli
"$target/release/examples/synth_csv" 1000000 42 "$tmp/candles_1m.csv"

echo "== criterion benches (cargo bench -p tesser-backtester --benches)"
cargo bench -p tesser-backtester --benches 2>&1 | tee "$tmp/bench.log"
# More paired per-order rounds: a filter that matches no criterion bench runs
# only the bench's own (flip - idle) / orders summary.
for _ in $(seq 2 "$runs"); do
  cargo bench -q -p tesser-backtester --bench orders -- summary_only 2>/dev/null | grep '^order_cost:' \
    | tee -a "$tmp/bench.log"
done

echo "== end to end: backtest run, 1M candles from CSV ($runs runs)"
printf "strategy_name = 'SmaCross'\n[params]\nsymbol = 'BTCUSDT'\nfast_period = 12\nslow_period = 30\n" \
  >"$tmp/sma.toml"
export TIMES=$tmp/e2e.txt
for _ in $(seq "$runs"); do
  timed "$cli" backtest run --strategy-config "$tmp/sma.toml" --data "$tmp/candles_1m.csv" \
    --quantity 0.01 --output-dir "$tmp/perf"
done

echo "== backtest batch: 100 runs over the 1M-candle CSV ($runs runs per thread count)"
for threads in 1 2; do
  export TIMES=$tmp/batch_$threads.txt
  for i in $(seq "$runs"); do
    # A fresh output folder each time: stored runs would be reused.
    (cd "$tmp" && timed "$cli" backtest batch --config "$repo/research/batch/bench_100.toml" \
      --threads "$threads" --output-dir "batch_${threads}_$i")
  done
done
cmp -s "$tmp/batch_1_1/summary.csv" "$tmp/batch_2_1/summary.csv" && same=identical || same=DIFFERENT

echo
echo "== summary ($(date -u +%Y-%m-%d), $(nproc) cores, $(rustc --version))"
# Criterion's estimate lines; the "change:" block against an earlier run is skipped.
awk '
  /^[A-Za-z_]+\/[A-Za-z0-9_]+/ { name = $1; skip = 0 }
  /change:/ { skip = 1 }
  /time:/ && !skip { t = $0; sub(/.*time: +/, "", t) }
  /thrpt:/ && !skip { r = $0; sub(/.*thrpt: +/, "", r); printf "%-44s %s  %s\n", name, t, r }
' "$tmp/bench.log"
grep '^order_cost:' "$tmp/bench.log" || true
echo "backtest run, end to end: $(report "$tmp/e2e.txt")"
for threads in 1 2; do
  echo "backtest batch, 100 runs, $threads thread(s): $(report "$tmp/batch_$threads.txt")"
done
echo "summary.csv on 1 and 2 threads: $same"
# A 2-thread run below ~190% CPU shared the cores with something else.
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
