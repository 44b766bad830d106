//! MACD with TA-Lib's seeding.

use std::collections::VecDeque;

use super::ema::Ema;

/// One MACD reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdValue {
    /// Fast EMA minus slow EMA.
    pub macd: f64,
    /// EMA(`signal`) of the MACD line.
    pub signal: f64,
    /// `macd - signal`.
    pub hist: f64,
}

/// MACD(`fast`, `slow`, `signal`) exactly as TA-Lib's `MACD` computes it.
///
/// TA-Lib aligns both averages on the slow one: the slow EMA is seeded at
/// row `slow - 1` with the mean of rows `0..slow`, and the fast EMA is seeded
/// at the **same** row `slow - 1` with the mean of the `fast` inputs ending
/// there (rows `slow-fast..slow`), not at row `fast - 1`. The MACD line thus
/// starts at row `slow - 1`; the signal EMA is seeded with the mean of the
/// first `signal` MACD values, at row `slow + signal - 2`, and only from that
/// row on are values reported (row 33 for 12/26/9). Smoothing factors are
/// `2 / (n + 1)`. As in TA-Lib, `fast > slow` is swapped.
#[derive(Debug, Clone)]
pub struct Macd {
    fast_period: usize,
    slow_period: usize,
    recent: VecDeque<f64>,
    slow_sum: f64,
    seen: usize,
    fast: Option<Ema>,
    slow: Option<Ema>,
    signal: Ema,
    value: Option<MacdValue>,
}

impl Macd {
    /// A new MACD; each period is at least 1.
    #[must_use]
    pub fn new(fast: usize, slow: usize, signal: usize) -> Self {
        let (fast, slow) = (fast.max(1), slow.max(1));
        let (fast, slow) = if fast > slow { (slow, fast) } else { (fast, slow) };
        Self {
            fast_period: fast,
            slow_period: slow,
            recent: VecDeque::with_capacity(fast + 1),
            slow_sum: 0.0,
            seen: 0,
            fast: None,
            slow: None,
            signal: Ema::new(signal),
            value: None,
        }
    }

    /// Adds a value and returns the reading once the signal line is defined.
    pub fn update(&mut self, x: f64) -> Option<MacdValue> {
        let line = match (&mut self.fast, &mut self.slow) {
            (Some(f), Some(s)) => f.update(x).zip(s.update(x)).map(|(f, s)| f - s),
            _ => {
                self.seen += 1;
                self.slow_sum += x;
                self.recent.push_back(x);
                if self.recent.len() > self.fast_period {
                    self.recent.pop_front();
                }
                if self.seen < self.slow_period {
                    return None;
                }
                let fast_seed = self.recent.iter().sum::<f64>() / self.fast_period as f64;
                let slow_seed = self.slow_sum / self.slow_period as f64;
                self.fast = Some(Ema::seeded(self.fast_period, fast_seed));
                self.slow = Some(Ema::seeded(self.slow_period, slow_seed));
                Some(fast_seed - slow_seed)
            }
        };
        let line = line?;
        self.value = self.signal.update(line).map(|signal| MacdValue {
            macd: line,
            signal,
            hist: line - signal,
        });
        self.value
    }

    /// The current reading, if defined.
    #[must_use]
    pub fn value(&self) -> Option<MacdValue> {
        self.value
    }
}
