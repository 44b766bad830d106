//! Merges several market-event streams (candles, trades, book updates) into
//! one stream in time order.

use std::path::PathBuf;

use tesser_core::Event;

use crate::error::Fused;
use crate::DataError;

type Stream = Box<dyn Iterator<Item = Result<Event, DataError>> + Send>;

/// A k-way merge of event streams by event time; ties keep input order (so
/// list candles before books to see a bar before the book of the same time).
/// Each input must already be in time order.
pub struct MergedEvents {
    inputs: Vec<(PathBuf, Stream)>,
    heads: Vec<Option<Event>>,
    started: bool,
    failed: bool,
}

impl MergedEvents {
    /// Merges `inputs`, each named by the file or source it reads.
    #[must_use]
    pub fn new(inputs: Vec<(PathBuf, Stream)>) -> Self {
        let heads = vec![None; inputs.len()];
        Self {
            inputs,
            heads,
            started: false,
            failed: false,
        }
    }

    fn refill(&mut self, i: usize) -> Result<(), DataError> {
        let next = self.inputs[i].1.next().transpose()?;
        if let (Some(new), Some(old)) = (&next, &self.heads[i]) {
            if new.ts() < old.ts() {
                return Err(DataError::File {
                    path: self.inputs[i].0.clone(),
                    message: format!("event at {} comes after one at {}", new.ts(), old.ts()),
                });
            }
        }
        self.heads[i] = next;
        Ok(())
    }
}

impl Iterator for MergedEvents {
    type Item = Result<Event, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_fused()
    }
}

impl Fused for MergedEvents {
    type Item = Event;

    fn failed(&mut self) -> &mut bool {
        &mut self.failed
    }

    fn step(&mut self) -> Result<Option<Event>, DataError> {
        if !self.started {
            self.started = true;
            for i in 0..self.inputs.len() {
                self.refill(i)?;
            }
        }
        let best = self
            .heads
            .iter()
            .enumerate()
            .filter_map(|(i, h)| h.as_ref().map(|e| (e.ts(), i)))
            .min()
            .map(|(_, i)| i);
        let Some(i) = best else { return Ok(None) };
        let event = self.heads[i].clone();
        self.refill(i)?;
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::{Interval, Price, Quantity, Side, Symbol, Timestamp, Trade};

    fn trade(t: i64) -> Result<Event, DataError> {
        let p = Price::parse("1").unwrap();
        Ok(Event::Trade(Trade {
            symbol: Symbol::new("T"),
            ts: Timestamp::from_millis(t),
            price: p,
            qty: Quantity::ZERO,
            taker_side: Side::Buy,
        }))
    }

    fn candle(t: i64) -> Result<Event, DataError> {
        let p = Price::parse("1").unwrap();
        Ok(Event::Candle(tesser_core::Candle {
            symbol: Symbol::new("C"),
            interval: Interval::M1,
            open_time: Timestamp::from_millis(t),
            open: p,
            high: p,
            low: p,
            close: p,
            volume: Quantity::ZERO,
        }))
    }

    #[test]
    fn merges_in_time_order_with_stable_ties() {
        let m = MergedEvents::new(vec![
            ("c".into(), Box::new(vec![candle(1), candle(3)].into_iter())),
            (
                "t".into(),
                Box::new(vec![trade(1), trade(2), trade(4)].into_iter()),
            ),
        ]);
        let got: Vec<_> = m
            .map(|e| e.map(|e| (e.ts().as_millis(), matches!(e, Event::Candle(_)))))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            got,
            vec![(1, true), (1, false), (2, false), (3, true), (4, false)]
        );
        let bad = MergedEvents::new(vec![(
            "t.jsonl".into(),
            Box::new(vec![trade(2), trade(1)].into_iter()),
        )]);
        let err = bad.collect::<Result<Vec<_>, _>>().unwrap_err().to_string();
        assert!(err.contains("t.jsonl"), "{err}");
    }
}
