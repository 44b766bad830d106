//! True range and Wilder's average true range.

/// Wilder's average true range over `period` bars, as in TA-Lib.
///
/// The true range of bar `t >= 1` is `max(high - low, |high - close[t-1]|,
/// |low - close[t-1]|)`; the first bar has no previous close, so its range is
/// `high - low` ([`Atr::true_range`] reports it) but, as in TA-Lib, it does
/// not enter the average. The first ATR comes at row `period` (row 14 for
/// period 14) as the simple mean of the true ranges of rows `1..=period`;
/// afterwards `atr = (atr * (period - 1) + tr) / period`.
#[derive(Debug, Clone)]
pub struct Atr {
    period: usize,
    prev_close: Option<f64>,
    count: usize,
    sum: f64,
    tr: Option<f64>,
    value: Option<f64>,
}

impl Atr {
    /// A new ATR over `period` bars (`period` is at least 1).
    #[must_use]
    pub fn new(period: usize) -> Self {
        Self {
            period: period.max(1),
            prev_close: None,
            count: 0,
            sum: 0.0,
            tr: None,
            value: None,
        }
    }

    /// Adds a bar and returns the ATR once defined.
    pub fn update(&mut self, high: f64, low: f64, close: f64) -> Option<f64> {
        let Some(pc) = self.prev_close.replace(close) else {
            self.tr = Some(high - low);
            return None;
        };
        let tr = (high - low).max((high - pc).abs()).max((low - pc).abs());
        self.tr = Some(tr);
        let p = self.period as f64;
        match self.value {
            Some(atr) => self.value = Some((atr * (p - 1.0) + tr) / p),
            None => {
                self.sum += tr;
                self.count += 1;
                if self.count == self.period {
                    self.value = Some(self.sum / p);
                }
            }
        }
        self.value
    }

    /// The true range of the last bar (`high - low` for the first bar).
    #[must_use]
    pub fn true_range(&self) -> Option<f64> {
        self.tr
    }

    /// The current ATR, if defined.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bar_range_and_gap_handling() {
        let mut atr = Atr::new(2);
        assert_eq!(atr.update(10.0, 8.0, 9.0), None);
        assert_eq!(atr.true_range(), Some(2.0));
        assert_eq!(atr.update(12.0, 11.0, 11.5), None); // gap up: tr = 12 - 9 = 3
        assert_eq!(atr.true_range(), Some(3.0));
        assert_eq!(atr.update(11.5, 10.5, 11.0), Some(2.0)); // mean(3, 1)
        assert_eq!(atr.update(11.0, 11.0, 11.0), Some(1.0)); // (2 + 0) / 2
    }
}
