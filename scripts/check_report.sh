#!/usr/bin/env bash
# Renders a backtest's HTML report in headless Chromium with the network
# disabled and checks that a screenshot comes out. Installs Debian's chromium
# when it is missing.
#
#   bash scripts/check_report.sh [REPORT.html]
#
# Without an argument, runs the README's SmaCross backtest with --report
# into a temporary folder first.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report="${1:-}"
if [ -z "$report" ]; then
  report="$work/report.html"
  cargo run --quiet --release -p tesser-cli -- backtest run \
    --strategy-config research/strategies/sma_cross.toml \
    --data data/samples/btcusd_bitstamp_1d.csv --initial-equity 1000000 --fee-bps 10 \
    --output-dir "$work/out" --report "$report" >/dev/null
fi
[ -s "$report" ] || { echo "no report at $report" >&2; exit 1; }
if grep -qiE 'https?://|<script' "$report"; then
  echo "$report refers to the network or runs a script" >&2
  exit 1
fi

shot="$work/report.png"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-dev-shm-usage --hide-scrollbars --window-size=1200,2000 \
  --screenshot="$shot" "file://$(realpath "$report")" >/dev/null 2>&1 || true
if [ ! -s "$shot" ]; then
  echo "chromium produced no screenshot of $report" >&2
  exit 1
fi
# A PNG starts with \x89PNG; a blank page compresses to a few kB at most.
if [ "$(head -c 4 "$shot" | od -An -c | tr -d ' ')" != "211PNG" ]; then
  echo "the screenshot is not a PNG" >&2
  exit 1
fi
size=$(stat -c %s "$shot")
if [ "$size" -lt 20000 ]; then
  echo "the screenshot is only $size bytes: the page looks empty" >&2
  exit 1
fi
if [ -n "${KEEP_SCREENSHOT:-}" ]; then cp "$shot" "$KEEP_SCREENSHOT"; fi
echo "report rendered: $size-byte screenshot of $report"
