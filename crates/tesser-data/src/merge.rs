//! Merges several candle streams into one stream in time order.

use std::collections::HashMap;
use std::path::PathBuf;

use tesser_core::{Candle, Symbol, Timestamp};

use crate::error::Fused;
use crate::DataError;

type Stream = Box<dyn Iterator<Item = Result<Candle, DataError>> + Send>;

/// A k-way merge of candle streams by open time (ties keep input order), so
/// several symbols replay as one event stream. Each symbol's bars must be
/// strictly increasing across all inputs: consecutive periods of one symbol
/// may come from different files, overlapping periods are an error.
pub struct MergedCandles {
    inputs: Vec<(PathBuf, Stream)>,
    heads: Vec<Option<Candle>>,
    last: HashMap<Symbol, (Timestamp, usize)>,
    started: bool,
    failed: bool,
}

impl MergedCandles {
    /// Merges `inputs`, each named by the file (or source) it reads.
    #[must_use]
    pub fn new(inputs: Vec<(PathBuf, Stream)>) -> Self {
        let heads = vec![None; inputs.len()];
        Self {
            inputs,
            heads,
            last: HashMap::new(),
            started: false,
            failed: false,
        }
    }

    fn refill(&mut self, i: usize) -> Result<(), DataError> {
        self.heads[i] = self.inputs[i].1.next().transpose()?;
        Ok(())
    }
}

impl Iterator for MergedCandles {
    type Item = Result<Candle, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_fused()
    }
}

impl Fused for MergedCandles {
    type Item = Candle;

    fn failed(&mut self) -> &mut bool {
        &mut self.failed
    }

    fn step(&mut self) -> Result<Option<Candle>, DataError> {
        if !self.started {
            self.started = true;
            for i in 0..self.inputs.len() {
                self.refill(i)?;
            }
        }
        let mut best: Option<usize> = None;
        for (i, head) in self.heads.iter().enumerate() {
            if let Some(c) = head {
                if best.is_none_or(|b| self.heads[b].is_some_and(|h| c.open_time < h.open_time)) {
                    best = Some(i);
                }
            }
        }
        let Some(i) = best else { return Ok(None) };
        let Some(candle) = self.heads[i] else {
            return Ok(None);
        };
        if let Some(&(prev, from)) = self.last.get(&candle.symbol) {
            if candle.open_time <= prev {
                return Err(DataError::File {
                    path: self.inputs[i].0.clone(),
                    message: format!(
                        "{} bar at {} overlaps bars already read from {} (up to {prev})",
                        candle.symbol,
                        candle.open_time,
                        self.inputs[from].0.display()
                    ),
                });
            }
        }
        self.last.insert(candle.symbol, (candle.open_time, i));
        self.refill(i)?;
        Ok(Some(candle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::{Interval, Price, Quantity};

    fn bar(sym: &str, t: i64) -> Result<Candle, DataError> {
        let p = Price::parse("1").unwrap();
        Ok(Candle {
            symbol: Symbol::new(sym),
            interval: Interval::D1,
            open_time: Timestamp::from_millis(t),
            open: p,
            high: p,
            low: p,
            close: p,
            volume: Quantity::ZERO,
        })
    }

    fn stream(v: Vec<Result<Candle, DataError>>) -> Stream {
        Box::new(v.into_iter())
    }

    #[test]
    fn merges_by_time_and_checks_overlap() {
        let m = MergedCandles::new(vec![
            ("a".into(), stream(vec![bar("A", 1), bar("A", 3)])),
            ("b".into(), stream(vec![bar("B", 1), bar("B", 2)])),
        ]);
        let order: Vec<_> = m
            .map(|c| c.map(|c| (c.symbol.as_str(), c.open_time.as_millis())))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(order, vec![("A", 1), ("B", 1), ("B", 2), ("A", 3)]);

        let m = MergedCandles::new(vec![
            ("p1.csv".into(), stream(vec![bar("A", 1), bar("A", 3)])),
            ("p2.csv".into(), stream(vec![bar("A", 2), bar("A", 3)])),
        ]);
        let err = m.collect::<Result<Vec<_>, _>>().unwrap_err().to_string();
        assert!(
            err.contains("p2.csv") && err.contains("p1.csv") && err.contains("overlaps"),
            "{err}"
        );
    }
}
