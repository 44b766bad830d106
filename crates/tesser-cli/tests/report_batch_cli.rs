//! End-to-end tests of `backtest run --report` and `backtest batch` with the
//! real binary on the bundled data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::PathBuf;
use std::process::Output;

mod common;

/// Runs the CLI and requires success.
fn cli(args: &[&str]) -> Output {
    let out = common::cli(args);
    assert!(out.status.success(), "{}", common::stderr(&out));
    out
}

#[test]
fn run_writes_a_self_contained_html_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let html = tmp.path().join("nested/report.html");
    cli(&[
        "backtest",
        "run",
        "--strategy-config",
        "research/strategies/sma_cross.toml",
        "--data",
        "data/samples/btcusd_bitstamp_1d.csv",
        "--initial-equity",
        "1000000",
        "--fee-bps",
        "10",
        "--output-dir",
        out.to_str().unwrap(),
        "--report",
        html.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert_eq!(text.matches("<svg").count(), 2);
    assert!(text.contains("<path class=\"line\" d=\"M"));
    assert!(text.contains("<path class=\"dd\" d=\"M"));
    assert!(text.contains("<th>Dec</th>"));
    assert!(text.contains("params.fast_period"));
    let lower = text.to_lowercase();
    assert!(!lower.contains("http://") && !lower.contains("https://") && !lower.contains("<script"));
    // summary.json carries the metrics; the trade count agrees with trades.csv.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let trades = std::fs::read_to_string(out.join("trades.csv"))
        .unwrap()
        .lines()
        .count() as u64
        - 1;
    assert_eq!(summary["metrics"]["trades"].as_u64().unwrap(), trades);
    assert_eq!(summary["metrics"]["bars"].as_u64().unwrap(), 1865);
    assert_eq!(summary["metrics"]["max_drawdown"], summary["max_drawdown"]);
}

#[test]
fn batch_is_deterministic_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let cfg = "research/batch/sma_grid.toml";
    let first = cli(&[
        "backtest",
        "batch",
        "--config",
        cfg,
        "--threads",
        "1",
        "--output-dir",
        a.to_str().unwrap(),
    ]);
    cli(&[
        "backtest",
        "batch",
        "--config",
        cfg,
        "--threads",
        "3",
        "--output-dir",
        b.to_str().unwrap(),
    ]);
    let read = |p: PathBuf| std::fs::read_to_string(p).unwrap();
    assert_eq!(read(a.join("summary.csv")), read(b.join("summary.csv")));
    assert_eq!(read(a.join("walk_forward.csv")), read(b.join("walk_forward.csv")));
    // 5 x 5 grid x 2 fee levels; header + 50 rows.
    assert_eq!(read(a.join("summary.csv")).lines().count(), 51);
    let first = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(first.contains("0 reused"), "{first}");
    assert!(first.contains("deflated Sharpe ratio"), "{first}");
    let again = cli(&[
        "backtest",
        "batch",
        "--config",
        cfg,
        "--output-dir",
        a.to_str().unwrap(),
    ]);
    let again = String::from_utf8_lossy(&again.stdout).into_owned();
    assert!(again.contains(" 0 backtests run now"), "{again}");
}

#[test]
fn batch_writes_the_summary_formats_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(common::repo().join("research/batch/sma_grid.toml")).unwrap();
    let batch = |formats: &str| {
        let path = tmp.path().join("batch.toml");
        let text = sample.replace(
            "summary_format = [\"csv\"]",
            &format!("summary_format = {formats}"),
        );
        assert_ne!(text, sample);
        std::fs::write(&path, text).unwrap();
        path
    };
    let out = tmp.path().join("out");
    let run = |config: &PathBuf| {
        common::cli(&[
            "backtest",
            "batch",
            "--config",
            config.to_str().unwrap(),
            "--output-dir",
            out.to_str().unwrap(),
        ])
    };
    let ok = run(&batch(r#"["parquet"]"#));
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    let stdout = String::from_utf8_lossy(&ok.stdout).into_owned();
    assert!(stdout.contains("summary.parquet"), "{stdout}");
    assert!(out.join("summary.parquet").is_file());
    assert!(!out.join("summary.csv").exists());

    let bad = run(&batch(r#"["csv", "xls"]"#));
    assert!(!bad.status.success());
    let err = common::stderr(&bad);
    assert!(err.contains("summary_format: unknown format `xls`"), "{err}");
}
