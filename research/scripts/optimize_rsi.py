#!/usr/bin/env python3
"""Grid-search RsiReversion (period, oversold, exit_level) on a candle CSV and
write the best set as a strategy file for `tesser-cli --strategy-config`.

Same rules as the Rust strategy (crates/tesser-strategy/src/rsi_reversion.rs):
Wilder RSI; when flat and RSI < oversold go long; when long and RSI >
exit_level go flat; one transition per bar; long-only here. Fills at the next
bar's open, fixed quantity, fee on every fill.

    uv run python scripts/optimize_rsi.py --data ../data/samples/btcusd_bitstamp_1d.csv \
        --output strategies/rsi_from_python.toml
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from research_lib import load_candles, run_targets, wilder_rsi, write_strategy


def rsi_decisions(rsi, oversold: float, exit_level: float) -> list[tuple[int, bool]]:
    held_long = False
    out = []
    for t, value in enumerate(rsi):
        if value != value:  # NaN: not defined yet
            continue
        if not held_long and value < oversold:
            held_long = True
            out.append((t, True))
        elif held_long and value > exit_level:
            held_long = False
            out.append((t, False))
    return out


def floats(text: str) -> list[float]:
    return [float(p) for p in text.split(",") if p]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--output", default="strategies/rsi_from_python.toml")
    ap.add_argument("--symbol", default="BTCUSD")
    ap.add_argument("--periods", default="7,10,14,21")
    ap.add_argument("--oversold", default="20,25,30,35,40")
    ap.add_argument("--exit-levels", default="50,55,60,65,70")
    ap.add_argument("--quantity", default="1")
    ap.add_argument("--initial-equity", default="10000")
    ap.add_argument("--fee-bps", default="0")
    ap.add_argument("--min-trades", type=int, default=3, help="ignore sets with fewer closed trades")
    args = ap.parse_args(argv)

    candles = load_candles(args.data)
    close = candles.close_f64()
    quantity, equity, fee = Decimal(args.quantity), Decimal(args.initial_equity), Decimal(args.fee_bps)
    best = None
    tried = 0
    for period in (int(p) for p in args.periods.split(",")):
        rsi = wilder_rsi(close, period)
        for oversold in floats(args.oversold):
            for exit_level in floats(args.exit_levels):
                if not 0.0 < oversold < exit_level < 100.0:
                    continue
                tried += 1
                r = run_targets(candles, rsi_decisions(rsi, oversold, exit_level), quantity, equity, fee)
                if r.closed_trades < args.min_trades:
                    continue
                key = (r.final_equity, -period, -oversold, -exit_level)
                if best is None or key > best[0]:
                    best = (key, period, oversold, exit_level, r)
    if best is None:
        print(f"no parameter set made {args.min_trades} closed trades", file=sys.stderr)
        return 2
    _, period, oversold, exit_level, r = best
    out = write_strategy(
        args.output,
        "RsiReversion",
        {
            "symbol": args.symbol,
            "period": period,
            "oversold": oversold,
            "exit_level": exit_level,
            "allow_short": False,
        },
        f"""RsiReversion chosen by research/scripts/optimize_rsi.py
data: {Path(args.data).name} ({len(candles)} bars), {tried} sets tried
in-sample: final equity {r.final_equity} from {equity}, {r.closed_trades} closed trades
(quantity {quantity}, fee {fee} bps, next-open fills). In-sample optimum: not a forecast.""",
    )
    print(f"best period={period} oversold={oversold} exit={exit_level}: final equity {r.final_equity}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
