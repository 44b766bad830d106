#!/usr/bin/env python3
"""Fit a logistic model for Tesser's MlClassifier strategy and write its TOML
artifact (format: crates/tesser-strategy/src/ml_classifier.rs).

Features are MlClassifier recipe names (`return_k`, `rsi_n` (RSI/100),
`zscore_n`, `sma_ratio_n`, `volatility_n`) computed exactly as the Rust
strategy computes them bar by bar. The label of bar t is whether the trade the
strategy could open on it pays: open[t+2] > open[t+1] (next-open fills).
Features are standardised (`mean`, `scale` in the artifact) and the weights
are fitted with plain batch gradient descent on the L2-regularised log loss,
on the first `--train-fraction` of the bars only.

    uv run python scripts/train_ml_classifier.py --data ../data/samples/btcusd_bitstamp_1d.csv \
        --output models/ml_logistic.toml --strategy-output strategies/ml_from_python.toml
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from research_lib import feature, load_candles, toml_value, write_strategy


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))


def fit_logistic(x: np.ndarray, y: np.ndarray, lr: float, epochs: int, l2: float) -> tuple[np.ndarray, float]:
    """Batch gradient descent on mean log loss + l2/2 * |w|^2 (bias unpenalised)."""
    n, k = x.shape
    w = np.zeros(k)
    b = 0.0
    for _ in range(epochs):
        p = sigmoid(x @ w + b)
        err = p - y
        w -= lr * (x.T @ err / n + l2 * w)
        b -= lr * float(err.mean())
    return w, b


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--output", default="models/ml_logistic.toml", help="model artifact to write")
    ap.add_argument("--strategy-output", help="also write an MlClassifier strategy file using the model")
    ap.add_argument("--symbol", default="BTCUSD")
    ap.add_argument("--features", default="return_5,zscore_20,rsi_14,volatility_20")
    ap.add_argument("--train-fraction", type=float, default=0.7)
    ap.add_argument("--epochs", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--l2", type=float, default=0.01)
    ap.add_argument("--threshold", type=float, help="long when p > threshold (default: median train p)")
    args = ap.parse_args(argv)

    candles = load_candles(args.data)
    close, opens = candles.close_f64(), candles.open_f64()
    names = [f.strip() for f in args.features.split(",") if f.strip()]
    x_all = np.column_stack([feature(name, close) for name in names])
    n = len(close)
    y_all = np.full(n, np.nan)
    y_all[: n - 2] = (opens[2:] > opens[1:-1]).astype(float)
    usable = ~np.isnan(x_all).any(axis=1) & ~np.isnan(y_all)
    rows = np.nonzero(usable)[0]
    split = int(len(rows) * args.train_fraction)
    if split < 50 or len(rows) - split < 10:
        print(f"not enough usable bars ({len(rows)}) to train and test", file=sys.stderr)
        return 2
    train, test = rows[:split], rows[split:]
    mean = x_all[train].mean(axis=0)
    scale = x_all[train].std(axis=0)
    scale[scale == 0.0] = 1.0
    z = (x_all - mean) / scale
    w, b = fit_logistic(z[train], y_all[train], args.lr, args.epochs, args.l2)
    p_train, p_test = sigmoid(z[train] @ w + b), sigmoid(z[test] @ w + b)
    threshold = float(np.median(p_train)) if args.threshold is None else args.threshold
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    acc = float(((p_test > threshold) == (y_all[test] > 0.5)).mean())

    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Logistic model for MlClassifier, fitted by research/scripts/train_ml_classifier.py",
        f"# data: {Path(args.data).name}; train bars {len(train)}, test bars {len(test)}",
        f"# label: open[t+2] > open[t+1]; train log loss {log_loss(p_train, y_all[train]):.6f},"
        f" test log loss {log_loss(p_test, y_all[test]):.6f}, test hit rate {acc:.4f}",
        "# No claim of edge: a research artifact that exercises the format end to end.",
        'kind = "logistic"',
        f"features = {toml_value(names)}",
        f"weights = {toml_value([float(v) for v in w])}",
        f"mean = {toml_value([float(v) for v in mean])}",
        f"scale = {toml_value([float(v) for v in scale])}",
        f"bias = {toml_value(float(b))}",
        f"threshold = {toml_value(threshold)}",
    ]
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out} (weights {np.round(w, 4).tolist()}, threshold {threshold:.4f}, test hit rate {acc:.3f})")
    if args.strategy_output:
        strat = Path(args.strategy_output)
        rel = os.path.relpath(out.resolve(), strat.resolve().parent)
        write_strategy(
            strat,
            "MlClassifier",
            {"symbol": args.symbol, "model": rel, "allow_short": False},
            "MlClassifier using the model written by research/scripts/train_ml_classifier.py",
        )
        print(f"wrote {strat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
