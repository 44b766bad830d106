//! Golden runs: every sample strategy on bundled data with fixed settings
//! (qty 1, cash 1,000,000, 10 bps). The pinned figures are regression
//! anchors recorded from this implementation (SmaCross is checked against
//! independent libraries in `tesser-backtester/tests/reference.rs`, and the
//! Python research suite re-derives SmaCross and RsiReversion results); any
//! change to a strategy's decisions, the fill model or the accounting shows
//! up here as a diff to explain.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;
use common::command;

const BTC: &str = "BTCUSD=data/samples/btcusd_bitstamp_1d.csv";
const ETH: &str = "ETHUSD=data/samples/ethusd_bitstamp_1d.csv";

struct Golden {
    config: &'static str,
    inputs: &'static [&'static str],
    closed_trades: u64,
    final_equity: &'static str,
    first_trade: &'static str,
}

const GOLDEN: &[Golden] = &[
    Golden {
        config: "rsi_reversion.toml",
        inputs: &["--data", BTC],
        closed_trades: 12,
        final_equity: "1004991.37243",
        first_trade: "BTCUSD,long,1,2014-12-17T00:00:00Z,331.56,2015-01-27T00:00:00Z,269.5,-62.06,0.60106,-62.66106",
    },
    Golden {
        config: "bollinger_breakout.toml",
        inputs: &["--data", BTC],
        closed_trades: 52,
        final_equity: "1016465.48907",
        first_trade: "BTCUSD,short,1,2014-12-18T00:00:00Z,321.32,2015-01-25T00:00:00Z,249.99,71.33,0.57131,70.75869",
    },
    Golden {
        config: "ml_classifier.toml",
        inputs: &["--data", BTC],
        closed_trades: 156,
        final_equity: "1015765.18974",
        first_trade: "BTCUSD,long,1,2014-12-24T00:00:00Z,337,2014-12-25T00:00:00Z,320.92,-16.08,0.65792,-16.73792",
    },
    Golden {
        config: "pairs_trading.toml",
        inputs: &["--data", BTC, "--data", ETH],
        closed_trades: 50,
        final_equity: "999702.333723352",
        first_trade: "BTCUSD,long,0.0236,2018-01-02T00:00:00Z,13443.41,2018-01-19T00:00:00Z,11247.57,-51.821824,0.582707128,-52.404531128",
    },
    Golden {
        config: "orderbook_imbalance.toml",
        inputs: &["--synthetic-book", "5000", "--seed", "7"],
        closed_trades: 147,
        final_equity: "999979.61430789",
        first_trade: "BTCUSD,long,0.74,2024-01-01T00:00:17Z,100.01084,2024-01-01T00:00:47Z,100.02,0.0067784,0.1480228216,-0.1412444216",
    },
];

#[test]
fn sample_strategies_reproduce_their_golden_runs() {
    for g in GOLDEN {
        let tmp = tempfile::tempdir().unwrap();
        let config = format!("research/strategies/{}", g.config);
        let mut args = vec!["backtest", "run", "--strategy-config", &config];
        args.extend_from_slice(g.inputs);
        let out = tmp.path().to_str().unwrap();
        args.extend_from_slice(&[
            "--quantity",
            "1",
            "--initial-equity",
            "1000000",
            "--fee-bps",
            "10",
            "--output-dir",
            out,
        ]);
        let o = command().args(&args).output().unwrap();
        assert!(
            o.status.success(),
            "{}: {}",
            g.config,
            String::from_utf8_lossy(&o.stderr)
        );
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["closed_trades"], g.closed_trades, "{}", g.config);
        assert_eq!(summary["final_equity"], g.final_equity, "{}", g.config);
        let trades = std::fs::read_to_string(tmp.path().join("trades.csv")).unwrap();
        assert_eq!(trades.lines().nth(1), Some(g.first_trade), "{}", g.config);
    }
}
