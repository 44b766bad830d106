//! A fixed-length window of `f64` values with drift-free running moments.
//!
//! Running sums that add the newest value and subtract the oldest accumulate
//! rounding error forever, and `E[x²] - E[x]²` cancels catastrophically when
//! the spread is small next to the level. This window avoids both: it keeps
//! sums of `x - k` and `(x - k)²` around a shift `k`, and every `period`
//! updates (or as soon as the centred squared sum collapses by more than 10⁸
//! from its peak, a sign of cancellation) it re-centres `k` on the current mean and
//! recomputes the sums exactly from the stored values. That costs `O(period)`
//! once per `period` updates: amortised `O(1)` per update, with the error
//! bounded by one period's worth of additions instead of the whole history.
//!
//! A window whose values are all identical reports a variance of exactly
//! zero (tracked by the length of the trailing run of equal values).

use std::collections::VecDeque;

/// Squared-sum collapse ratio that triggers an early exact recomputation.
const COLLAPSE: f64 = 1e-8;

/// Rolling window with mean and population variance.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    period: usize,
    values: VecDeque<f64>,
    shift: f64,
    s1: f64,
    s2: f64,
    peak: f64,
    since_recompute: usize,
    run: usize,
}

impl Window {
    /// A window of `period` values (at least 1).
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(1);
        Self {
            period,
            values: VecDeque::with_capacity(period + 1),
            shift: 0.0,
            s1: 0.0,
            s2: 0.0,
            peak: 0.0,
            since_recompute: 0,
            run: 0,
        }
    }

    /// Window length.
    pub(crate) fn period(&self) -> usize {
        self.period
    }

    /// True once `period` values were pushed.
    pub(crate) fn is_full(&self) -> bool {
        self.values.len() == self.period
    }

    /// The newest value.
    pub(crate) fn last(&self) -> Option<f64> {
        self.values.back().copied()
    }

    /// Pushes a value, evicting the oldest once full.
    pub(crate) fn push(&mut self, x: f64) {
        if self.values.back() == Some(&x) {
            self.run += 1;
        } else {
            self.run = 1;
        }
        if self.values.is_empty() {
            self.shift = x;
        }
        self.values.push_back(x);
        let d = x - self.shift;
        self.s1 += d;
        self.s2 += d * d;
        if self.values.len() > self.period {
            if let Some(old) = self.values.pop_front() {
                let d = old - self.shift;
                self.s1 -= d;
                self.s2 -= d * d;
            }
        }
        let m2 = self.centred(self.s1, self.s2);
        self.peak = self.peak.max(m2);
        self.since_recompute += 1;
        if self.since_recompute >= self.period || m2 < self.peak * COLLAPSE {
            self.recompute();
        }
    }

    fn recompute(&mut self) {
        let n = self.values.len() as f64;
        if n == 0.0 {
            return;
        }
        self.shift += self.values.iter().map(|v| v - self.shift).sum::<f64>() / n;
        let (mut s1, mut s2) = (0.0, 0.0);
        for v in &self.values {
            let d = v - self.shift;
            s1 += d;
            s2 += d * d;
        }
        self.s1 = s1;
        self.s2 = s2;
        self.peak = self.centred(s1, s2);
        self.since_recompute = 0;
    }

    /// `Σ(x - mean)²` from shifted sums.
    fn centred(&self, s1: f64, s2: f64) -> f64 {
        s2 - s1 * s1 / self.values.len().max(1) as f64
    }

    /// Mean of the stored values (defined once anything was pushed).
    pub(crate) fn mean(&self) -> f64 {
        let n = self.values.len().max(1) as f64;
        self.shift + self.s1 / n
    }

    /// Population variance of the stored values, never negative, exactly
    /// zero for a constant window.
    pub(crate) fn variance(&self) -> f64 {
        let n = self.values.len();
        if n == 0 || self.run >= n {
            return 0.0;
        }
        let n = n as f64;
        ((self.s2 - self.s1 * self.s1 / n) / n).max(0.0)
    }

    /// Exact recomputation over the stored values, for tests.
    #[cfg(test)]
    pub(crate) fn brute_force(&self) -> (f64, f64) {
        let n = self.values.len() as f64;
        let mean = self.values.iter().sum::<f64>() / n;
        let var = self.values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        (mean, var)
    }
}

/// Two aligned windows (`x`, `y`) with running cross moments, for rolling
/// regression and correlation. Same re-centring scheme as [`Window`].
#[derive(Debug, Clone)]
pub(crate) struct PairWindow {
    period: usize,
    values: VecDeque<(f64, f64)>,
    kx: f64,
    ky: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    peak: (f64, f64),
    since_recompute: usize,
    run: (usize, usize),
}

/// Population moments of a [`PairWindow`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PairMoments {
    pub(crate) var_x: f64,
    pub(crate) var_y: f64,
    pub(crate) cov: f64,
    pub(crate) mean_x: f64,
    pub(crate) mean_y: f64,
}

impl PairWindow {
    /// A window of `period` pairs (at least 2).
    pub(crate) fn new(period: usize) -> Self {
        let period = period.max(2);
        Self {
            period,
            values: VecDeque::with_capacity(period + 1),
            kx: 0.0,
            ky: 0.0,
            sx: 0.0,
            sy: 0.0,
            sxx: 0.0,
            syy: 0.0,
            sxy: 0.0,
            peak: (0.0, 0.0),
            since_recompute: 0,
            run: (0, 0),
        }
    }

    /// Pushes one aligned observation.
    pub(crate) fn push(&mut self, x: f64, y: f64) {
        let (px, py) = self.values.back().copied().unzip();
        self.run.0 = if px == Some(x) { self.run.0 + 1 } else { 1 };
        self.run.1 = if py == Some(y) { self.run.1 + 1 } else { 1 };
        if self.values.is_empty() {
            self.kx = x;
            self.ky = y;
        }
        self.values.push_back((x, y));
        self.add(x, y, 1.0);
        if self.values.len() > self.period {
            if let Some((ox, oy)) = self.values.pop_front() {
                self.add(ox, oy, -1.0);
            }
        }
        let (mx, my) = self.centred();
        self.peak = (self.peak.0.max(mx), self.peak.1.max(my));
        self.since_recompute += 1;
        if self.since_recompute >= self.period || mx < self.peak.0 * COLLAPSE || my < self.peak.1 * COLLAPSE {
            self.recompute();
        }
    }

    fn add(&mut self, x: f64, y: f64, sign: f64) {
        let (dx, dy) = (x - self.kx, y - self.ky);
        self.sx += sign * dx;
        self.sy += sign * dy;
        self.sxx += sign * dx * dx;
        self.syy += sign * dy * dy;
        self.sxy += sign * dx * dy;
    }

    fn recompute(&mut self) {
        let n = self.values.len() as f64;
        if n == 0.0 {
            return;
        }
        let (kx, ky) = (self.kx, self.ky);
        let (mx, my) = self
            .values
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + (x - kx), b + (y - ky)));
        self.kx += mx / n;
        self.ky += my / n;
        self.sx = 0.0;
        self.sy = 0.0;
        self.sxx = 0.0;
        self.syy = 0.0;
        self.sxy = 0.0;
        let values = std::mem::take(&mut self.values);
        for (x, y) in &values {
            self.add(*x, *y, 1.0);
        }
        self.values = values;
        self.peak = self.centred();
        self.since_recompute = 0;
    }

    /// `(Σ(x - mean)², Σ(y - mean)²)` from shifted sums.
    fn centred(&self) -> (f64, f64) {
        let n = self.values.len().max(1) as f64;
        (self.sxx - self.sx * self.sx / n, self.syy - self.sy * self.sy / n)
    }

    /// Moments once the window is full.
    pub(crate) fn moments(&self) -> Option<PairMoments> {
        let n = self.values.len();
        if n < self.period {
            return None;
        }
        let nf = n as f64;
        let var_x = if self.run.0 >= n {
            0.0
        } else {
            ((self.sxx - self.sx * self.sx / nf) / nf).max(0.0)
        };
        let var_y = if self.run.1 >= n {
            0.0
        } else {
            ((self.syy - self.sy * self.sy / nf) / nf).max(0.0)
        };
        let cov = if var_x == 0.0 || var_y == 0.0 {
            0.0
        } else {
            (self.sxy - self.sx * self.sy / nf) / nf
        };
        Some(PairMoments {
            var_x,
            var_y,
            cov,
            mean_x: self.kx + self.sx / nf,
            mean_y: self.ky + self.sy / nf,
        })
    }

    /// Exact recomputation `(var_x, var_y, cov)` over the stored values, for tests.
    #[cfg(test)]
    pub(crate) fn brute_force(&self) -> (f64, f64, f64) {
        let n = self.values.len() as f64;
        let mx = self.values.iter().map(|v| v.0).sum::<f64>() / n;
        let my = self.values.iter().map(|v| v.1).sum::<f64>() / n;
        let mut out = (0.0, 0.0, 0.0);
        for (x, y) in &self.values {
            out.0 += (x - mx) * (x - mx) / n;
            out.1 += (y - my) * (y - my) / n;
            out.2 += (x - mx) * (y - my) / n;
        }
        out
    }
}
