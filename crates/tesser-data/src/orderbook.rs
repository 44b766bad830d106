//! Order-book replay: Bybit v5 `orderbook.{depth}.{symbol}` frames stored one
//! JSON object per line (JSONL, exactly as pushed on the public WebSocket),
//! and a seeded synthetic book generator for tests and demos.
//!
//! Both yield core [`BookUpdate`]s (a snapshot first, then deltas whose
//! `update_id` rises by one), which [`tesser_core::OrderBook::apply`]
//! consumes. Wire types stay private to this module.
//!
//! Bybit's rules, applied while reading
//! (<https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>):
//! any snapshot replaces the book (also one re-sent with the same `u`, or
//! `u == 1` after a service restart); a delta with `u <= last u` is stale and
//! is dropped (counted in [`BookJsonlReader::stale_deltas`]); a delta with
//! `u > last u + 1` is a gap and an error naming the line; a delta before any
//! snapshot is an error. `ts` (the push time) becomes the update's time.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tesser_core::{BookLevel, BookUpdate, BookUpdateKind, Decimal, Price, Quantity, Symbol, Timestamp};

use crate::synthetic::SplitMix64;
use crate::DataError;

/// One `orderbook.*` push.
/// See <https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>.
#[derive(Debug, Deserialize)]
struct BybitBookFrame {
    topic: String,
    #[serde(rename = "type")]
    kind: BybitBookType,
    ts: i64,
    data: BybitBookData,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum BybitBookType {
    Snapshot,
    Delta,
}

#[derive(Debug, Deserialize)]
struct BybitBookData {
    s: String,
    b: Vec<[String; 2]>,
    a: Vec<[String; 2]>,
    u: u64,
}

/// Streams [`BookUpdate`]s from a Bybit v5 orderbook JSONL file.
#[derive(Debug)]
pub struct BookJsonlReader<R> {
    path: PathBuf,
    reader: R,
    symbol: Option<Symbol>,
    line: u64,
    buf: String,
    last_u: Option<u64>,
    stale: u64,
}

impl BookJsonlReader<BufReader<File>> {
    /// Opens `path`. With `symbol`, updates carry that symbol instead of the
    /// frame's `s` (e.g. to replay `BTCUSDT` frames as `BTCUSD`).
    ///
    /// # Errors
    /// [`DataError::Io`] when the file cannot be opened.
    pub fn open(path: &Path, symbol: Option<Symbol>) -> Result<Self, DataError> {
        let file = File::open(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self::from_reader(BufReader::new(file), path, symbol))
    }
}

impl<R: BufRead> BookJsonlReader<R> {
    /// Reads frames from `reader`; `path` names the source in errors.
    pub fn from_reader(reader: R, path: &Path, symbol: Option<Symbol>) -> Self {
        Self {
            path: path.to_owned(),
            reader,
            symbol,
            line: 0,
            buf: String::new(),
            last_u: None,
            stale: 0,
        }
    }

    /// Deltas dropped so far because their `u` was not above the last one.
    #[must_use]
    pub fn stale_deltas(&self) -> u64 {
        self.stale
    }

    fn row_err(&self, message: String) -> DataError {
        DataError::Row {
            path: self.path.clone(),
            line: self.line,
            message,
        }
    }

    /// Parses one non-blank line; `Ok(None)` for a stale delta.
    fn parse(&mut self, text: &str) -> Result<Option<BookUpdate>, DataError> {
        let frame: BybitBookFrame =
            serde_json::from_str(text).map_err(|e| self.row_err(format!("not an orderbook frame: {e}")))?;
        if !frame.topic.starts_with("orderbook.") {
            return Err(self.row_err(format!("topic `{}` is not an orderbook topic", frame.topic)));
        }
        let u = frame.data.u;
        let kind = match (frame.kind, self.last_u) {
            (BybitBookType::Snapshot, _) => BookUpdateKind::Snapshot,
            (BybitBookType::Delta, None) => {
                return Err(self.row_err(format!("delta u={u} before any snapshot")));
            }
            (BybitBookType::Delta, Some(last)) if u <= last => {
                self.stale += 1;
                return Ok(None);
            }
            (BybitBookType::Delta, Some(last)) if u > last + 1 => {
                return Err(self.row_err(format!("update id gap: expected u={}, got u={u}", last + 1)));
            }
            (BybitBookType::Delta, Some(_)) => BookUpdateKind::Delta,
        };
        let bids = self.levels("b", &frame.data.b)?;
        let asks = self.levels("a", &frame.data.a)?;
        let symbol = match self.symbol {
            Some(s) => s,
            None if frame.data.s.is_empty() => return Err(self.row_err("empty symbol `s`".into())),
            None => Symbol::new(&frame.data.s),
        };
        self.last_u = Some(u);
        Ok(Some(BookUpdate {
            symbol,
            ts: Timestamp::from_millis(frame.ts),
            kind,
            update_id: u,
            bids,
            asks,
        }))
    }

    fn levels(&self, side: &str, raw: &[[String; 2]]) -> Result<Vec<BookLevel>, DataError> {
        raw.iter()
            .map(|[p, q]| {
                let price = Price::parse(p).map_err(|e| self.row_err(format!("`{side}` level: {e}")))?;
                let qty = Quantity::parse(q).map_err(|e| self.row_err(format!("`{side}` level: {e}")))?;
                Ok(BookLevel { price, qty })
            })
            .collect()
    }
}

impl<R: BufRead> Iterator for BookJsonlReader<R> {
    type Item = Result<BookUpdate, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(source) => {
                    return Some(Err(DataError::Io {
                        path: self.path.clone(),
                        source,
                    }))
                }
            }
            let text = std::mem::take(&mut self.buf);
            let trimmed = text.trim();
            if trimmed.is_empty() {
                self.buf = text;
                continue;
            }
            let parsed = self.parse(trimmed);
            self.buf = text;
            match parsed {
                Ok(None) => continue,
                Ok(Some(update)) => return Some(Ok(update)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// A seeded synthetic L2 book: `levels` one-cent levels a side around a
/// random-walk mid (starting at 100.00), sizes in thousandths tilted by a
/// slowly mean-reverting bid/ask pressure, one update every `step_ms`.
/// The first update is a snapshot; each later one is the exact delta to the
/// new state (changed levels, and removed ones with quantity 0), with
/// `update_id` rising by one, so it applies cleanly to an
/// [`tesser_core::OrderBook`], whose best bid stays below its best ask. The
/// same seed gives the same updates on every platform.
#[derive(Debug, Clone)]
pub struct SyntheticBook {
    rng: SplitMix64,
    symbol: Symbol,
    levels: i64,
    step_ms: i64,
    next_ms: i64,
    remaining: usize,
    mid: i64,
    tilt: i64,
    id: u64,
    state: Option<(BTreeMap<i64, i64>, BTreeMap<i64, i64>)>,
}

impl SyntheticBook {
    /// `count` updates of `symbol` from `start`, `step_ms` apart, with
    /// `levels` (at least 1) levels a side.
    #[must_use]
    pub fn new(
        symbol: Symbol,
        start: Timestamp,
        step_ms: i64,
        count: usize,
        levels: usize,
        seed: u64,
    ) -> Self {
        Self {
            rng: SplitMix64(seed),
            symbol,
            levels: i64::try_from(levels.max(1)).unwrap_or(1),
            step_ms: step_ms.max(1),
            next_ms: start.as_millis(),
            remaining: count,
            mid: 10_000,
            tilt: 0,
            id: 0,
            state: None,
        }
    }

    /// The next book state: bid and ask maps of cents to thousandths.
    fn draw(&mut self) -> (BTreeMap<i64, i64>, BTreeMap<i64, i64>) {
        self.mid = (self.mid + self.rng.symmetric(2)).max(self.levels + 2);
        self.tilt = self.tilt * 9 / 10 + self.rng.symmetric(10);
        let mut bids = BTreeMap::new();
        let mut asks = BTreeMap::new();
        for k in 0..self.levels {
            let b = 1_000 + self.tilt * 15 + self.rng.symmetric(250);
            let a = 1_000 - self.tilt * 15 + self.rng.symmetric(250);
            bids.insert(self.mid - 1 - k, b.max(1));
            asks.insert(self.mid + 1 + k, a.max(1));
        }
        (bids, asks)
    }
}

fn level(cents: i64, thousandths: i64) -> BookLevel {
    BookLevel {
        price: Price::new(Decimal::new(cents, 2)).unwrap_or(Price::ZERO),
        qty: Quantity::new(Decimal::new(thousandths, 3)).unwrap_or(Quantity::ZERO),
    }
}

/// Levels of `new` that differ from `old`, plus `old` levels gone in `new` (qty 0).
fn diff(old: &BTreeMap<i64, i64>, new: &BTreeMap<i64, i64>) -> Vec<BookLevel> {
    let removed = old.keys().filter(|p| !new.contains_key(p)).map(|p| level(*p, 0));
    let changed = new
        .iter()
        .filter(|(p, q)| old.get(p) != Some(q))
        .map(|(p, q)| level(*p, *q));
    removed.chain(changed).collect()
}

impl Iterator for SyntheticBook {
    type Item = BookUpdate;

    fn next(&mut self) -> Option<BookUpdate> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let (bids, asks) = self.draw();
        self.id += 1;
        let (kind, bid_levels, ask_levels) = match &self.state {
            None => (
                BookUpdateKind::Snapshot,
                bids.iter().map(|(p, q)| level(*p, *q)).collect(),
                asks.iter().map(|(p, q)| level(*p, *q)).collect(),
            ),
            Some((ob, oa)) => (BookUpdateKind::Delta, diff(ob, &bids), diff(oa, &asks)),
        };
        let update = BookUpdate {
            symbol: self.symbol,
            ts: Timestamp::from_millis(self.next_ms),
            kind,
            update_id: self.id,
            bids: bid_levels,
            asks: ask_levels,
        };
        self.state = Some((bids, asks));
        self.next_ms += self.step_ms;
        Some(update)
    }
}

#[cfg(test)]
mod tests;
