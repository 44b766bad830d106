//! A fast and a slow simple moving average of one series, compared exactly.

use tesser_core::Decimal;

use super::DecimalSma;

/// Largest magnitude of one value kept in fixed point is this divided by
/// `slow + 1`, so both window sums stay below it and `sum × period` fits an
/// `i128` for any period below 2^36.
const FIXED_LIMIT: i128 = 1 << 90;

/// Longest slow window the fixed-point path accepts (see [`FIXED_LIMIT`]).
const MAX_FIXED_PERIOD: usize = 1 << 36;

/// Two exact simple moving averages (`fast` < `slow` bars) of the same
/// series, sharing one ring buffer of the last `slow` values.
///
/// Values are held as integers at the largest decimal scale seen so far, so an
/// update is a handful of integer additions and [`is_above`](Self::is_above)
/// is exact: a tie is a tie. A value too large for fixed point switches the
/// pair to two [`DecimalSma`]s for the rest of the run, still exact.
#[derive(Debug, Clone)]
pub struct DecimalSmaPair {
    fast: usize,
    slow: usize,
    scale: u32,
    /// The last `slow` values; slots not yet written hold zero.
    ring: Box<[i128]>,
    /// Slot the next value goes to (the oldest value once the ring is full).
    next: usize,
    seen: usize,
    fast_sum: i128,
    slow_sum: i128,
    value_limit: i128,
    fallback: Option<Box<(DecimalSma, DecimalSma)>>,
}

impl DecimalSmaPair {
    /// A pair of averages over `fast` and `slow` values; `fast` is clamped to
    /// at least 1 and `slow` to more than `fast`.
    #[must_use]
    pub fn new(fast: usize, slow: usize) -> Self {
        let fast = fast.max(1);
        let slow = slow.max(fast + 1);
        let fixed = slow < MAX_FIXED_PERIOD;
        Self {
            fast,
            slow,
            scale: 0,
            ring: vec![0; if fixed { slow } else { 0 }].into_boxed_slice(),
            next: 0,
            seen: 0,
            fast_sum: 0,
            slow_sum: 0,
            value_limit: FIXED_LIMIT / (slow as i128 + 1),
            fallback: (!fixed).then(|| Box::new((DecimalSma::new(fast), DecimalSma::new(slow)))),
        }
    }

    /// Adds a value to both averages.
    #[inline]
    pub fn update(&mut self, value: Decimal) {
        if self.fallback.is_none() {
            let fixed = if value.scale() == self.scale {
                Some(value.mantissa()).filter(|m| m.abs() < self.value_limit)
            } else {
                self.rescaled(value)
            };
            if let Some(v) = fixed {
                self.push(v);
                return;
            }
            self.fall_back();
        }
        if let Some(pair) = self.fallback.as_mut() {
            pair.0.update(value);
            pair.1.update(value);
        }
    }

    /// Whether the fast average is strictly above the slow one; `None` until
    /// `slow` values were seen.
    #[inline]
    #[must_use]
    pub fn is_above(&self) -> Option<bool> {
        if let Some(pair) = &self.fallback {
            return pair.0.is_above(&pair.1);
        }
        // fast_sum / fast > slow_sum / slow  <=>  fast_sum * slow > slow_sum * fast;
        // both products are below 2^126 (see FIXED_LIMIT).
        (self.seen >= self.slow)
            .then(|| self.fast_sum * self.slow as i128 > self.slow_sum * self.fast as i128)
    }

    /// Values seen so far.
    #[must_use]
    pub fn seen(&self) -> usize {
        self.seen
    }

    #[inline]
    fn push(&mut self, v: i128) {
        let slot = self.next;
        // The value leaving the fast window sits `fast` slots back; before the
        // window filled that slot is still zero, so subtracting it is a no-op.
        let back = slot + self.slow - self.fast;
        let back = if back >= self.slow { back - self.slow } else { back };
        let (Some(&leaving_fast), Some(&leaving_slow)) = (self.ring.get(back), self.ring.get(slot)) else {
            return;
        };
        self.fast_sum += v - leaving_fast;
        self.slow_sum += v - leaving_slow;
        if let Some(cell) = self.ring.get_mut(slot) {
            *cell = v;
        }
        self.next = if slot + 1 == self.slow { 0 } else { slot + 1 };
        self.seen = self.seen.saturating_add(1);
    }

    /// `value` at the current scale, first rescaling the ring when `value`
    /// has more decimals; `None` when fixed point no longer fits.
    #[cold]
    fn rescaled(&mut self, value: Decimal) -> Option<i128> {
        if value.scale() > self.scale {
            let factor = 10i128.checked_pow(value.scale() - self.scale)?;
            let limit = self.value_limit;
            let scale = |v: i128| v.checked_mul(factor).filter(|v| v.abs() < limit);
            let ring = self
                .ring
                .iter()
                .map(|v| scale(*v))
                .collect::<Option<Box<[i128]>>>()?;
            self.fast_sum = self.fast_sum.checked_mul(factor)?;
            self.slow_sum = self.slow_sum.checked_mul(factor)?;
            self.ring = ring;
            self.scale = value.scale();
        }
        let up = 10i128.checked_pow(self.scale - value.scale())?;
        value
            .mantissa()
            .checked_mul(up)
            .filter(|v| v.abs() < self.value_limit)
    }

    /// Switches to decimal averages, replaying the values still in the window.
    #[cold]
    fn fall_back(&mut self) {
        let mut pair = (DecimalSma::new(self.fast), DecimalSma::new(self.slow));
        let kept = self.seen.min(self.slow);
        for k in 0..kept {
            let slot = (self.next + self.slow - kept + k) % self.slow;
            let v = self.ring.get(slot).copied().unwrap_or(0);
            let value = Decimal::try_from_i128_with_scale(v, self.scale).unwrap_or(Decimal::ZERO);
            pair.0.update(value);
            pair.1.update(value);
        }
        self.fallback = Some(Box::new(pair));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    /// The pair agrees with two independent [`DecimalSma`]s on every update.
    fn agrees(fast: usize, slow: usize, values: &[&str]) -> DecimalSmaPair {
        let mut pair = DecimalSmaPair::new(fast, slow);
        let (mut f, mut s) = (DecimalSma::new(fast), DecimalSma::new(slow));
        for (i, v) in values.iter().enumerate() {
            pair.update(d(v));
            f.update(d(v));
            s.update(d(v));
            assert_eq!(pair.is_above(), f.is_above(&s), "after value {i} ({v})");
        }
        pair
    }

    #[test]
    fn matches_two_single_averages_with_ties_and_scale_changes() {
        let values = [
            "10", "11", "9", "12", "12.5", "8", "10.25", "10.25", "10.25", "10.25", "7", "13.125", "13",
            "-4", "0", "0.001", "6", "6", "6", "6", "6",
        ];
        agrees(2, 5, &values);
        agrees(1, 2, &values);
        agrees(3, 4, &values);
        let pair = agrees(4, 9, &values);
        assert!(pair.fallback.is_none());
        assert_eq!(pair.seen(), values.len());
    }

    #[test]
    fn huge_values_fall_back_to_decimals_mid_run() {
        let values = [
            "1.5",
            "2",
            "3",
            "10000000000000000000000000.001",
            "2",
            "1",
            "0.5",
            "0.25",
        ];
        let pair = agrees(2, 3, &values);
        assert!(pair.fallback.is_some());
        let saturating = [
            "79228162514264337593543950335",
            "79228162514264337593543950335",
            "1",
        ];
        agrees(1, 2, &saturating);
    }

    #[test]
    fn random_walks_with_mixed_scales_agree() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (fast, slow) in [(1, 2), (3, 7), (12, 30), (5, 6)] {
            let mut pair = DecimalSmaPair::new(fast, slow);
            let (mut f, mut s) = (DecimalSma::new(fast), DecimalSma::new(slow));
            for _ in 0..5_000 {
                // Few distinct values, so ties between the averages happen.
                let value = Decimal::new((next() % 40) as i64 - 10, (next() % 4) as u32);
                pair.update(value);
                f.update(value);
                s.update(value);
                assert_eq!(pair.is_above(), f.is_above(&s));
            }
        }
    }

    #[test]
    fn undefined_until_the_slow_window_is_full() {
        let mut pair = DecimalSmaPair::new(2, 3);
        pair.update(d("1"));
        pair.update(d("2"));
        assert_eq!(pair.is_above(), None);
        pair.update(d("3"));
        assert_eq!(pair.is_above(), Some(true));
    }
}
