//! End-to-end tests of `tesser-cli state inspect`: a database written with
//! tesser-state, printed by the real binary, with and without `--raw`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::Path;
use std::process::Output;

use tesser_core::{
    Cash, ClientOrderId, Decimal, Fill, OrderKind, OrderRequest, Price, Quantity, Side, Symbol, TimeInForce,
    Timestamp,
};
use tesser_portfolio::Position;
use tesser_state::{LastCandle, LiveSnapshot, Mark, OpenOrder, StateStore};

mod common;
use common::{cli, command, stderr};

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn snapshot() -> LiveSnapshot {
    let (btc, eth) = (Symbol::new("BTCUSDT"), Symbol::new("ETHUSDT"));
    LiveSnapshot {
        saved_at: ts("2024-05-06T07:08:00Z"),
        strategy: "SmaCross".to_owned(),
        symbols: vec![btc, eth],
        initial_equity: Cash::parse("10000").unwrap(),
        cash: Cash::parse("1000.5").unwrap(),
        fees: Cash::parse("12.000000000000000000000001").unwrap(),
        realized: Cash::parse("-3.25").unwrap(),
        funding: Cash::ZERO,
        positions: vec![
            Position {
                net: Decimal::new(5, 1),
                avg_entry: Price::parse("60000").unwrap(),
                opened: ts("2024-05-06T00:00:00Z"),
                ..Position::flat(btc)
            },
            Position {
                net: Decimal::from(-2),
                avg_entry: Price::parse("3000").unwrap(),
                opened: ts("2024-05-05T00:00:00Z"),
                ..Position::flat(eth)
            },
        ],
        marks: vec![Mark {
            symbol: btc,
            price: Price::parse("61000.25").unwrap(),
        }],
        open_orders: vec![OpenOrder {
            request: OrderRequest {
                id: ClientOrderId(77),
                symbol: btc,
                side: Side::Sell,
                qty: Quantity::parse("0.5").unwrap(),
                kind: OrderKind::StopMarket {
                    trigger: Price::parse("58000.5").unwrap(),
                },
                tif: TimeInForce::Gtc,
                reduce_only: true,
                created: ts("2024-05-06T07:00:00Z"),
            },
            remaining: Quantity::parse("0.5").unwrap(),
        }],
        last_order_id: 77,
        last_candles: vec![LastCandle {
            symbol: btc,
            open_time: ts("2024-05-06T07:07:00Z"),
        }],
        peak_equity: Cash::parse("26000").unwrap(),
        liquidate_only: true,
        execution: "paper".into(),
        first_order_id: 0,
    }
}

fn fill(order: u64) -> Fill {
    Fill {
        order_id: ClientOrderId(order),
        symbol: Symbol::new("BTCUSDT"),
        side: Side::Buy,
        qty: Quantity::parse("0.001").unwrap(),
        price: Price::new(Decimal::from(60_000 + order)).unwrap(),
        fee: Cash::parse("0.0600123").unwrap(),
        ts: Timestamp::from_millis(1_714_953_600_000 + order as i64 * 60_000),
        exec_id: None,
    }
}

/// A database holding `snapshot()` and twelve fills (orders 1..=12).
fn write_db(path: &Path) {
    let mut store = StateStore::open(path).unwrap();
    store
        .save(&snapshot(), &(1..=6).map(fill).collect::<Vec<_>>())
        .unwrap();
    store
        .save(&snapshot(), &(5..=12).map(fill).collect::<Vec<_>>())
        .unwrap();
}

#[test]
fn inspect_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live_state.db");
    write_db(&db);
    let out = cli(&["state", "inspect", "--path", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // Equity by hand: 1000.5 + 0.5 × 61000.25 (mark) − 2 × 3000 (entry, no mark).
    for want in [
        "saved at        2024-05-06T07:08:00Z",
        "strategy        SmaCross on BTCUSDT, ETHUSDT",
        "equity          25500.625",
        "cash            1000.5",
        "realized PnL    -3.25",
        "fees            12.000000000000000000000001",
        "kill switch     TRIPPED",
        "positions: 2",
        "open orders: 1",
        "stop-market",
        "58000.5",
        "reduce-only",
        "fills: 12 journaled; the 10 most recent, newest first",
    ] {
        assert!(text.contains(want), "missing `{want}` in:\n{text}");
    }
    let btc_row = text
        .lines()
        .find(|l| l.trim_start().starts_with("BTCUSDT  0.5"))
        .unwrap();
    assert!(
        btc_row.contains("61000.25") && btc_row.contains("500.125"),
        "{btc_row}"
    );
    // Newest first; orders 1 and 2 are beyond the ten shown.
    let fills: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("fills:"))
        .skip(2)
        .collect();
    assert_eq!(fills.len(), 10, "{text}");
    assert!(
        fills[0].contains("2024-05-06T00:12:00Z") && fills[0].contains("60012"),
        "{}",
        fills[0]
    );
    assert!(fills[9].contains("60003") && !text.contains("60002"), "{text}");
}

#[test]
fn inspect_raw_prints_the_stored_payload() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live_state.db");
    write_db(&db);
    let out = cli(&["state", "inspect", "--raw", "--path", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("{\n  \"saved_at\": \"2024-05-06T07:08:00Z\",\n"),
        "{text}"
    );
    let parsed: LiveSnapshot = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, snapshot());
    // The payload as stored, key order and number text included.
    let stored = StateStore::open_read_only(&db)
        .unwrap()
        .load_raw()
        .unwrap()
        .unwrap();
    assert_eq!(text.replace(['\n', ' '], ""), stored.replace(' ', ""));
    assert!(
        text.contains("\"fees\": \"12.000000000000000000000001\""),
        "{text}"
    );
}

#[test]
fn inspect_defaults_to_the_configured_state_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from_env.db");
    write_db(&db);
    let out = command()
        .args(["state", "inspect"])
        .env("TESSER_LIVE__STATE_PATH", &db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&db.display().to_string()));
}

#[test]
fn inspect_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope/live_state.db");
    let out = cli(&["state", "inspect", "--path", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        format!("error: no state database at {}\n", missing.display())
    );
    assert!(
        !missing.parent().unwrap().exists(),
        "inspect must not create anything"
    );

    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, "definitely not SQLite\n".repeat(50)).unwrap();
    for raw in [false, true] {
        let mut args = vec!["state", "inspect", "--path", garbage.to_str().unwrap()];
        if raw {
            args.push("--raw");
        }
        let out = cli(&args);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&garbage.display().to_string()) && err.contains("not a database"),
            "{err}"
        );
    }

    // A fresh store with nothing saved: the summary says so, --raw fails.
    let empty = dir.path().join("empty.db");
    drop(StateStore::open(&empty).unwrap());
    let out = cli(&["state", "inspect", "--path", empty.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("no snapshot saved yet"));
    let out = cli(&["state", "inspect", "--raw", "--path", empty.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no snapshot saved yet"));
}
