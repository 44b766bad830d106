//! Wilder's relative strength index.

/// Wilder's RSI over `period` price changes, as in TA-Lib.
///
/// The first value comes at the `period + 1`-th input (row 14 for period 14):
/// average gain and loss are seeded with the simple mean of the first
/// `period` changes, then smoothed as `avg = (avg * (period - 1) + x) / period`.
/// `rsi = 100 * avg_gain / (avg_gain + avg_loss)`.
///
/// Flat markets: when both averages are exactly zero (no change at all over
/// the seeding window and since), TA-Lib returns 0, which reads as "extremely
/// oversold" and would make a mean-reversion strategy buy a dead market. This
/// indicator returns the neutral **50** instead. Otherwise the ratio is used
/// as is (TA-Lib's own zero test is `|sum| < 1e-8`; on prices that difference
/// never matters).
#[derive(Debug, Clone)]
pub struct Rsi {
    period: usize,
    prev: Option<f64>,
    count: usize,
    gain: f64,
    loss: f64,
    value: Option<f64>,
}

impl Rsi {
    /// A new RSI over `period` changes (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            period: period.max(1),
            prev: None,
            count: 0,
            gain: 0.0,
            loss: 0.0,
            value: None,
        }
    }

    /// Adds a price and returns the RSI once defined.
    pub fn update(&mut self, x: f64) -> Option<f64> {
        let prev = self.prev.replace(x)?;
        let diff = x - prev;
        let p = self.period as f64;
        if self.count < self.period {
            if diff < 0.0 {
                self.loss -= diff;
            } else {
                self.gain += diff;
            }
            self.count += 1;
            if self.count < self.period {
                return None;
            }
            self.gain /= p;
            self.loss /= p;
        } else {
            self.gain *= p - 1.0;
            self.loss *= p - 1.0;
            if diff < 0.0 {
                self.loss -= diff;
            } else {
                self.gain += diff;
            }
            self.gain /= p;
            self.loss /= p;
        }
        let total = self.gain + self.loss;
        let rsi = if total == 0.0 {
            50.0
        } else {
            100.0 * (self.gain / total)
        };
        self.value = Some(rsi);
        self.value
    }

    /// The current RSI, if defined.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_market_is_neutral_not_zero() {
        let mut rsi = Rsi::new(3);
        let out: Vec<_> = (0..10).map(|_| rsi.update(5.0)).collect();
        assert_eq!(out[2], None);
        assert!(out[3..].iter().all(|v| *v == Some(50.0)));
    }

    #[test]
    fn all_gains_is_100_and_decays_toward_flat_without_nan() {
        let mut rsi = Rsi::new(2);
        rsi.update(1.0);
        rsi.update(2.0);
        assert_eq!(rsi.update(3.0), Some(100.0));
        for _ in 0..5000 {
            let v = rsi.update(3.0).unwrap();
            assert!(v.is_finite());
        }
    }
}
