use super::*;
use crate::{LastCandle, Mark, OpenOrder};
use tesser_core::{Decimal, OrderKind, OrderRequest, TimeInForce};
use tesser_portfolio::Position;

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn fill(order: u64, qty: &str, price: &str, at: &str) -> Fill {
    Fill {
        order_id: ClientOrderId(order),
        symbol: Symbol::new("BTCUSDT"),
        side: if order.is_multiple_of(2) {
            Side::Sell
        } else {
            Side::Buy
        },
        qty: Quantity::parse(qty).unwrap(),
        price: Price::parse(price).unwrap(),
        fee: Cash::parse("-0.000000012345678901234567891").unwrap(),
        ts: ts(at),
        exec_id: None,
    }
}

/// A snapshot with many-digit decimals in every kind of field.
fn snapshot() -> LiveSnapshot {
    let btc = Symbol::new("BTCUSDT");
    let eth = Symbol::new("ETHUSDT");
    LiveSnapshot {
        saved_at: ts("2024-03-01T12:34:56.789Z"),
        strategy: "SmaCross".to_owned(),
        symbols: vec![btc, eth],
        initial_equity: Cash::parse("10000").unwrap(),
        cash: Cash::parse("9876.543210987654321098765432").unwrap(),
        fees: Cash::parse("1.2345678901234567890123456789").unwrap(),
        realized: Cash::parse("-12.000000000000000000000001").unwrap(),
        funding: Cash::parse("0.0000000000000000000000000001").unwrap(),
        positions: vec![Position {
            net: Decimal::from_str_exact("-0.123456789012345678901234567").unwrap(),
            avg_entry: Price::parse("61234.5678901234567890123456").unwrap(),
            opened: ts("2024-03-01T00:00:00Z"),
            open_fees: Cash::parse("0.0612345").unwrap(),
            ..Position::flat(btc)
        }],
        marks: vec![
            Mark {
                symbol: btc,
                price: Price::parse("61300.1").unwrap(),
            },
            Mark {
                symbol: eth,
                price: Price::parse("3400.00").unwrap(),
            },
        ],
        open_orders: vec![OpenOrder {
            request: OrderRequest {
                id: ClientOrderId(42),
                symbol: eth,
                side: Side::Buy,
                qty: Quantity::parse("1.5").unwrap(),
                kind: OrderKind::Limit {
                    price: Price::parse("3300.25").unwrap(),
                    post_only: true,
                },
                tif: TimeInForce::Gtc,
                reduce_only: false,
                created: ts("2024-03-01T12:00:00Z"),
            },
            remaining: Quantity::parse("0.75").unwrap(),
        }],
        last_order_id: 42,
        last_candles: vec![LastCandle {
            symbol: btc,
            open_time: ts("2024-03-01T12:33:00Z"),
        }],
        peak_equity: Cash::parse("10050.5").unwrap(),
        liquidate_only: true,
        execution: "paper".into(),
        first_order_id: 0,
    }
}

#[test]
fn round_trip_is_exact_and_queryable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/live_state.db");
    let mut store = StateStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap(), None);
    let snap = snapshot();
    store.save(&snap, &[]).unwrap();
    drop(store);

    let store = StateStore::open(&path).unwrap();
    let loaded = store.load().unwrap().unwrap();
    assert_eq!(loaded, snap);
    // Decimal equality ignores scale: compare the text too.
    assert_eq!(loaded.cash.to_string(), "9876.543210987654321098765432");
    assert_eq!(
        loaded.positions[0].net.to_string(),
        "-0.123456789012345678901234567"
    );
    let (saved_at, equity, cash, liquidate_only): (String, String, String, bool) = store
        .conn
        .query_row(
            "SELECT saved_at, equity, cash, liquidate_only FROM snapshot",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(saved_at, "2024-03-01T12:34:56.789Z");
    assert_eq!(equity, snap.equity().to_string());
    assert_eq!(cash, "9876.543210987654321098765432");
    assert!(liquidate_only);
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(
        store.load_raw().unwrap().unwrap(),
        serde_json::to_string(&snap).unwrap()
    );
}

#[test]
fn fills_journal_is_exact_newest_first_and_deduplicated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let mut store = StateStore::open(&path).unwrap();
    let a = fill(1, "0.001", "61234.5678901234", "2024-03-01T00:00:00Z");
    let b = fill(2, "0.5", "61000", "2024-03-01T00:01:00Z");
    let c = fill(3, "0.25", "61000", "2024-03-01T00:01:00Z");
    store.save(&snapshot(), &[a, b]).unwrap();
    // A replay after a crash sends a and b again, with a trailing-zero
    // spelling of the same quantity: still the same fills.
    let mut b_again = b;
    b_again.qty = Quantity::parse("0.500").unwrap();
    store.save(&snapshot(), &[a, b_again, c]).unwrap();
    assert_eq!(store.fill_count().unwrap(), 3);
    assert_eq!(store.recent_fills(10).unwrap(), vec![c, b, a]);
    assert_eq!(store.recent_fills(1).unwrap(), vec![c]);
    assert_eq!(
        store.recent_fills(10).unwrap()[2].fee.to_string(),
        "-0.000000012345678901234567891"
    );
    // Same order and time but another price is another fill.
    let mut d = c;
    d.price = Price::parse("61000.5").unwrap();
    store.save(&snapshot(), &[d]).unwrap();
    assert_eq!(store.fill_count().unwrap(), 4);
}

#[test]
fn a_failed_save_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let mut store = StateStore::open(&path).unwrap();
    let first = snapshot();
    store
        .save(&first, &[fill(1, "1", "1", "2024-01-01T00:00:00Z")])
        .unwrap();
    let mut second = snapshot();
    second.last_order_id = 99;
    let bad = fill(u64::MAX, "1", "1", "2024-01-01T00:00:01Z");
    let err = store
        .save(&second, &[fill(2, "1", "1", "2024-01-01T00:00:01Z"), bad])
        .unwrap_err();
    assert!(matches!(err, StateError::OrderId { .. }), "{err}");
    assert_eq!(store.load().unwrap(), Some(first));
    assert_eq!(store.fill_count().unwrap(), 1);
}

#[test]
fn newer_schema_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    drop(StateStore::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    for err in [
        StateStore::open(&path).unwrap_err(),
        StateStore::open_read_only(&path).unwrap_err(),
    ] {
        assert!(
            matches!(err, StateError::SchemaTooNew { found, .. } if found == SCHEMA_VERSION + 1),
            "{err}"
        );
        let text = err.to_string();
        let newer = format!("version {}", SCHEMA_VERSION + 1);
        assert!(
            text.contains(&path.display().to_string()) && text.contains(&newer),
            "{text}"
        );
    }
}

#[test]
fn garbage_and_foreign_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        "this is not an SQLite database, just some text\n".repeat(100),
    )
    .unwrap();
    for err in [
        StateStore::open(&garbage).unwrap_err(),
        StateStore::open_read_only(&garbage).unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(text.contains(&garbage.display().to_string()), "{text}");
        assert!(text.contains("not a database"), "{text}");
    }

    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let err = StateStore::open(&foreign).unwrap_err();
    assert!(matches!(err, StateError::Foreign { .. }), "{err}");
    let err = StateStore::open_read_only(&foreign).unwrap_err();
    assert!(err.to_string().contains("not a Tesser state database"), "{err}");
}

#[test]
fn corrupt_payload_and_fill_rows_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let mut store = StateStore::open(&path).unwrap();
    store
        .save(&snapshot(), &[fill(1, "1", "1", "2024-01-01T00:00:00Z")])
        .unwrap();
    store
        .conn
        .execute_batch(
            "UPDATE snapshot SET payload = '{\"saved_at\": 5}';
             UPDATE fills SET qty = 'lots';",
        )
        .unwrap();
    let err = store.load().unwrap_err();
    assert!(matches!(err, StateError::Payload { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    let err = store.recent_fills(5).unwrap_err();
    assert!(matches!(err, StateError::CorruptFill { row: 1, .. }), "{err}");
    assert!(err.to_string().contains("lots"), "{err}");
}

#[test]
fn read_only_never_creates_and_sees_committed_saves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/state.db");
    let err = StateStore::open_read_only(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("no state database at {}", path.display())
    );
    assert!(!path.exists() && !path.parent().unwrap().exists());

    let mut writer = StateStore::open(&path).unwrap();
    let reader = StateStore::open_read_only(&path).unwrap();
    assert_eq!(reader.load().unwrap(), None);
    writer.save(&snapshot(), &[]).unwrap();
    assert_eq!(reader.load().unwrap(), Some(snapshot()));
    let err = rusqlite::Connection::execute(&reader.conn, "DELETE FROM snapshot", []).unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    drop(writer);
    // Also after the writer closed and checkpointed the WAL away.
    let reader = StateStore::open_read_only(&path).unwrap();
    assert_eq!(reader.load().unwrap(), Some(snapshot()));
}

#[test]
fn equal_executions_with_distinct_venue_ids_are_two_fills() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = StateStore::open(&dir.path().join("s.db")).unwrap();
    let base = fill(7, "0.01", "42000.5", "2024-01-01T00:00:00Z");
    let (a, b) = (
        Fill {
            exec_id: Some(tesser_core::exec_id_digest("exec-a")),
            ..base
        },
        Fill {
            exec_id: Some(tesser_core::exec_id_digest("exec-b")),
            ..base
        },
    );
    store.save(&snapshot(), &[a, b]).unwrap();
    store.save(&snapshot(), &[b, a]).unwrap(); // re-reported after a reconnect
    assert_eq!(store.fill_count().unwrap(), 2);
    let back = store.recent_fills(10).unwrap();
    assert_eq!(back, vec![b, a], "exec ids read back unchanged, newest first");
}

#[test]
fn a_schema_1_file_is_migrated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute(
            "INSERT INTO fills (order_id, symbol, side, qty, price, fee, ts)
             VALUES (3, 'BTCUSDT', 'buy', '0.5', '100', '0.1', 1000)",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let mut store = StateStore::open(&path).unwrap();
    let old = store.recent_fills(1).unwrap();
    assert_eq!((old[0].order_id, old[0].exec_id), (ClientOrderId(3), None));
    // The same fill again is still a duplicate; one with a venue id is new.
    let again = old[0];
    let with_id = Fill {
        exec_id: Some(42),
        ..again
    };
    store.save(&snapshot(), &[again, with_id]).unwrap();
    assert_eq!(store.fill_count().unwrap(), 2);
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}
