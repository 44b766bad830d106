"""Shared helpers of the research scripts: candle loading, the indicators the
Rust strategies use (same definitions), an exact SmaCross backtest and small
TOML writers.

Everything here mirrors `crates/tesser-strategy` on purpose, so that a
parameter chosen in Python means the same thing to `tesser-cli`:

* SmaCross compares `sum_fast * slow > sum_slow * fast` on exact integers
  (prices scaled to integers), so ties are real ties, as with Rust decimals.
* RSI is Wilder's, seeded with the simple mean of the first `period` changes,
  and a flat market reads 50.
* Fills are next-open: a decision at bar t's close fills at bar t+1's open; a
  decision on the last bar never fills.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, getcontext
from pathlib import Path

import numpy as np

getcontext().prec = 50  # money stays exact: fees and PnL are sums of products


@dataclass
class Candles:
    """Candles of one symbol, oldest first."""

    timestamps: list[str]
    open: list[Decimal]
    high: list[Decimal]
    low: list[Decimal]
    close: list[Decimal]

    def __len__(self) -> int:
        return len(self.close)

    def close_f64(self) -> np.ndarray:
        return np.array([float(c) for c in self.close], dtype=np.float64)

    def open_f64(self) -> np.ndarray:
        return np.array([float(c) for c in self.open], dtype=np.float64)

    def close_scaled(self) -> np.ndarray:
        """Closes as exact integers (scaled by 10^decimals) in int64."""
        places = max(max(-c.as_tuple().exponent, 0) for c in self.close)
        factor = Decimal(10) ** places
        values = [int(c * factor) for c in self.close]
        if max(abs(v) for v in values) > 2**40:
            raise ValueError("prices too large to compare exactly in int64")
        return np.array(values, dtype=np.int64)


def _timestamp(text: str) -> str:
    text = text.strip()
    if text.isdigit():
        dt = datetime.fromtimestamp(int(text) / 1000, tz=timezone.utc)
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text


def load_candles(path: str | Path) -> Candles:
    """Reads a `timestamp,open,high,low,close,volume` CSV (any column order,
    any case; extra columns ignored). Prices stay exact decimals."""
    path = Path(path)
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader)]
        missing = {"timestamp", "open", "high", "low", "close"} - set(header)
        if missing:
            raise ValueError(f"{path}: header lacks {sorted(missing)}")
        idx = {name: header.index(name) for name in ("timestamp", "open", "high", "low", "close")}
        out = Candles([], [], [], [], [])
        for line, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                out.timestamps.append(_timestamp(row[idx["timestamp"]]))
                out.open.append(Decimal(row[idx["open"]].strip()))
                out.high.append(Decimal(row[idx["high"]].strip()))
                out.low.append(Decimal(row[idx["low"]].strip()))
                out.close.append(Decimal(row[idx["close"]].strip()))
            except Exception as e:  # noqa: BLE001 - re-raised with the location
                raise ValueError(f"{path}:{line}: {e}") from e
    if not out.close:
        raise ValueError(f"{path}: no candles")
    return out


# ---------------------------------------------------------------- indicators


def rolling_sums(x: np.ndarray, n: int) -> np.ndarray:
    """`out[t] = x[t-n+1..=t].sum()` for t >= n-1; undefined slots are 0."""
    cs = np.concatenate(([0], np.cumsum(x)))
    out = np.zeros_like(x)
    out[n - 1 :] = cs[n:] - cs[:-n]
    return out


def wilder_rsi(close: np.ndarray, period: int) -> np.ndarray:
    """Wilder RSI like `indicators::Rsi`: NaN until the `period + 1`-th close."""
    out = np.full(len(close), np.nan)
    gain = loss = 0.0
    p = float(period)
    for t in range(1, len(close)):
        diff = close[t] - close[t - 1]
        if t <= period:
            if diff < 0.0:
                loss -= diff
            else:
                gain += diff
            if t < period:
                continue
            gain /= p
            loss /= p
        else:
            gain *= p - 1.0
            loss *= p - 1.0
            if diff < 0.0:
                loss -= diff
            else:
                gain += diff
            gain /= p
            loss /= p
        total = gain + loss
        out[t] = 50.0 if total == 0.0 else 100.0 * (gain / total)
    return out


def _rolling_mean_std(x: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    mean = np.full(len(x), np.nan)
    std = np.full(len(x), np.nan)
    for t in range(n - 1, len(x)):
        w = x[t - n + 1 : t + 1]
        if np.isnan(w).any():
            continue
        mean[t] = w.mean()
        std[t] = math.sqrt(max(((w - mean[t]) ** 2).mean(), 0.0))
    return mean, std


def feature(name: str, close: np.ndarray) -> np.ndarray:
    """One MlClassifier feature recipe (`return_k`, `rsi_n`, `zscore_n`,
    `sma_ratio_n`, `volatility_n`) per bar; NaN while undefined."""
    recipe, _, n_text = name.rpartition("_")
    n = int(n_text)
    out = np.full(len(close), np.nan)
    if recipe == "return":
        old = close[:-n]
        out[n:] = np.where(old == 0.0, 0.0, close[n:] / np.where(old == 0.0, 1.0, old) - 1.0)
    elif recipe == "rsi":
        out = wilder_rsi(close, n) / 100.0
    elif recipe == "zscore":
        mean, std = _rolling_mean_std(close, n)
        out = np.where(std > 0.0, (close - mean) / np.where(std > 0.0, std, 1.0), 0.0)
        out[np.isnan(mean)] = np.nan
    elif recipe == "sma_ratio":
        mean, _ = _rolling_mean_std(close, n)
        out = np.where(mean == 0.0, 0.0, close / np.where(mean == 0.0, 1.0, mean) - 1.0)
        out[np.isnan(mean)] = np.nan
    elif recipe == "volatility":
        prev = close[:-1]
        ret = np.full(len(close), np.nan)
        ret[1:] = np.where(prev == 0.0, 0.0, close[1:] / np.where(prev == 0.0, 1.0, prev) - 1.0)
        _, std = _rolling_mean_std(ret, n)
        out = std
    else:
        raise ValueError(f"unknown feature recipe `{recipe}` in `{name}`")
    return out


# ------------------------------------------------------------------ backtest


@dataclass
class Result:
    """A long-only fixed-quantity backtest's outcome, in exact decimals."""

    closed_trades: int
    final_equity: Decimal
    fees: Decimal
    fills: int


def run_targets(
    candles: Candles,
    decisions: list[tuple[int, bool]],
    quantity: Decimal,
    initial_equity: Decimal,
    fee_bps: Decimal,
) -> Result:
    """Replays `(bar, want_long)` decisions with next-open fills: a decision
    at bar t fills at bar t+1's open (never on the last bar). Each fill pays
    `fee_bps / 10000 * qty * price`. An open position is marked at the last
    close."""
    cash = initial_equity
    position = Decimal(0)
    fees = Decimal(0)
    trades = fills = 0
    rate = fee_bps / Decimal(10000)
    n = len(candles)
    for t, want_long in decisions:
        if t + 1 >= n:
            continue
        price = candles.open[t + 1]
        if want_long and position == 0:
            qty = quantity
            cash -= qty * price
            position = qty
        elif not want_long and position > 0:
            qty = position
            cash += qty * price
            position = Decimal(0)
            trades += 1
        else:
            continue
        fee = rate * qty * price
        cash -= fee
        fees += fee
        fills += 1
    equity = cash + position * candles.close[-1]
    return Result(trades, equity, fees, fills)


def sma_cross_decisions(
    candles: Candles, fast: int, slow: int, min_samples: int | None = None, scaled: np.ndarray | None = None
) -> list[tuple[int, bool]]:
    """SmaCross (long-only) decisions: at each cross, `(t, above_t)`.

    `above_t = SMA_fast(t) > SMA_slow(t)`; a cross needs both averages defined
    at t and t-1 and at least `min_samples` (default `slow`) candles seen."""
    if not 1 <= fast < slow:
        raise ValueError(f"need 1 <= fast < slow, got fast={fast} slow={slow}")
    x = candles.close_scaled() if scaled is None else scaled
    sf, ss = rolling_sums(x, fast), rolling_sums(x, slow)
    above = sf * slow > ss * fast  # exact: fs/fp > ss/sp <=> fs*sp > ss*fp
    first = max(slow, (min_samples or slow) - 1)  # t (0-based) with t-1 defined
    cross = np.nonzero(above[first:] != above[first - 1 : -1])[0] + first
    return [(int(t), bool(above[t])) for t in cross]


def sma_backtest(
    candles: Candles,
    fast: int,
    slow: int,
    quantity: Decimal = Decimal(1),
    initial_equity: Decimal = Decimal(10000),
    fee_bps: Decimal = Decimal(0),
    scaled: np.ndarray | None = None,
) -> Result:
    """The exact SmaCross backtest (long-only, next-open, fixed quantity)."""
    decisions = sma_cross_decisions(candles, fast, slow, scaled=scaled)
    return run_targets(candles, decisions, quantity, initial_equity, fee_bps)


# ---------------------------------------------------------------------- TOML


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write {v} to TOML")
        return repr(float(v))
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"unsupported TOML value {v!r}")


def write_strategy(path: str | Path, name: str, params: dict, comment: str) -> Path:
    """Writes `strategy_name = ...` + `[params]` for `tesser-cli --strategy-config`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {line}".rstrip() for line in comment.strip().splitlines()]
    lines += [f"strategy_name = {toml_value(name)}", "", "[params]"]
    lines += [f"{k} = {toml_value(v)}" for k, v in params.items()]
    path.write_text("\n".join(lines) + "\n")
    return path
