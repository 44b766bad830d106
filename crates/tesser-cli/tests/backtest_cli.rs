//! End-to-end tests of `tesser-cli backtest run` and `strategies`, run as a
//! user would: the real binary, real files, exit codes and messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::Path;

mod common;
use common::{cli, stderr};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const SMA: &str =
    "strategy_name = 'SmaCross'\n[params]\nsymbol = 'BTCUSD'\nfast_period = 12\nslow_period = 30\n";
const BTC: &str = "data/samples/btcusd_bitstamp_1d.csv";

#[test]
fn readme_demo_runs_and_is_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &str| {
        let o = cli(&[
            "backtest",
            "run",
            "--strategy-config",
            "research/strategies/sma_cross.toml",
            "--data",
            BTC,
            "--quantity",
            "1",
            "--initial-equity",
            "1000000",
            "--fee-bps",
            "10",
            "--output-dir",
            out,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let stdout = run(a.to_str().unwrap());
    assert!(stdout.contains("closed trades    33"), "{stdout}");
    assert!(stdout.contains("final equity     1010131.17"), "{stdout}");
    run(b.to_str().unwrap());
    for f in ["summary.json", "trades.csv", "fills.csv", "equity.csv"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert_eq!(x, y, "{f} differs between identical runs");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("summary.json")).unwrap()).unwrap();
    for key in [
        "initial_equity",
        "final_equity",
        "total_return",
        "max_drawdown",
        "sharpe",
        "closed_trades",
        "win_rate",
        "profit_factor",
        "total_fees",
        "bars",
        "open_positions",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(summary["final_equity"], "1010131.17286");
    let equity = std::fs::read_to_string(a.join("equity.csv")).unwrap();
    assert_eq!(equity.lines().count(), 1 + 1865);
}

#[test]
fn synthetic_run_is_seeded() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = write(
        tmp.path(),
        "s.toml",
        &SMA.replace("fast_period = 12", "fast_period = 5"),
    );
    let run = |seed: &str, out: &str| {
        let o = cli(&[
            "backtest",
            "run",
            "--strategy-config",
            &cfg,
            "--candles",
            "3000",
            "--seed",
            seed,
            "--output-dir",
            out,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(Path::new(out).join("fills.csv")).unwrap()
    };
    let p = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    let a = run("7", &p("a"));
    assert_eq!(a, run("7", &p("b")));
    assert_ne!(a, run("8", &p("c")));
    assert!(a.lines().count() > 10, "the synthetic walk should trade");
}

#[test]
fn bad_inputs_fail_with_clear_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.toml", SMA);
    let out = tmp.path().join("out").to_string_lossy().into_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![write(tmp.path(), "bad.csv", "timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1,1\n2020-01-02T00:00:00Z,1,2,oops,1,1\n")],
            "bad.csv:3: low: `oops` is not a valid price",
        ),
        (
            vec![write(tmp.path(), "unordered.csv", "timestamp,open,high,low,close,volume\n2020-01-02T00:00:00Z,1,2,0.5,1,1\n2020-01-03T00:00:00Z,1,2,0.5,1,1\n2020-01-01T00:00:00Z,1,2,0.5,1,1\n")],
            "unordered.csv:4: out-of-order timestamp",
        ),
    ];
    for (data, want) in cases {
        let o = cli(&[
            "backtest",
            "run",
            "--strategy-config",
            &good,
            "--data",
            &data[0],
            "--output-dir",
            &out,
        ]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(want), "want {want:?}, got {}", stderr(&o));
    }
    let strategy_cases = [
        ("unknown.toml", "strategy_name = 'Nope'\n[params]\n", "unknown strategy `Nope`"),
        ("missing.toml", "strategy_name = 'SmaCross'\n[params]\nsymbol = 'X'\nfast_period = 3\n", "missing field `slow_period`"),
        ("order.toml", "strategy_name = 'SmaCross'\n[params]\nsymbol = 'X'\nfast_period = 30\nslow_period = 12\n", "`slow_period` must be greater than fast_period"),
        ("typo.toml", "strategy_name = 'SmaCross'\n[params]\nsymbol = 'X'\nfast_period = 3\nslow_period = 5\nslow = 1\n", "unknown field `slow`"),
    ];
    for (name, text, want) in strategy_cases {
        let cfg = write(tmp.path(), name, text);
        let o = cli(&[
            "backtest",
            "run",
            "--strategy-config",
            &cfg,
            "--data",
            BTC,
            "--output-dir",
            &out,
        ]);
        assert!(!o.status.success());
        let err = stderr(&o);
        assert!(
            err.contains(want) && err.contains(name),
            "want {want:?} naming {name}, got {err}"
        );
    }
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        &good,
        "--data",
        BTC,
        "--quantity",
        "-1",
        "--output-dir",
        &out,
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("quantity must not be negative"),
        "{}",
        stderr(&o)
    );
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        &good,
        "--data",
        "missing.csv",
        "--output-dir",
        &out,
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("missing.csv"), "{}", stderr(&o));
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        &good,
        "--fill",
        "later",
        "--output-dir",
        &out,
    ]);
    assert!(
        stderr(&o).contains("unknown fill model `later`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn config_errors_name_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.toml", SMA);
    write(tmp.path(), "local.toml", "[backtest]\nfee_bsp = 3\n");
    let o = cli(&[
        "--config-dir",
        tmp.path().to_str().unwrap(),
        "backtest",
        "run",
        "--strategy-config",
        &good,
        "--data",
        BTC,
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("fee_bsp"), "{}", stderr(&o));
}

#[test]
fn env_variables_override_config() {
    let tmp = tempfile::tempdir().unwrap();
    let good = write(tmp.path(), "good.toml", SMA);
    let out = tmp.path().join("o");
    let o = common::command()
        .args([
            "backtest",
            "run",
            "--strategy-config",
            &good,
            "--data",
            BTC,
            "--output-dir",
            out.to_str().unwrap(),
        ])
        .env("TESSER_BACKTEST__FEE_BPS", "10")
        .env("TESSER_BACKTEST__INITIAL_EQUITY", "1000000")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"final_equity\": \"1010131.17286\""),
        "{summary}"
    );
}

#[test]
fn strategies_lists_parameters() {
    let o = cli(&["strategies"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for word in [
        "SmaCross",
        "fast_period",
        "slow_period",
        "min_samples",
        "allow_short",
    ] {
        assert!(text.contains(word), "{text}");
    }
}

#[test]
fn perpetual_mode_charges_funding_and_checks_margin() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("perp");
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        "research/strategies/sma_cross.toml",
        "--data",
        BTC,
        "--initial-equity",
        "1000000",
        "--leverage",
        "3",
        "--funding-rate",
        "0.0001",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let funding: f64 = summary["funding_paid"].as_str().unwrap().parse().unwrap();
    assert!(funding > 0.0, "longs pay a positive rate: {funding}");
    assert_eq!(summary["liquidations"], 0);
    // Same trades as spot; equity lower by exactly the funding paid.
    let final_equity: f64 = summary["final_equity"].as_str().unwrap().parse().unwrap();
    assert!(
        (final_equity + funding - 1_010_380.73).abs() < 1e-6,
        "{final_equity} + {funding}"
    );

    // 1x leverage with 1,000 cash cannot carry 1 BTC once it trades above 1,000 USD.
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        "research/strategies/sma_cross.toml",
        "--data",
        BTC,
        "--initial-equity",
        "1000",
        "--leverage",
        "1",
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary["rejected_orders"].as_u64().unwrap() > 0, "{summary}");
}

#[test]
fn trade_replay_reads_bybit_public_trade_jsonl() {
    let tmp = tempfile::tempdir().unwrap();
    let frame = |t: i64, p: &str| {
        format!(
            r#"{{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":{t},"data":[{{"T":{t},"s":"BTCUSDT","S":"Buy","v":"0.01","p":"{p}","L":"PlusTick","i":"x","BT":false}}]}}"#
        )
    };
    let text = [
        frame(1_700_000_000_000, "100"),
        frame(1_700_000_001_000, "101"),
        frame(1_700_000_002_000, "99"),
    ]
    .join("\n");
    let good = write(tmp.path(), "trades.jsonl", &(text + "\n"));
    let cfg = write(tmp.path(), "s.toml", SMA);
    let out = tmp.path().join("o");
    let spec = format!("BTCUSD={good}");
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        &cfg,
        "--trades",
        &spec,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let equity = std::fs::read_to_string(out.join("equity.csv")).unwrap();
    assert_eq!(
        equity.lines().count(),
        1 + 3,
        "one equity row per print time:\n{equity}"
    );
    let bad = write(
        tmp.path(),
        "bad.jsonl",
        &format!("{}\n{{\"topic\":1}}\n", frame(1_700_000_000_000, "100")),
    );
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        &cfg,
        "--trades",
        &bad,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.jsonl:2"), "{}", stderr(&o));
}
