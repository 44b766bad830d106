//! End-to-end tests of position sizing (`--sizer`, `[instruments.*]`) and
//! Parquet candles (`data convert`, `backtest run --data x.parquet`), run
//! through the real binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::Path;
use std::process::Output;

use tesser_core::Decimal;

mod common;
use common::{cli, repo};

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const BTC: &str = "data/samples/btcusd_bitstamp_1d.csv";
const SMA: &str = "research/strategies/sma_cross.toml";

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

/// (side, qty, price) of every fill.
fn fills(dir: &Path) -> Vec<(String, Decimal, Decimal)> {
    let text = std::fs::read_to_string(dir.join("fills.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].to_owned(), d(f[3]), d(f[4]))
        })
        .collect()
}

#[test]
fn parquet_round_trips_and_backtests_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let pq = tmp.path().join("btc.parquet");
    let csv = tmp.path().join("back.csv");
    let out = ok(&cli(&["data", "convert", BTC, pq.to_str().unwrap()]));
    assert!(out.contains("wrote 1865 candles"), "{out}");
    ok(&cli(&[
        "data",
        "convert",
        pq.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]));
    // The CSV that comes back holds the same candles, digit for digit.
    let orig: Vec<_> = tesser_data::CandleCsvReader::open(
        &repo().join(BTC),
        tesser_core::Symbol::new("B"),
        tesser_core::Interval::D1,
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap();
    let back: Vec<_> =
        tesser_data::CandleCsvReader::open(&csv, tesser_core::Symbol::new("B"), tesser_core::Interval::D1)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(orig, back);

    let run = |data: &str, dir: &Path| {
        ok(&cli(&[
            "backtest",
            "run",
            "--strategy-config",
            SMA,
            "--data",
            data,
            "--fee-bps",
            "10",
            "--output-dir",
            dir.to_str().unwrap(),
        ]))
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let sa = run(BTC, &a);
    let sb = run(pq.to_str().unwrap(), &b);
    assert_eq!(
        sa.replace(a.to_str().unwrap(), ""),
        sb.replace(b.to_str().unwrap(), "")
    );
    for f in ["trades.csv", "fills.csv", "equity.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs"
        );
    }
}

fn config_with_instrument(dir: &Path) -> String {
    let cfg = dir.join("cfg");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("default.toml"),
        "[instruments.BTCUSD]\ntick_size = 0.01\nlot_size = 0.001\nmin_qty = 0.001\nmin_notional = 5\n",
    )
    .unwrap();
    cfg.to_string_lossy().into_owned()
}

#[test]
fn notional_sizer_floors_to_the_lot() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config_with_instrument(tmp.path());
    let out = tmp.path().join("n");
    ok(&cli(&[
        "--config-dir",
        &cfg,
        "backtest",
        "run",
        "--strategy-config",
        SMA,
        "--data",
        BTC,
        "--fill",
        "close",
        "--sizer",
        "notional",
        "--notional",
        "1000",
        "--output-dir",
        out.to_str().unwrap(),
    ]));
    let fills = fills(&out);
    assert!(fills.len() > 20, "{fills:?}");
    for pair in fills.chunks(2) {
        // Long-only: each buy opens 1000 quote of BTC at that close, floored
        // to 0.001; the sell after it closes the same amount.
        let (side, qty, price) = &pair[0];
        assert_eq!(side, "buy");
        let expect = (d("1000") / price / d("0.001")).floor() * d("0.001");
        assert_eq!(*qty, expect, "buy at {price}");
        assert!(*qty * price <= d("1000") && (*qty + d("0.001")) * price > d("1000"));
        if let Some((side, sold, _)) = pair.get(1) {
            assert_eq!((side.as_str(), sold), ("sell", qty));
        }
    }
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"fixed_notional\": \"1000\""), "{summary}");
}

#[test]
fn percent_and_vol_target_sizers_use_equity() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config_with_instrument(tmp.path());
    let run = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        let mut args = vec![
            "--config-dir",
            &cfg,
            "backtest",
            "run",
            "--strategy-config",
            SMA,
            "--data",
            BTC,
            "--fill",
            "close",
            "--initial-equity",
            "10000",
            "--output-dir",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ok(&cli(&args));
        fills(&out)
    };
    // The first trade sizes from the initial equity: 50 % of 10 000 at the
    // first buy's price.
    let pct = run("p", &["--sizer", "percent", "--equity-fraction", "0.5"]);
    let (_, qty, price) = &pct[0];
    assert_eq!(*qty, (d("5000") / price / d("0.001")).floor() * d("0.001"));
    // Later trades follow equity, so sizes differ in notional.
    let notionals: Vec<Decimal> = pct.iter().step_by(2).map(|(_, q, p)| q * p).collect();
    assert!(
        notionals.iter().any(|n| (n - d("5000")).abs() > d("100")),
        "{notionals:?}"
    );

    let vol = run(
        "v",
        &[
            "--sizer",
            "vol-target",
            "--vol-target",
            "0.3",
            "--vol-lookback",
            "20",
        ],
    );
    assert!(vol.len() > 10);
    for (_, qty, _) in &vol {
        assert_eq!(*qty, (qty / d("0.001")).floor() * d("0.001"));
        assert!(*qty > Decimal::ZERO);
    }
    let sizes: std::collections::BTreeSet<Decimal> = vol.iter().map(|f| f.1).collect();
    assert!(sizes.len() > 5, "vol-target sizes should vary: {sizes:?}");
}

#[test]
fn bad_sizing_input_is_named() {
    let o = cli(&["backtest", "run", "--strategy-config", SMA, "--sizer", "kelly"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown sizer `kelly`"));
    let o = cli(&[
        "backtest",
        "run",
        "--strategy-config",
        SMA,
        "--sizer",
        "vol-target",
        "--vol-lookback",
        "1",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("--vol-lookback ([sizing] vol_lookback) must be at least 2"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("default.toml"),
        "[instruments.BTCUSD]\ntick_size = 0\nlot_size = 1\nmin_qty = 0\n",
    )
    .unwrap();
    let o = cli(&[
        "--config-dir",
        tmp.path().to_str().unwrap(),
        "backtest",
        "run",
        "--strategy-config",
        SMA,
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("[instruments.BTCUSD]") && err.contains("tick_size"),
        "{err}"
    );
}
