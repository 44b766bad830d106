//! Exponential moving average, seeded like TA-Lib.

/// Exponential moving average with smoothing `k = 2 / (period + 1)`.
///
/// Seeding follows TA-Lib's default: the first value, at the `period`-th
/// input (row `period - 1`), is the simple mean of the first `period` inputs;
/// afterwards `ema = (x - ema) * k + ema` (TA-Lib's operation order, so values
/// match it to the last bits).
#[derive(Debug, Clone)]
pub struct Ema {
    period: usize,
    k: f64,
    seen: usize,
    seed_sum: f64,
    value: Option<f64>,
}

impl Ema {
    /// A new average over `period` values (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        let period = period.max(1);
        Self {
            period,
            k: 2.0 / (period as f64 + 1.0),
            seen: 0,
            seed_sum: 0.0,
            value: None,
        }
    }

    /// An average whose first value is `seed` (already the mean of the
    /// seeding values); later inputs are smoothed with this period's `k`.
    #[must_use]
    pub fn seeded(period: usize, seed: f64) -> Self {
        let mut ema = Self::new(period);
        ema.seen = ema.period;
        ema.value = Some(seed);
        ema
    }

    /// The period.
    #[must_use]
    pub fn period(&self) -> usize {
        self.period
    }

    /// Adds a value and returns the average once defined.
    pub fn update(&mut self, x: f64) -> Option<f64> {
        match self.value {
            Some(prev) => self.value = Some((x - prev) * self.k + prev),
            None => {
                self.seen += 1;
                self.seed_sum += x;
                if self.seen == self.period {
                    self.value = Some(self.seed_sum / self.period as f64);
                }
            }
        }
        self.value
    }

    /// The current average, if defined.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_with_simple_mean() {
        let mut ema = Ema::new(3);
        assert_eq!(ema.update(1.0), None);
        assert_eq!(ema.update(2.0), None);
        assert_eq!(ema.update(3.0), Some(2.0));
        assert_eq!(ema.update(6.0), Some(4.0)); // k = 0.5
    }
}
