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

/// Simple moving average kept as an exact running sum, so that two averages
/// can be compared without rounding (a tie is a tie). Values are held as
/// integers at the largest decimal scale seen so far, which makes each update
/// a pair of integer additions; a value too large for that falls back to
/// decimal arithmetic for the rest of the run.
#[derive(Debug, Clone)]
pub struct DecimalSma {
    period: usize,
    scale: u32,
    window: VecDeque<i128>,
    sum: i128,
    /// Largest |value| kept in fixed point (FIXED_LIMIT / (period + 1)).
    value_limit: i128,
    /// Decimal fallback, used once scaled integers could overflow.
    fallback: Option<(VecDeque<Decimal>, Decimal)>,
}

/// Largest magnitude kept in fixed point: leaves room for the sum of a long
/// window times the other average's period without overflowing `i128`.
const FIXED_LIMIT: i128 = 1 << 90;

impl DecimalSma {
    /// A new average over `period` values (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        let period = period.max(1);
        Self {
            period,
            scale: 0,
            window: VecDeque::with_capacity(period + 1),
            sum: 0,
            value_limit: FIXED_LIMIT / (period as i128 + 1),
            fallback: None,
        }
    }

    fn to_decimal(&self, v: i128) -> Decimal {
        Decimal::try_from_i128_with_scale(v, self.scale).unwrap_or(Decimal::ZERO)
    }

    fn fall_back(&mut self) {
        let window: VecDeque<Decimal> = self.window.iter().map(|v| self.to_decimal(*v)).collect();
        let sum = window.iter().fold(Decimal::ZERO, |acc, v| {
            acc.checked_add(*v).unwrap_or(Decimal::MAX)
        });
        self.fallback = Some((window, sum));
    }

    /// `value` at the current scale, rescaling the window when `value` has
    /// more decimals; `None` when fixed point no longer fits.
    fn fixed(&mut self, value: Decimal) -> Option<i128> {
        if value.scale() > self.scale {
            let factor = 10i128.checked_pow(value.scale() - self.scale)?;
            let sum = self.sum.checked_mul(factor).filter(|s| s.abs() < FIXED_LIMIT)?;
            let window = self
                .window
                .iter()
                .map(|v| v.checked_mul(factor).filter(|v| v.abs() < FIXED_LIMIT))
                .collect::<Option<VecDeque<i128>>>()?;
            self.window = window;
            self.sum = sum;
            self.scale = value.scale();
        }
        let v = if value.scale() == self.scale {
            value.mantissa()
        } else {
            value
                .mantissa()
                .checked_mul(10i128.checked_pow(self.scale - value.scale())?)?
        };
        (v.abs() < self.value_limit).then_some(v)
    }

    /// Adds a value.
    pub fn update(&mut self, value: Decimal) {
        if self.fallback.is_none() {
            match self.fixed(value) {
                Some(v) => {
                    self.window.push_back(v);
                    self.sum += v;
                    if self.window.len() > self.period {
                        self.sum -= self.window.pop_front().unwrap_or(0);
                    }
                    return;
                }
                None => self.fall_back(),
            }
        }
        if let Some((window, sum)) = self.fallback.as_mut() {
            // Sums beyond Decimal's range (~7.9e28) saturate instead of panicking.
            window.push_back(value);
            *sum = sum.checked_add(value).unwrap_or(Decimal::MAX);
            if window.len() > self.period {
                if let Some(old) = window.pop_front() {
                    *sum = sum.checked_sub(old).unwrap_or(Decimal::MIN);
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.fallback.as_ref().map_or(self.window.len(), |(w, _)| w.len())
    }

    /// True once `period` values were seen.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.len() == self.period
    }

    /// The exact window sum and the period, when defined.
    #[must_use]
    pub fn sum_and_period(&self) -> Option<(Decimal, usize)> {
        let sum = match &self.fallback {
            Some((_, sum)) => *sum,
            None => self.to_decimal(self.sum),
        };
        self.is_ready().then_some((sum, self.period))
    }

    /// Whether this average is strictly above `other`'s, compared exactly;
    /// `None` until both are defined.
    #[must_use]
    pub fn is_above(&self, other: &DecimalSma) -> Option<bool> {
        if !self.is_ready() || !other.is_ready() {
            return None;
        }
        if self.fallback.is_none() && other.fallback.is_none() {
            // a/pa > b/pb  <=>  a*pb > b*pa, both at the larger scale.
            let (mut a, mut b) = (self.sum, other.sum);
            let exact = (|| {
                if self.scale == other.scale {
                    // The usual case: same scale, no rescaling.
                } else if self.scale < other.scale {
                    a = a.checked_mul(10i128.checked_pow(other.scale - self.scale)?)?;
                } else {
                    b = b.checked_mul(10i128.checked_pow(self.scale - other.scale)?)?;
                }
                Some(a.checked_mul(other.period as i128)? > b.checked_mul(self.period as i128)?)
            })();
            if exact.is_some() {
                return exact;
            }
        }
        let (a, pa) = self.sum_and_period()?;
        let (b, pb) = other.sum_and_period()?;
        match (a.checked_mul(Decimal::from(pb)), b.checked_mul(Decimal::from(pa))) {
            (Some(x), Some(y)) => Some(x > y),
            // Beyond Decimal's range: compare the averages themselves (rounded).
            _ => Some(a / Decimal::from(pa) > b / Decimal::from(pb)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn exact_sma_handles_mixed_scales_ties_and_huge_values() {
        let mut a = DecimalSma::new(2);
        let mut b = DecimalSma::new(3);
        for v in ["1", "2.5", "0.25"] {
            a.update(d(v));
            b.update(d(v));
        }
        // a = (2.5 + 0.25) / 2 = 1.375; b = 3.75 / 3 = 1.25.
        assert_eq!(a.sum_and_period(), Some((d("2.75"), 2)));
        assert_eq!(a.is_above(&b), Some(true));
        assert_eq!(b.is_above(&a), Some(false));
        let mut c = DecimalSma::new(1);
        c.update(d("1.25"));
        assert_eq!(c.is_above(&b), Some(false), "a tie is not above");
        // Values too large for fixed point switch to decimals, still exact.
        let mut big = DecimalSma::new(2);
        big.update(d("1.5"));
        big.update(d("10000000000000000000000000.001"));
        big.update(d("2"));
        let (sum, _) = big.sum_and_period().unwrap();
        assert_eq!(sum, d("10000000000000000000000002.001"));
        assert!(big.fallback.is_some());
        let mut huge = DecimalSma::new(2);
        huge.update(d("79228162514264337593543950335"));
        huge.update(d("79228162514264337593543950335"));
        assert!(huge.sum_and_period().is_some(), "saturates, no panic");
        let mut empty = DecimalSma::new(2);
        empty.update(d("1"));
        assert_eq!(empty.is_above(&c), None);
    }

    #[test]
    fn sma_defined_after_period() {
        let mut sma = Sma::new(3);
        assert_eq!(sma.update(1.0), None);
        assert_eq!(sma.update(2.0), None);
        assert_eq!(sma.update(3.0), Some(2.0));
        assert_eq!(sma.update(4.0), Some(3.0));
    }
}
