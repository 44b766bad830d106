"""Each research script writes a file `tesser-cli backtest run` accepts and
trades with; the Python SmaCross backtest is an independent oracle for the
CLI's closed-trade count and final equity."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest
from conftest import SAMPLE, backtest, run_script

from research_lib import load_candles, rolling_sums, sma_backtest, sma_cross_decisions


@pytest.fixture(scope="module")
def candles():
    return load_candles(SAMPLE)


def test_find_optimal_sma_writes_a_config_the_cli_trades(cli, tmp_path, candles):
    out = tmp_path / "sma.toml"
    results = tmp_path / "grid.csv"
    run_script("find_optimal_sma.py", "--data", str(SAMPLE), "--output", str(out), "--results", str(results))
    cfg = tomllib.loads(out.read_text())
    assert cfg["strategy_name"] == "SmaCross"
    p = cfg["params"]
    assert 1 <= p["fast_period"] < p["slow_period"] and p["allow_short"] is False
    summary = backtest(cli, out, tmp_path / "run")
    assert summary["strategy"] == "SmaCross"
    assert summary["metrics"]["trades"] > 0 and summary["fills"] > 0
    # The chosen pair is the grid's best, and the CLI agrees on its outcome.
    best = results.read_text().splitlines()[1].split(",")
    assert (int(best[0]), int(best[1])) == (p["fast_period"], p["slow_period"])
    assert summary["metrics"]["trades"] == int(best[2])
    assert Decimal(summary["final_equity"]) == Decimal(best[3])


@pytest.mark.parametrize(
    ("fast", "slow", "fee_bps", "equity"),
    [(12, 30, "0", "10000"), (5, 20, "10", "1000000"), (3, 4, "7.5", "50000"), (20, 100, "25", "1000000")],
)
def test_python_sma_backtest_equals_the_cli(cli, tmp_path, candles, fast, slow, fee_bps, equity):
    strategy = tmp_path / "s.toml"
    strategy.write_text(
        f'strategy_name = "SmaCross"\n[params]\nsymbol = "BTCUSD"\nfast_period = {fast}\nslow_period = {slow}\n'
    )
    summary = backtest(cli, strategy, tmp_path / "run", "--fee-bps", fee_bps, "--initial-equity", equity)
    ours = sma_backtest(candles, fast, slow, Decimal(1), Decimal(equity), Decimal(fee_bps))
    assert ours.closed_trades > 0
    assert summary["metrics"]["trades"] == ours.closed_trades
    assert summary["fills"] == ours.fills
    assert Decimal(summary["final_equity"]) == ours.final_equity
    assert Decimal(summary["total_fees"]) == ours.fees


def test_sma_cross_rules_on_a_hand_built_series():
    from research_lib import Candles

    closes = [Decimal(v) for v in ["10", "10", "10", "13", "13", "9", "9", "9", "12"]]
    c = Candles([str(i) for i in range(len(closes))], closes, closes, closes, closes)
    # fast 1 vs slow 3: equal averages at bar 2 (a tie is not above), the
    # first cross can only be judged at bar 3 (both averages at bars 2 and 3).
    assert sma_cross_decisions(c, 1, 3) == [(3, True), (5, False), (8, True)]
    assert list(rolling_sums(c.close_scaled(), 3)[2:4]) == [30, 33]


def test_optimize_rsi_writes_a_config_the_cli_trades(cli, tmp_path):
    out = tmp_path / "rsi.toml"
    proc = run_script("optimize_rsi.py", "--data", str(SAMPLE), "--output", str(out))
    cfg = tomllib.loads(out.read_text())
    assert cfg["strategy_name"] == "RsiReversion"
    p = cfg["params"]
    assert isinstance(p["oversold"], float) and p["oversold"] < p["exit_level"]
    summary = backtest(cli, out, tmp_path / "run")
    assert summary["strategy"] == "RsiReversion"
    assert summary["metrics"]["trades"] > 0
    # Same RSI and rules in both languages: the same outcome.
    assert f"final equity {summary['final_equity']}" in proc.stdout


def test_train_ml_classifier_writes_an_artifact_the_cli_loads(cli, tmp_path):
    model = tmp_path / "models" / "ml.toml"
    strategy = tmp_path / "strategies" / "ml.toml"
    run_script(
        "train_ml_classifier.py", "--data", str(SAMPLE), "--output", str(model), "--strategy-output", str(strategy)
    )
    art = tomllib.loads(model.read_text())
    assert art["kind"] == "logistic"
    assert len(art["weights"]) == len(art["features"]) == len(art["mean"]) == len(art["scale"])
    assert 0.0 < art["threshold"] < 1.0
    assert tomllib.loads(strategy.read_text())["params"]["model"] == "../models/ml.toml"
    summary = backtest(cli, strategy, tmp_path / "run")
    assert summary["strategy"] == "MlClassifier"
    assert summary["metrics"]["trades"] > 0


def test_ml_features_match_the_rust_recipes():
    import numpy as np

    from research_lib import feature

    close = np.array([100.0, 110.0, 99.0, 99.0, 120.0])
    np.testing.assert_allclose(feature("return_2", close)[2:], [-0.01, 99 / 110 - 1, 120 / 99 - 1])
    vol = feature("volatility_2", close)
    assert np.isnan(vol[:2]).all() and abs(vol[2] - 0.1) < 1e-12  # returns +10%, -10%
    z = feature("zscore_3", np.array([5.0, 5.0, 5.0]))
    assert np.isnan(z[:2]).all() and z[2] == 0.0
    np.testing.assert_allclose(feature("sma_ratio_2", np.array([1.0, 3.0]))[1], 0.5)
    rsi = feature("rsi_3", np.full(10, 5.0))
    assert np.isnan(rsi[:3]).all() and (rsi[3:] == 0.5).all()
