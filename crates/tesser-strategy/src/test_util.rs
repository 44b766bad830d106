//! Helpers for strategy unit tests: hand-built candles and a driver that
//! records signals with the bar index they were emitted on.

use std::path::Path;

use tesser_core::{Candle, Decimal, Interval, Price, Quantity, Signal, Symbol, Timestamp};

use crate::{Context, Strategy};

pub(crate) const DAY: i64 = 86_400_000;

/// A daily candle of `symbol` at bar `i` with all prices equal to `close`.
pub(crate) fn flat_candle(symbol: &str, i: usize, close: f64) -> Candle {
    ohlc(symbol, i, close, close, close)
}

/// A daily candle of `symbol` at bar `i` (open = close).
pub(crate) fn ohlc(symbol: &str, i: usize, high: f64, low: f64, close: f64) -> Candle {
    let p = |v: f64| Price::new(Decimal::try_from(v).unwrap()).unwrap();
    Candle {
        symbol: Symbol::new(symbol),
        interval: Interval::D1,
        open_time: Timestamp::from_millis(i as i64 * DAY),
        open: p(close),
        high: p(high),
        low: p(low),
        close: p(close),
        volume: Quantity::ZERO,
    }
}

/// Feeds candles in order; returns `(index of the candle, signal)`.
pub(crate) fn run_candles(strategy: &mut dyn Strategy, candles: &[Candle]) -> Vec<(usize, Signal)> {
    let flat = |_: Symbol| Decimal::ZERO;
    let mut got = Vec::new();
    for (i, c) in candles.iter().enumerate() {
        let mut out = Vec::new();
        strategy.on_candle(&Context::new(c.open_time, &flat), c, &mut out);
        got.extend(out.into_iter().map(|s| (i, s)));
    }
    got
}

/// Feeds flat daily candles of symbol `T` with these closes; returns
/// `(bar index, target)` of every signal.
pub(crate) fn close_targets(
    strategy: &mut dyn Strategy,
    closes: &[f64],
) -> Vec<(usize, tesser_core::Target)> {
    let candles: Vec<_> = closes
        .iter()
        .enumerate()
        .map(|(i, c)| flat_candle("T", i, *c))
        .collect();
    run_candles(strategy, &candles)
        .into_iter()
        .map(|(i, sig)| (i, sig.target))
        .collect()
}

/// Builds a strategy through the registry from TOML `[params]` text.
pub(crate) fn build(name: &str, params: &str) -> Result<Box<dyn Strategy>, String> {
    let table: toml::Table = toml::from_str(params).map_err(|e| e.to_string())?;
    crate::build_strategy(name, &table, Path::new(".")).map_err(|e| e.to_string())
}

/// Asserts that building fails with a message mentioning `needle`.
pub(crate) fn assert_build_error(name: &str, params: &str, needle: &str) {
    match build(name, params) {
        Ok(_) => panic!("{name} built from {params:?}, expected an error about {needle}"),
        Err(e) => assert!(e.contains(needle), "error {e:?} does not mention {needle:?}"),
    }
}
