//! A seeded, deterministic synthetic random walk of candles, for demos and
//! benchmarks when no data file is given. The same seed gives the same bars on
//! every platform (integer arithmetic in cents, SplitMix64).

use tesser_core::{Candle, Decimal, Interval, Price, Quantity, Symbol, Timestamp};

use crate::DataError;

/// SplitMix64: tiny, fast, and stable forever (unlike a library's default
/// RNG). Shared by every seeded generator of this crate.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform integer in `[-span, span]`.
    pub(crate) fn symmetric(&mut self, span: i64) -> i64 {
        let width = (2 * span + 1) as u64;
        (self.next_u64() % width) as i64 - span
    }
}

/// An endless-until-`count` stream of random-walk candles.
#[derive(Debug, Clone)]
pub struct SyntheticCandles {
    rng: SplitMix64,
    symbol: Symbol,
    interval: Interval,
    next_time: i64,
    cents: i64,
    remaining: usize,
}

impl SyntheticCandles {
    /// `count` bars of `symbol` starting at `start`, price starting at 100.00.
    #[must_use]
    pub fn new(symbol: Symbol, interval: Interval, start: Timestamp, count: usize, seed: u64) -> Self {
        Self {
            rng: SplitMix64(seed),
            symbol,
            interval,
            next_time: start.as_millis(),
            cents: 10_000,
            remaining: count,
        }
    }
}

impl Iterator for SyntheticCandles {
    type Item = Result<Candle, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let open = self.cents;
        // Each bar moves up to ±1% of the price (in basis points), with wicks
        // of up to 0.3% beyond the body; prices never fall below one cent.
        let step = (open * self.rng.symmetric(100) / 10_000).max(1 - open);
        let close = (open + step).max(1);
        let wick_hi = open.max(close) * self.rng.symmetric(30).abs() / 10_000;
        let wick_lo = open.min(close) * self.rng.symmetric(30).abs() / 10_000;
        let high = open.max(close) + wick_hi;
        let low = (open.min(close) - wick_lo).max(1);
        let volume = 1 + self.rng.next_u64() % 100_000;
        let cents = |c: i64| Price::new(Decimal::new(c, 2));
        let candle = (|| {
            Some(Candle {
                symbol: self.symbol,
                interval: self.interval,
                open_time: Timestamp::from_millis(self.next_time),
                open: cents(open).ok()?,
                high: cents(high).ok()?,
                low: cents(low).ok()?,
                close: cents(close).ok()?,
                volume: Quantity::new(Decimal::new(volume as i64, 3)).ok()?,
            })
        })();
        self.cents = close;
        self.next_time += self.interval.millis();
        candle.map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_consistent() {
        let gen = || {
            SyntheticCandles::new(
                Symbol::new("S"),
                Interval::M1,
                Timestamp::from_millis(0),
                5000,
                42,
            )
        };
        let a: Vec<_> = gen().map(Result::unwrap).collect();
        let b: Vec<_> = gen().map(Result::unwrap).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 5000);
        assert!(a.iter().all(Candle::is_consistent));
        assert!(a
            .windows(2)
            .all(|w| w[1].open == w[0].close
                && w[1].open_time.as_millis() - w[0].open_time.as_millis() == 60_000));
        let other: Vec<_> =
            SyntheticCandles::new(Symbol::new("S"), Interval::M1, Timestamp::from_millis(0), 50, 7)
                .map(Result::unwrap)
                .collect();
        assert_ne!(other[..50], a[..50]);
    }
}
