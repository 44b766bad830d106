//! Every sample strategy config in `research/strategies/` runs through
//! `tesser-cli backtest run` on the bundled daily data and trades.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;
use common::{command, repo};

const BTC: &str = "BTCUSD=data/samples/btcusd_bitstamp_1d.csv";
const ETH: &str = "ETHUSD=data/samples/ethusd_bitstamp_1d.csv";

/// Runs `backtest run` and returns (success, stdout, stderr, closed trades).
fn backtest(config: &str, data: &[&str]) -> (bool, String, String, Option<u64>) {
    let args: Vec<String> = data
        .iter()
        .flat_map(|d| ["--data".to_owned(), (*d).to_owned()])
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    backtest_with(config, &refs)
}

/// Runs `backtest run` with extra arguments.
fn backtest_with(config: &str, extra: &[&str]) -> (bool, String, String, Option<u64>) {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec![
        "backtest".to_owned(),
        "run".to_owned(),
        "--strategy-config".to_owned(),
        format!("research/strategies/{config}"),
        "--quantity".to_owned(),
        "1".to_owned(),
        "--initial-equity".to_owned(),
        "1000000".to_owned(),
        "--output-dir".to_owned(),
        tmp.path().to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let o = command().args(&args).output().expect("run tesser-cli");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let trades = stdout
        .lines()
        .find_map(|l| l.strip_prefix("closed trades"))
        .and_then(|v| v.trim().parse().ok());
    (
        o.status.success(),
        stdout,
        String::from_utf8_lossy(&o.stderr).into_owned(),
        trades,
    )
}

#[test]
fn candle_sample_configs_trade_on_bundled_data() {
    let cases: &[(&str, &[&str])] = &[
        ("sma_cross.toml", &[BTC]),
        ("rsi_reversion.toml", &[BTC]),
        ("bollinger_breakout.toml", &[BTC]),
        ("ml_classifier.toml", &[BTC]),
        ("pairs_trading.toml", &[BTC, ETH]),
    ];
    for (config, data) in cases {
        let (ok, stdout, stderr, trades) = backtest(config, data);
        assert!(ok, "{config}: {stderr}");
        let trades = trades.unwrap_or_else(|| panic!("{config}: no trade count in {stdout}"));
        assert!(trades > 0, "{config}: no closed trades\n{stdout}");
    }
}

#[test]
fn every_sample_config_is_covered() {
    // A new sample must be added to the cases above (or to the book replay
    // test once `backtest run` replays order books).
    let mut names: Vec<String> = std::fs::read_dir(repo().join("research/strategies"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bollinger_breakout.toml",
            "ml_classifier.toml",
            "orderbook_imbalance.toml",
            "pairs_trading.toml",
            "rsi_reversion.toml",
            "sma_cross.toml",
        ]
    );
}

#[test]
fn orderbook_sample_config_trades_on_book_replay() {
    // The seeded synthetic book generator (no download needed).
    let (ok, stdout, stderr, trades) = backtest("orderbook_imbalance.toml", &[]);
    assert!(ok, "{stderr}");
    assert_eq!(
        trades,
        Some(0),
        "without a book the strategy cannot trade:\n{stdout}"
    );
    let (ok, stdout, stderr, trades) = backtest_with(
        "orderbook_imbalance.toml",
        &["--synthetic-book", "5000", "--seed", "7"],
    );
    assert!(ok, "{stderr}");
    assert!(
        trades.unwrap_or(0) > 0,
        "no closed trades on the synthetic book\n{stdout}"
    );
}

#[test]
fn orderbook_replay_reads_bybit_jsonl_files() {
    // Two Bybit v5 orderbook frames: a snapshot and a delta that tilts the
    // book towards bids; the replay runs and reports the book source.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("book.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"topic":"orderbook.50.BTCUSD","type":"snapshot","ts":1700000000000,"data":{"s":"BTCUSD","b":[["100","5"],["99","5"]],"a":[["101","1"],["102","1"]],"u":1,"seq":10},"cts":1700000000000}"#,
            "\n",
            r#"{"topic":"orderbook.50.BTCUSD","type":"delta","ts":1700000001000,"data":{"s":"BTCUSD","b":[["100","9"]],"a":[],"u":2,"seq":11},"cts":1700000001000}"#,
            "\n",
        ),
    )
    .unwrap();
    let spec = format!("BTCUSD={}", file.display());
    let (ok, stdout, stderr, _) = backtest_with("orderbook_imbalance.toml", &["--book", &spec]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("bars             2"), "{stdout}");
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(&bad, "{not json}\n").unwrap();
    let (ok, _, stderr, _) = backtest_with("orderbook_imbalance.toml", &["--book", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("bad.jsonl:1"), "{stderr}");
}
