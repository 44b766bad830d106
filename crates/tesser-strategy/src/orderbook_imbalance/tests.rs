use super::*;
use crate::test_util::{assert_build_error, build};
use tesser_core::{BookLevel, BookUpdate, BookUpdateKind, Price};

fn cfg(short: bool) -> OrderBookImbalanceConfig {
    OrderBookImbalanceConfig {
        symbol: "B".into(),
        depth: 2,
        threshold: 0.5,
        holding_ms: 1_000,
        allow_short: short,
    }
}

/// A book at `ms` with bid sizes `bids` (best first, from 100 down) and ask
/// sizes `asks` (from 101 up).
fn book(ms: i64, bids: &[u32], asks: &[u32]) -> OrderBook {
    let level = |p: i64, q: u32| BookLevel {
        price: Price::new(Decimal::from(p)).unwrap(),
        qty: Quantity::new(Decimal::from(q)).unwrap(),
    };
    let mut b = OrderBook::new(Symbol::new("B"));
    b.apply(&BookUpdate {
        symbol: Symbol::new("B"),
        ts: Timestamp::from_millis(ms),
        kind: BookUpdateKind::Snapshot,
        update_id: 1,
        bids: bids
            .iter()
            .enumerate()
            .map(|(i, q)| level(100 - i as i64, *q))
            .collect(),
        asks: asks
            .iter()
            .enumerate()
            .map(|(i, q)| level(101 + i as i64, *q))
            .collect(),
    })
    .unwrap();
    b
}

fn run(cfg: OrderBookImbalanceConfig, books: &[OrderBook]) -> Vec<(i64, Target)> {
    let mut s = OrderBookImbalance::new(cfg).unwrap();
    let flat = |_: Symbol| Decimal::ZERO;
    let mut got = Vec::new();
    for b in books {
        let mut out = Vec::new();
        s.on_book(&Context::new(b.ts(), &flat), b, &mut out);
        got.extend(out.into_iter().map(|sig| (sig.ts.as_millis(), sig.target)));
    }
    got
}

#[test]
fn bid_pressure_goes_long_and_exits_after_the_horizon() {
    let books = [
        book(0, &[5, 5], &[5, 5]),       // I = 0
        book(100, &[10, 9, 1], &[2, 1]), // top 2: 19 vs 3 -> I = 0.727: long
        book(600, &[10, 9], &[2, 1]),    // still long, inside the horizon
        book(1_100, &[10, 9], &[2, 1]),  // 1000 ms held: exit
        book(1_200, &[10, 9], &[2, 1]),  // same imbalance: not re-entered
        book(1_300, &[5, 5], &[5, 5]),   // neutral re-arms
        book(1_400, &[10, 9], &[2, 1]),  // fresh imbalance: long again
    ];
    assert_eq!(
        run(cfg(false), &books),
        vec![(100, Target::Long), (1_100, Target::Flat), (1_400, Target::Long)]
    );
}

#[test]
fn threshold_is_strict_and_depth_limits_the_sum() {
    // Top 2: 9 vs 3 -> I = 0.5 exactly: not above the threshold.
    // The third bid level (100 lots) is beyond depth 2 and is ignored.
    let books = [book(0, &[6, 3, 100], &[2, 1])];
    assert_eq!(run(cfg(false), &books), vec![]);
}

#[test]
fn reversal_exits_long_only_or_flips_with_shorts() {
    let books = [
        book(0, &[10, 10], &[1, 1]),   // long
        book(200, &[1, 1], &[10, 10]), // reversal
    ];
    assert_eq!(
        run(cfg(false), &books),
        vec![(0, Target::Long), (200, Target::Flat)]
    );
    assert_eq!(
        run(cfg(true), &books),
        vec![(0, Target::Long), (200, Target::Short)]
    );
}

#[test]
fn ask_pressure_shorts_only_when_allowed() {
    let books = [book(0, &[1, 1], &[10, 10]), book(1_000, &[1, 1], &[10, 10])];
    assert_eq!(run(cfg(false), &books), vec![]);
    assert_eq!(
        run(cfg(true), &books),
        vec![(0, Target::Short), (1_000, Target::Flat)]
    );
}

#[test]
fn empty_side_and_other_symbols_are_ignored() {
    assert_eq!(run(cfg(true), &[book(0, &[10], &[])]), vec![]);
    let mut other = OrderBookImbalance::new(OrderBookImbalanceConfig {
        symbol: "Z".into(),
        ..cfg(true)
    })
    .unwrap();
    let flat = |_: Symbol| Decimal::ZERO;
    let b = book(0, &[10, 10], &[1, 1]);
    let mut out = Vec::new();
    other.on_book(&Context::new(b.ts(), &flat), &b, &mut out);
    assert!(out.is_empty());
}

#[test]
fn bad_configs_name_the_field() {
    let name = "OrderBookImbalance";
    let base = "symbol = 'B'\nholding_ms = 500";
    assert!(build(name, &format!("{base}\nthreshold = 0.3")).is_ok());
    assert_build_error(name, &format!("{base}\nthreshold = 1.0"), "threshold");
    assert_build_error(name, &format!("{base}\nthreshold = 0.0"), "threshold");
    assert_build_error(name, &format!("{base}\nthreshold = 0.3\ndepth = 0"), "depth");
    assert_build_error(
        name,
        "symbol = 'B'\nthreshold = 0.3\nholding_ms = 0",
        "holding_ms",
    );
    assert_build_error(name, "symbol = 'B'\nthreshold = 0.3", "holding_ms");
    assert_build_error(name, &format!("{base}\nthreshold = 'high'"), "threshold");
    assert_build_error(name, &format!("{base}\nthreshold = 0.3\nlevels = 3"), "levels");
}
