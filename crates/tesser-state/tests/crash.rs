//! `kill -9` at a random moment never leaves a torn state.
//!
//! The parent test re-runs this test binary as a child in "writer" mode (the
//! `crash_writer` test, which does nothing unless `TESSER_STATE_CRASH_DB` is
//! set). The child saves snapshot after snapshot in a tight loop, every
//! counter in snapshot `i` equal to `i` and one new fill per save (plus a
//! replay of the previous one), printing `saved i` after each commit. The
//! parent SIGKILLs it after a varying number of commits, reopens the file
//! and checks that the snapshot is whole, self-consistent, at least as new
//! as the last commit reported, and that the journal holds exactly `i`
//! fills. The next round resumes from what survived.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use tesser_core::{
    Cash, ClientOrderId, Decimal, Fill, OrderKind, OrderRequest, Price, Quantity, Side, Symbol, TimeInForce,
    Timestamp,
};
use tesser_portfolio::Position;
use tesser_state::{LastCandle, LiveSnapshot, Mark, OpenOrder, StateStore};

const DB_VAR: &str = "TESSER_STATE_CRASH_DB";

/// Writer processes started and killed.
const ROUNDS: usize = 60;

fn symbol() -> Symbol {
    Symbol::new("BTCUSDT")
}

fn fill(i: u64) -> Fill {
    Fill {
        order_id: ClientOrderId(i),
        symbol: symbol(),
        side: Side::Buy,
        qty: Quantity::new(Decimal::from(i)).unwrap(),
        price: Price::new(Decimal::from(i)).unwrap(),
        fee: Cash::new(Decimal::from(i)),
        ts: Timestamp::from_millis(i as i64),
        exec_id: None,
    }
}

/// Snapshot `i`: every counter is `i`; 50–199 open orders so the payload
/// (10–40 KB) spans many pages and a commit is not one atomic write.
fn snapshot(i: u64) -> LiveSnapshot {
    let n = Decimal::from(i);
    let cash = Cash::new(n);
    let price = Price::new(n).unwrap();
    let qty = Quantity::new(n).unwrap();
    let order = |k: u64| OpenOrder {
        request: OrderRequest {
            id: ClientOrderId(i),
            symbol: Symbol::new(&format!("SYM{k}")),
            side: Side::Sell,
            qty,
            kind: OrderKind::Limit {
                price,
                post_only: false,
            },
            tif: TimeInForce::Gtc,
            reduce_only: false,
            created: Timestamp::from_millis(i as i64),
        },
        remaining: qty,
    };
    LiveSnapshot {
        saved_at: Timestamp::from_millis(i as i64),
        strategy: format!("crash-{i}"),
        symbols: vec![symbol()],
        initial_equity: cash,
        cash,
        fees: cash,
        realized: -cash,
        funding: cash,
        positions: vec![Position {
            net: n,
            avg_entry: price,
            ..Position::flat(symbol())
        }],
        marks: vec![Mark {
            symbol: symbol(),
            price,
        }],
        open_orders: (0..50 + i % 150).map(order).collect(),
        last_order_id: i,
        last_candles: vec![LastCandle {
            symbol: symbol(),
            open_time: Timestamp::from_millis(i as i64),
        }],
        peak_equity: cash,
        liquidate_only: i % 2 == 1,
        execution: "paper".into(),
        first_order_id: 0,
    }
}

/// Checks snapshot consistency; returns its counter.
fn check(path: &Path, store: &StateStore) -> u64 {
    let snap = store.load().unwrap().expect("a snapshot");
    let i = snap.last_order_id;
    assert_eq!(snap, snapshot(i), "{}: snapshot {i} is torn", path.display());
    assert_eq!(store.fill_count().unwrap(), i, "fills journal vs snapshot {i}");
    assert_eq!(store.recent_fills(2).unwrap(), vec![fill(i), fill(i - 1)]);
    i
}

/// The child: saves forever from where the file stands. Without the
/// variable (a normal test run) it returns at once.
#[test]
fn crash_writer() {
    let Some(path) = std::env::var_os(DB_VAR) else {
        return;
    };
    let mut store = StateStore::open(Path::new(&path)).unwrap();
    let start = store.load().unwrap().map_or(0, |s| s.last_order_id);
    for i in start + 1.. {
        // Re-sending the previous fill mimics a replay after a restart.
        let fills = if i > 1 {
            vec![fill(i - 1), fill(i)]
        } else {
            vec![fill(i)]
        };
        store.save(&snapshot(i), &fills).unwrap();
        println!("saved {i}");
    }
}

#[cfg(unix)]
#[test]
fn sigkill_mid_save_never_tears_the_state() {
    use std::os::unix::process::ExitStatusExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live_state.db");
    let mut previous = 0;
    // Kill points vary from round to round (a fixed LCG: reproducible
    // counts; the moment within the next save still varies run to run).
    let mut lcg = 12_345u64;
    for round in 0..ROUNDS {
        lcg = lcg
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let kill_after = 1 + (lcg >> 33) as usize % 15;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash_writer", "--exact", "--nocapture", "--test-threads=1"])
            .env(DB_VAR, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut committed = 0;
        let mut seen = 0;
        for line in BufReader::new(stdout).lines() {
            if let Some(n) = line.unwrap().strip_prefix("saved ") {
                committed = n.parse::<u64>().unwrap();
                seen += 1;
                if seen == kill_after {
                    break;
                }
            }
        }
        assert_eq!(seen, kill_after, "round {round}: the writer stopped early");
        child.kill().unwrap(); // SIGKILL, most likely mid-save
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "round {round}: {status}");
        assert!(committed > previous, "round {round}: did not resume");

        // Inspection first (read-only, with the WAL left behind), then the
        // writer's own reopen, which recovers the WAL.
        let seen_read_only = check(&path, &StateStore::open_read_only(&path).unwrap());
        let reopened = check(&path, &StateStore::open(&path).unwrap());
        assert_eq!(seen_read_only, reopened);
        assert!(
            reopened >= committed,
            "round {round}: commit {committed} was lost"
        );
        previous = reopened;
    }
}
