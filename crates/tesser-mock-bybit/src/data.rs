//! The candles the mock serves: loaded from CSV (`timestamp,open,high,low,close,volume`,
//! RFC 3339 or epoch-ms timestamps) or generated from a seeded price path.

use std::path::Path;

use rust_decimal::Decimal;
use tesser_core::{Interval, Timestamp};

use crate::MockError;

/// One OHLCV bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Open time, epoch ms.
    pub start: i64,
    /// Open.
    pub open: Decimal,
    /// High.
    pub high: Decimal,
    /// Low.
    pub low: Decimal,
    /// Close.
    pub close: Decimal,
    /// Base volume.
    pub volume: Decimal,
}

/// Ascending bars of one symbol and interval.
#[derive(Debug, Clone)]
pub struct Bars {
    /// Bar length.
    pub interval: Interval,
    /// Bars, strictly ascending by start.
    pub bars: Vec<Bar>,
}

fn dec(field: &str, text: &str, line: u64) -> Result<Decimal, MockError> {
    let t = text.trim();
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| MockError::Data(format!("line {line}: {field} `{text}` is not a decimal")))
}

impl Bars {
    /// Loads a CSV file. The interval is `interval` or, if `None`, the
    /// smallest step between consecutive rows.
    ///
    /// # Errors
    /// [`MockError::Data`] naming the line of a bad row, an unsorted file or
    /// an unknown step.
    pub fn from_csv(path: &Path, interval: Option<Interval>) -> Result<Self, MockError> {
        let mut rdr =
            csv::Reader::from_path(path).map_err(|e| MockError::Data(format!("{}: {e}", path.display())))?;
        let mut bars: Vec<Bar> = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i as u64 + 2;
            let rec = rec.map_err(|e| MockError::Data(format!("line {line}: {e}")))?;
            let get = |k: usize| rec.get(k).unwrap_or("");
            let start = Timestamp::parse(get(0))
                .map_err(|e| MockError::Data(format!("line {line}: {e}")))?
                .as_millis();
            let bar = Bar {
                start,
                open: dec("open", get(1), line)?,
                high: dec("high", get(2), line)?,
                low: dec("low", get(3), line)?,
                close: dec("close", get(4), line)?,
                volume: dec("volume", get(5), line)?,
            };
            if let Some(prev) = bars.last() {
                if prev.start >= start {
                    return Err(MockError::Data(format!(
                        "line {line}: timestamps not strictly ascending"
                    )));
                }
            }
            bars.push(bar);
        }
        let interval = match interval {
            Some(i) => i,
            None => {
                let step = bars
                    .windows(2)
                    .map(|w| w[1].start - w[0].start)
                    .min()
                    .unwrap_or(60_000);
                Interval::from_millis(step)
                    .ok_or_else(|| MockError::Data(format!("no Bybit interval of {step} ms")))?
            }
        };
        Ok(Self { interval, bars })
    }

    /// `count` deterministic bars from `start` (a seeded random walk around 30000).
    #[must_use]
    pub fn synthetic(start: Timestamp, interval: Interval, count: usize, seed: u64) -> Self {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let step = interval.millis();
        let mut price = Decimal::new(30_000, 0);
        let mut bars = Vec::with_capacity(count);
        for i in 0..count {
            let open = price;
            let change = Decimal::new((next() % 2001) as i64 - 1000, 2); // ±10.00
            let close = (open + change).max(Decimal::ONE);
            let wick = Decimal::new((next() % 500) as i64, 2);
            let high = open.max(close) + wick;
            let low = (open.min(close) - wick).max(Decimal::new(1, 2));
            let volume = Decimal::new((next() % 100_000) as i64 + 1, 3);
            bars.push(Bar {
                start: start.as_millis() + step * i as i64,
                open,
                high,
                low,
                close,
                volume,
            });
            price = close;
        }
        Self { interval, bars }
    }

    /// Bars with `start <= t <= end`, as a slice.
    #[must_use]
    pub fn range(&self, start: i64, end: i64) -> &[Bar] {
        let lo = self.bars.partition_point(|b| b.start < start);
        let hi = self.bars.partition_point(|b| b.start <= end);
        self.bars.get(lo..hi.max(lo)).unwrap_or(&[])
    }
}
