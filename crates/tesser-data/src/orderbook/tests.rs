use std::io::Cursor;

use tesser_core::OrderBook;

use super::*;

// The snapshot line is Bybit's documented example (v5 docs, orderbook topic).
const SNAPSHOT: &str = r#"{"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1672304484978,"data":{"s":"BTCUSDT","b":[["16493.50","0.006"],["16493.00","0.100"]],"a":[["16611.00","0.029"],["16612.00","0.213"]],"u":18521288,"seq":7961638724},"cts":1672304484976}"#;

fn delta(u: u64, bids: &str, asks: &str) -> String {
    format!(
        r#"{{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":{},"data":{{"s":"BTCUSDT","b":[{bids}],"a":[{asks}],"u":{u},"seq":1}},"cts":1}}"#,
        1672304484978 + u as i64 - 18521288
    )
}

fn reader(lines: &[String]) -> BookJsonlReader<Cursor<Vec<u8>>> {
    let text = lines.join("\n") + "\n";
    BookJsonlReader::from_reader(Cursor::new(text.into_bytes()), Path::new("book.jsonl"), None)
}

#[test]
fn reads_snapshot_and_deltas_into_a_book() {
    let lines = [
        SNAPSHOT.to_owned(),
        String::new(),
        delta(18521289, r#"["16493.50","0"],["16494.00","1.5"]"#, ""),
        delta(18521289, r#"["1.00","9"]"#, ""), // stale: dropped
        delta(18521290, "", r#"["16611.00","0.5"]"#),
    ];
    let mut r = reader(&lines);
    let updates: Vec<BookUpdate> = r.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(updates.len(), 3);
    assert_eq!(r.stale_deltas(), 1);
    assert_eq!(updates[0].kind, BookUpdateKind::Snapshot);
    assert_eq!(updates[0].symbol, Symbol::new("BTCUSDT"));
    assert_eq!(updates[0].ts, Timestamp::from_millis(1672304484978));
    let mut book = OrderBook::new(Symbol::new("BTCUSDT"));
    for u in &updates {
        book.apply(u).unwrap();
    }
    let best_bid = book.best_bid().unwrap();
    assert_eq!(
        (best_bid.price.to_string(), best_bid.qty.to_string()),
        ("16494".into(), "1.5".into())
    );
    assert_eq!(book.bids().count(), 2);
    assert_eq!(book.best_ask().unwrap().qty.to_string(), "0.5");
}

#[test]
fn symbol_override_renames_the_instrument() {
    let text = format!("{SNAPSHOT}\n");
    let mut r = BookJsonlReader::from_reader(
        Cursor::new(text.into_bytes()),
        Path::new("x"),
        Some(Symbol::new("BTCUSD")),
    );
    assert_eq!(r.next().unwrap().unwrap().symbol, Symbol::new("BTCUSD"));
}

#[test]
fn bad_lines_are_errors_naming_the_line() {
    let cases = [
        (
            vec![SNAPSHOT.to_owned(), "{not json".to_owned()],
            "book.jsonl:2: not an orderbook frame",
        ),
        (
            vec![delta(5, "", "")],
            "book.jsonl:1: delta u=5 before any snapshot",
        ),
        (
            vec![SNAPSHOT.to_owned(), delta(18521291, "", "")],
            "book.jsonl:2: update id gap: expected u=18521289, got u=18521291",
        ),
        (
            vec![SNAPSHOT.replace("\"snapshot\"", "\"partial\"")],
            "unknown variant `partial`",
        ),
        (vec![SNAPSHOT.replace("16493.50", "abc")], "`b` level"),
        (
            vec![SNAPSHOT.replace("\"0.006\"", "\"-1\"")],
            "must not be negative",
        ),
        (
            vec![SNAPSHOT.replace("orderbook.50", "publicTrade")],
            "not an orderbook topic",
        ),
    ];
    for (lines, needle) in cases {
        let err = reader(&lines).find_map(Result::err).unwrap().to_string();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn a_new_snapshot_resets_the_sequence() {
    let restart = SNAPSHOT.replace("18521288", "1");
    let lines = [SNAPSHOT.to_owned(), restart, delta(2, "", "")];
    let updates: Vec<_> = reader(&lines).collect::<Result<_, _>>().unwrap();
    assert_eq!(updates.len(), 3);
    assert_eq!(updates[2].update_id, 2);
}

#[test]
fn missing_file_is_an_io_error() {
    let err = BookJsonlReader::open(Path::new("/nonexistent/book.jsonl"), None).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/book.jsonl"), "{err}");
}

#[test]
fn synthetic_book_is_deterministic_and_applies_cleanly() {
    let make = || SyntheticBook::new(Symbol::new("S"), Timestamp::from_millis(1_000), 250, 500, 10, 7);
    let a: Vec<_> = make().collect();
    assert_eq!(a, make().collect::<Vec<_>>());
    assert_ne!(
        a,
        SyntheticBook::new(Symbol::new("S"), Timestamp::from_millis(1_000), 250, 500, 10, 8)
            .collect::<Vec<_>>()
    );
    assert_eq!(a.len(), 500);
    assert_eq!(a[0].kind, BookUpdateKind::Snapshot);
    assert_eq!(a[1].ts, Timestamp::from_millis(1_250));
    let mut book = OrderBook::new(Symbol::new("S"));
    for u in &a {
        book.apply(u).unwrap();
        assert_eq!(book.bids().count(), 10);
        assert_eq!(book.asks().count(), 10);
        assert!(book.best_bid().unwrap().price < book.best_ask().unwrap().price);
    }
}
