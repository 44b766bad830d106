#!/usr/bin/env python3
"""Grid-search SmaCross fast/slow periods on a candle CSV and write the best
pair as a strategy file for `tesser-cli backtest run --strategy-config`.

The backtest is Tesser's own SmaCross, exactly: `above_t = SMA_fast > SMA_slow`
compared on exact integers, a cross needs both averages defined at t and t-1,
long-only, fixed quantity, next-open fills, fee on every fill. Its closed-trade
count and final equity equal `tesser-cli`'s for the same parameters.

    uv run python scripts/find_optimal_sma.py --data ../data/samples/btcusd_bitstamp_1d.csv \
        --output strategies/sma_from_python.toml
"""

from __future__ import annotations

import argparse
import csv
import sys
from decimal import Decimal
from pathlib import Path

from research_lib import load_candles, sma_backtest, write_strategy


def parse_range(text: str) -> list[int]:
    """`5:50:5` -> 5, 10, ..., 50 (inclusive); `5,8,13` -> a list."""
    if ":" in text:
        start, stop, *step = (int(p) for p in text.split(":"))
        return list(range(start, stop + 1, step[0] if step else 1))
    return [int(p) for p in text.split(",") if p]


def grid(candles, fasts, slows, quantity, equity, fee_bps):
    scaled = candles.close_scaled()
    rows = []
    for fast in fasts:
        for slow in slows:
            if not 1 <= fast < slow or slow >= len(candles):
                continue
            r = sma_backtest(candles, fast, slow, quantity, equity, fee_bps, scaled=scaled)
            rows.append((fast, slow, r))
    # Best final equity; ties go to the shorter (faster) pair, deterministic.
    rows.sort(key=lambda row: (-row[2].final_equity, row[0], row[1]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="candle CSV (timestamp,open,high,low,close,volume)")
    ap.add_argument("--output", default="strategies/sma_from_python.toml", help="strategy TOML to write")
    ap.add_argument("--symbol", default="BTCUSD")
    ap.add_argument("--fast", default="3:30:3", help="fast periods, `start:stop:step` or a comma list")
    ap.add_argument("--slow", default="10:120:10", help="slow periods, `start:stop:step` or a comma list")
    ap.add_argument("--quantity", default="1", help="fixed order size (tesser-cli --quantity)")
    ap.add_argument("--initial-equity", default="10000")
    ap.add_argument("--fee-bps", default="0")
    ap.add_argument("--results", help="also write every run to this CSV, best first")
    args = ap.parse_args(argv)

    candles = load_candles(args.data)
    quantity, equity, fee = Decimal(args.quantity), Decimal(args.initial_equity), Decimal(args.fee_bps)
    rows = grid(candles, parse_range(args.fast), parse_range(args.slow), quantity, equity, fee)
    if not rows:
        print("no valid (fast, slow) pair for this data", file=sys.stderr)
        return 2
    fast, slow, best = rows[0]
    if args.results:
        with open(args.results, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["fast_period", "slow_period", "closed_trades", "final_equity", "fees"])
            for f_, s_, r in rows:
                w.writerow([f_, s_, r.closed_trades, r.final_equity, r.fees])
    out = write_strategy(
        args.output,
        "SmaCross",
        {"symbol": args.symbol, "fast_period": fast, "slow_period": slow, "min_samples": slow, "allow_short": False},
        f"""SmaCross chosen by research/scripts/find_optimal_sma.py
data: {Path(args.data).name} ({len(candles)} bars), {len(rows)} pairs tried
in-sample: final equity {best.final_equity} from {equity}, {best.closed_trades} closed trades
(quantity {quantity}, fee {fee} bps, next-open fills). In-sample optimum: not a forecast.""",
    )
    print(f"best fast={fast} slow={slow}: final equity {best.final_equity}, {best.closed_trades} closed trades")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
