//! A local L2 order book maintained from snapshots and deltas.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{BookLevel, BookUpdate, BookUpdateKind, Price, Quantity, Symbol, Timestamp};

/// Why a book update could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// A delta arrived before any snapshot.
    #[error("{symbol}: delta {update_id} arrived before a snapshot")]
    NoSnapshot {
        /// Instrument.
        symbol: Symbol,
        /// The delta's update id.
        update_id: u64,
    },
    /// A delta's id does not follow the last applied id: resync needed.
    #[error("{symbol}: update id gap, expected {expected}, got {got}")]
    Gap {
        /// Instrument.
        symbol: Symbol,
        /// The id that should have come next.
        expected: u64,
        /// The id that came.
        got: u64,
    },
    /// The update is for another symbol.
    #[error("update for {got} applied to the {expected} book")]
    WrongSymbol {
        /// This book's symbol.
        expected: Symbol,
        /// The update's symbol.
        got: Symbol,
    },
}

/// An L2 book: price levels on each side, best first on access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBook {
    symbol: Symbol,
    ts: Timestamp,
    last_id: Option<u64>,
    bids: BTreeMap<Price, Quantity>,
    asks: BTreeMap<Price, Quantity>,
}

impl OrderBook {
    /// An empty book awaiting its first snapshot.
    #[must_use]
    pub fn new(symbol: Symbol) -> Self {
        Self {
            symbol,
            ts: Timestamp::default(),
            last_id: None,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
        }
    }

    /// The book's instrument.
    #[must_use]
    pub fn symbol(&self) -> Symbol {
        self.symbol
    }

    /// Time of the last applied update.
    #[must_use]
    pub fn ts(&self) -> Timestamp {
        self.ts
    }

    /// Applies a snapshot (replaces everything) or a delta (patches levels).
    /// Deltas must carry the id right after the last applied one.
    ///
    /// # Errors
    /// [`BookError`] for a delta before a snapshot, an id gap or a wrong
    /// symbol; the book is left unchanged then.
    pub fn apply(&mut self, update: &BookUpdate) -> Result<(), BookError> {
        if update.symbol != self.symbol {
            return Err(BookError::WrongSymbol {
                expected: self.symbol,
                got: update.symbol,
            });
        }
        match update.kind {
            BookUpdateKind::Snapshot => {
                self.bids.clear();
                self.asks.clear();
            }
            BookUpdateKind::Delta => {
                let last = self.last_id.ok_or(BookError::NoSnapshot {
                    symbol: self.symbol,
                    update_id: update.update_id,
                })?;
                if update.update_id != last + 1 {
                    return Err(BookError::Gap {
                        symbol: self.symbol,
                        expected: last + 1,
                        got: update.update_id,
                    });
                }
            }
        }
        for level in &update.bids {
            patch(&mut self.bids, *level);
        }
        for level in &update.asks {
            patch(&mut self.asks, *level);
        }
        self.last_id = Some(update.update_id);
        self.ts = update.ts;
        Ok(())
    }

    /// Removes up to `qty` from the level at `price` on the side a `taker`
    /// order trades against (asks for a buy, bids for a sell), as a fill
    /// would; the level disappears when emptied. Used by simulators.
    pub fn consume(&mut self, taker: crate::Side, price: Price, qty: Quantity) {
        let side = match taker {
            crate::Side::Buy => &mut self.asks,
            crate::Side::Sell => &mut self.bids,
        };
        if let Some(level) = side.get_mut(&price) {
            match level.checked_sub(qty) {
                Some(left) if !left.is_zero() => *level = left,
                _ => {
                    side.remove(&price);
                }
            }
        }
    }

    /// Levels a `taker` order trades against, best first: asks for a buy,
    /// bids for a sell.
    pub fn opposite(&self, taker: crate::Side) -> Box<dyn Iterator<Item = BookLevel> + '_> {
        match taker {
            crate::Side::Buy => Box::new(self.asks()),
            crate::Side::Sell => Box::new(self.bids()),
        }
    }

    /// Bids, best (highest) first.
    pub fn bids(&self) -> impl Iterator<Item = BookLevel> + '_ {
        self.bids
            .iter()
            .rev()
            .map(|(p, q)| BookLevel { price: *p, qty: *q })
    }

    /// Asks, best (lowest) first.
    pub fn asks(&self) -> impl Iterator<Item = BookLevel> + '_ {
        self.asks.iter().map(|(p, q)| BookLevel { price: *p, qty: *q })
    }

    /// Best bid, if any.
    #[must_use]
    pub fn best_bid(&self) -> Option<BookLevel> {
        self.bids().next()
    }

    /// Best ask, if any.
    #[must_use]
    pub fn best_ask(&self) -> Option<BookLevel> {
        self.asks().next()
    }
}

fn patch(side: &mut BTreeMap<Price, Quantity>, level: BookLevel) {
    if level.qty.is_zero() {
        side.remove(&level.price);
    } else {
        side.insert(level.price, level.qty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(p: &str, q: &str) -> BookLevel {
        BookLevel {
            price: Price::parse(p).unwrap(),
            qty: Quantity::parse(q).unwrap(),
        }
    }

    fn update(kind: BookUpdateKind, id: u64, bids: Vec<BookLevel>, asks: Vec<BookLevel>) -> BookUpdate {
        BookUpdate {
            symbol: Symbol::new("X"),
            ts: Timestamp::from_millis(id as i64),
            kind,
            update_id: id,
            bids,
            asks,
        }
    }

    #[test]
    fn snapshot_then_deltas() {
        let mut book = OrderBook::new(Symbol::new("X"));
        let delta = update(BookUpdateKind::Delta, 2, vec![], vec![]);
        assert!(matches!(book.apply(&delta), Err(BookError::NoSnapshot { .. })));
        book.apply(&update(
            BookUpdateKind::Snapshot,
            1,
            vec![lvl("99", "1"), lvl("98", "2")],
            vec![lvl("101", "1")],
        ))
        .unwrap();
        book.apply(&update(
            BookUpdateKind::Delta,
            2,
            vec![lvl("99", "0"), lvl("100", "3")],
            vec![],
        ))
        .unwrap();
        assert_eq!(book.best_bid(), Some(lvl("100", "3")));
        assert_eq!(book.bids().count(), 2);
        assert_eq!(book.best_ask(), Some(lvl("101", "1")));
        let gap = update(BookUpdateKind::Delta, 5, vec![], vec![]);
        assert_eq!(
            book.apply(&gap),
            Err(BookError::Gap {
                symbol: Symbol::new("X"),
                expected: 3,
                got: 5
            })
        );
    }
}
