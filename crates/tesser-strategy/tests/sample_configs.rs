//! Every sample config in `research/strategies/` builds through the registry
//! and trades on the bundled daily data (copies in `tests/data/`) or, for the
//! order-book strategy, on a seeded synthetic book.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly on bad fixtures")]

use std::path::{Path, PathBuf};

use tesser_core::{
    BookLevel, BookUpdate, BookUpdateKind, Candle, Decimal, Interval, OrderBook, Price, Quantity, Signal,
    Symbol, Target, Timestamp,
};
use tesser_strategy::{load_strategy_file, Context, Strategy};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn config(name: &str) -> Box<dyn Strategy> {
    let path = repo().join("research/strategies").join(name);
    load_strategy_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn candles(file: &str, symbol: &str) -> Vec<Candle> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let p = |i: usize| Price::parse(f[i]).unwrap();
            Candle {
                symbol: Symbol::new(symbol),
                interval: Interval::D1,
                open_time: Timestamp::parse(f[0]).unwrap(),
                open: p(1),
                high: p(2),
                low: p(3),
                close: p(4),
                volume: Quantity::parse(f[5]).unwrap(),
            }
        })
        .collect()
}

fn run(strategy: &mut dyn Strategy, candles: &[Candle]) -> Vec<Signal> {
    let flat = |_: Symbol| Decimal::ZERO;
    let mut out = Vec::new();
    for c in candles {
        strategy.on_candle(&Context::new(c.open_time, &flat), c, &mut out);
    }
    out
}

fn entries(signals: &[Signal]) -> usize {
    signals.iter().filter(|s| s.target != Target::Flat).count()
}

#[test]
fn rsi_reversion_sample_trades_btc() {
    let signals = run(
        config("rsi_reversion.toml").as_mut(),
        &candles("btcusd_bitstamp_1d.csv", "BTCUSD"),
    );
    assert!(entries(&signals) >= 5, "{} entries", entries(&signals));
}

#[test]
fn bollinger_breakout_sample_trades_btc() {
    let signals = run(
        config("bollinger_breakout.toml").as_mut(),
        &candles("btcusd_bitstamp_1d.csv", "BTCUSD"),
    );
    assert!(entries(&signals) >= 5, "{} entries", entries(&signals));
    assert!(signals.iter().any(|s| s.target == Target::Short));
}

#[test]
fn ml_classifier_sample_loads_its_model_and_trades_btc() {
    let signals = run(
        config("ml_classifier.toml").as_mut(),
        &candles("btcusd_bitstamp_1d.csv", "BTCUSD"),
    );
    assert!(entries(&signals) >= 5, "{} entries", entries(&signals));
}

#[test]
fn pairs_sample_trades_both_legs_with_sizes() {
    let mut all = candles("btcusd_bitstamp_1d.csv", "BTCUSD");
    all.extend(candles("ethusd_bitstamp_1d.csv", "ETHUSD"));
    all.sort_by_key(|c| c.open_time); // stable: BTC before ETH within a day
    let signals = run(config("pairs_trading.toml").as_mut(), &all);
    let eth: Vec<_> = signals.iter().filter(|s| s.symbol.as_str() == "ETHUSD").collect();
    let btc: Vec<_> = signals.iter().filter(|s| s.symbol.as_str() == "BTCUSD").collect();
    assert!(entries(&signals) >= 6, "{} entries", entries(&signals));
    assert_eq!(eth.len(), btc.len());
    assert!(signals.iter().all(|s| s.size.is_some()));
}

/// A seeded random-walk book, one snapshot a second: 10 levels a side, sizes
/// tilted by a persistent random bias so the top-5 imbalance crosses the
/// threshold now and then.
fn synthetic_books(n: usize, seed: u64) -> Vec<OrderBook> {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut books = Vec::with_capacity(n);
    let mut mid: i64 = 3_000_000; // cents
    let mut tilt: i64 = 0; // bid-side bias, a slowly mean-reverting walk
    for i in 0..n {
        mid += (next() % 5) as i64 - 2;
        tilt = tilt * 9 / 10 + (next() % 21) as i64 - 10;
        let level = |p: i64, q: i64| BookLevel {
            price: Price::new(Decimal::new(p, 2)).unwrap(),
            qty: Quantity::new(Decimal::new(q.max(1), 3)).unwrap(),
        };
        let mut bids = Vec::new();
        let mut asks = Vec::new();
        for k in 0..10 {
            bids.push(level(mid - 1 - k, 1_000 + tilt * 15 + (next() % 500) as i64));
            asks.push(level(mid + 1 + k, 1_000 - tilt * 15 + (next() % 500) as i64));
        }
        let mut book = OrderBook::new(Symbol::new("BTCUSD"));
        book.apply(&BookUpdate {
            symbol: Symbol::new("BTCUSD"),
            ts: Timestamp::from_millis(1_700_000_000_000 + i as i64 * 1_000),
            kind: BookUpdateKind::Snapshot,
            update_id: i as u64 + 1,
            bids,
            asks,
        })
        .unwrap();
        books.push(book);
    }
    books
}

#[test]
fn orderbook_imbalance_sample_trades_a_synthetic_book() {
    let mut s = config("orderbook_imbalance.toml");
    let flat = |_: Symbol| Decimal::ZERO;
    let mut out = Vec::new();
    for book in synthetic_books(2_000, 42) {
        s.on_book(&Context::new(book.ts(), &flat), &book, &mut out);
    }
    assert!(entries(&out) >= 5, "{} entries", entries(&out));
    assert!(out.iter().any(|s| s.target == Target::Short));
    assert!(out.iter().any(|s| s.target == Target::Flat));
}

#[test]
fn every_sample_config_builds() {
    let dir = repo().join("research/strategies");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            load_strategy_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert!(n >= 6, "{n} configs");
}
