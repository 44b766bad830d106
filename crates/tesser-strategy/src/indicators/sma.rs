//! Simple moving averages.

use std::collections::VecDeque;

use tesser_core::Decimal;

use super::window::Window;

/// Simple moving average over `period` values, in `f64`.
///
/// The running sum is re-centred and recomputed exactly once per `period`
/// updates (see the window module), so it does not drift over long runs.
#[derive(Debug, Clone)]
pub struct Sma {
    window: Window,
}

impl Sma {
    /// A new average over `period` values (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            window: Window::new(period),
        }
    }

    /// Adds a value and returns the average once `period` values were seen.
    pub fn update(&mut self, value: f64) -> Option<f64> {
        self.window.push(value);
        self.value()
    }

    /// The current average, if defined.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.window.is_full().then(|| self.window.mean())
    }
}

/// Simple moving average kept as an exact decimal running sum, so that two
/// averages can be compared without rounding (a tie is a tie).
#[derive(Debug, Clone)]
pub struct DecimalSma {
    period: usize,
    window: VecDeque<Decimal>,
    sum: Decimal,
}

impl DecimalSma {
    /// A new average over `period` values (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        let period = period.max(1);
        Self {
            period,
            window: VecDeque::with_capacity(period + 1),
            sum: Decimal::ZERO,
        }
    }

    /// Adds a value.
    pub fn update(&mut self, value: Decimal) {
        self.window.push_back(value);
        self.sum += value;
        if self.window.len() > self.period {
            if let Some(old) = self.window.pop_front() {
                self.sum -= old;
            }
        }
    }

    /// True once `period` values were seen.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.window.len() == self.period
    }

    /// The exact window sum and the period, when defined.
    #[must_use]
    pub fn sum_and_period(&self) -> Option<(Decimal, usize)> {
        self.is_ready().then_some((self.sum, self.period))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sma_defined_after_period() {
        let mut sma = Sma::new(3);
        assert_eq!(sma.update(1.0), None);
        assert_eq!(sma.update(2.0), None);
        assert_eq!(sma.update(3.0), Some(2.0));
        assert_eq!(sma.update(4.0), Some(3.0));
    }
}
