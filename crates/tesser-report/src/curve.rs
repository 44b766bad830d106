//! A downsampled equity curve in constant memory.
//!
//! Bars go into buckets of `width` consecutive bars. When a new bucket is
//! needed and `capacity` buckets are full, neighbouring buckets are merged in
//! pairs and `width` doubles, so at most `capacity` buckets are ever held
//! whatever the length of the run. Each bucket keeps the first, lowest,
//! highest and last equity and the deepest drawdown of its bars, so a chart
//! drawn from the buckets never hides a spike or the worst drawdown.

use serde::Serialize;
use tesser_core::{Cash, Timestamp};

/// Consecutive bars summarised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bucket {
    /// Time of the first bar.
    pub start: Timestamp,
    /// Time of the last bar.
    pub end: Timestamp,
    /// Equity of the first bar.
    pub open: f64,
    /// Lowest equity.
    pub min: f64,
    /// Highest equity.
    pub max: f64,
    /// Equity of the last bar.
    pub close: f64,
    /// Deepest drawdown (`1 - equity / running peak`) within the bucket.
    pub max_drawdown: f64,
    /// Bars in the bucket.
    pub bars: u64,
}

impl Bucket {
    fn merge(self, next: Bucket) -> Bucket {
        Bucket {
            start: self.start,
            end: next.end,
            open: self.open,
            min: self.min.min(next.min),
            max: self.max.max(next.max),
            close: next.close,
            max_drawdown: self.max_drawdown.max(next.max_drawdown),
            bars: self.bars + next.bars,
        }
    }
}

/// The streaming downsampler.
#[derive(Debug, Clone)]
pub struct EquityCurve {
    capacity: usize,
    width: u64,
    peak: f64,
    buckets: Vec<Bucket>,
}

/// Default bucket capacity: two points (low and high) per bucket keep a chart
/// at or under 2000 points.
pub const DEFAULT_BUCKETS: usize = 1000;

impl Default for EquityCurve {
    fn default() -> Self {
        Self::new(DEFAULT_BUCKETS)
    }
}

impl EquityCurve {
    /// A curve holding at most `capacity` buckets (rounded up to an even number, at least 2).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(2).next_multiple_of(2);
        Self {
            capacity,
            width: 1,
            peak: f64::NEG_INFINITY,
            buckets: Vec::with_capacity(capacity),
        }
    }

    /// Adds the equity of the next bar.
    pub fn push(&mut self, ts: Timestamp, equity: Cash) {
        let e = equity.to_f64();
        self.peak = self.peak.max(e);
        let dd = if self.peak > 0.0 { 1.0 - e / self.peak } else { 0.0 };
        let point = Bucket {
            start: ts,
            end: ts,
            open: e,
            min: e,
            max: e,
            close: e,
            max_drawdown: dd,
            bars: 1,
        };
        match self.buckets.last_mut() {
            Some(last) if last.bars < self.width => *last = last.merge(point),
            _ => {
                if self.buckets.len() == self.capacity {
                    self.compact();
                }
                self.buckets.push(point);
            }
        }
    }

    fn compact(&mut self) {
        let merged: Vec<Bucket> = self
            .buckets
            .chunks(2)
            .filter_map(|pair| pair.iter().copied().reduce(Bucket::merge))
            .collect();
        self.buckets = merged;
        self.width *= 2;
    }

    /// The buckets, oldest first.
    #[must_use]
    pub fn buckets(&self) -> &[Bucket] {
        &self.buckets
    }

    /// Bars per full bucket.
    #[must_use]
    pub fn width(&self) -> u64 {
        self.width
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::Decimal;

    fn push_all(curve: &mut EquityCurve, values: &[i64]) {
        for (i, v) in values.iter().enumerate() {
            curve.push(Timestamp::from_millis(i as i64), Cash::new(Decimal::from(*v)));
        }
    }

    #[test]
    fn keeps_every_bar_below_capacity() {
        let mut c = EquityCurve::new(4);
        push_all(&mut c, &[100, 120, 90, 130]);
        assert_eq!(c.buckets().len(), 4);
        assert_eq!(c.width(), 1);
        assert!((c.buckets()[2].max_drawdown - 0.25).abs() < 1e-15);
    }

    #[test]
    fn merges_pairs_and_keeps_extremes() {
        let mut c = EquityCurve::new(4);
        // 100 120 | 90 130 | 60 140 -> after 5th bar: width 2.
        push_all(&mut c, &[100, 120, 90, 130, 60, 140]);
        let b = c.buckets();
        assert_eq!(c.width(), 2);
        assert_eq!(b.len(), 3);
        assert_eq!(
            (b[0].open, b[0].min, b[0].max, b[0].close),
            (100.0, 100.0, 120.0, 120.0)
        );
        assert_eq!((b[1].min, b[1].max, b[1].bars), (90.0, 130.0, 2));
        // 60 after a 130 peak: drawdown 1 - 60/130.
        assert!((b[2].max_drawdown - (1.0 - 60.0 / 130.0)).abs() < 1e-15);
        assert_eq!(b[2].end, Timestamp::from_millis(5));
    }

    #[test]
    fn memory_is_bounded() {
        let mut c = EquityCurve::new(1000);
        for i in 0..1_000_003_i64 {
            c.push(Timestamp::from_millis(i), Cash::new(Decimal::from(1000 + i % 97)));
        }
        assert!(c.buckets().len() <= 1000);
        assert_eq!(c.buckets().iter().map(|b| b.bars).sum::<u64>(), 1_000_003);
        assert_eq!(c.buckets()[0].start, Timestamp::from_millis(0));
    }
}
