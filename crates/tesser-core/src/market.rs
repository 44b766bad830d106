//! Market data: candles, public trades and L2 order-book updates.

use serde::{Deserialize, Serialize};

use crate::{Interval, Price, Quantity, Side, Symbol, Timestamp};

/// One OHLCV bar. `open_time` is the bar's start; the bar is complete at
/// `open_time + interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candle {
    /// Instrument.
    pub symbol: Symbol,
    /// Bar length.
    pub interval: Interval,
    /// Start of the bar (UTC).
    pub open_time: Timestamp,
    /// First traded price.
    pub open: Price,
    /// Highest traded price.
    pub high: Price,
    /// Lowest traded price.
    pub low: Price,
    /// Last traded price.
    pub close: Price,
    /// Base-asset volume.
    pub volume: Quantity,
}

impl Candle {
    /// A bar whose open, high, low and close are all `price`, with no volume
    /// (a trade print seen as a bar, or a test fixture).
    #[must_use]
    pub fn flat(symbol: Symbol, interval: Interval, open_time: Timestamp, price: Price) -> Self {
        Self {
            symbol,
            interval,
            open_time,
            open: price,
            high: price,
            low: price,
            close: price,
            volume: Quantity::ZERO,
        }
    }

    /// True when `low <= min(open, close)` and `high >= max(open, close)`.
    #[must_use]
    pub fn is_consistent(&self) -> bool {
        self.low <= self.open && self.low <= self.close && self.high >= self.open && self.high >= self.close
    }
}

/// One public trade print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    /// Instrument.
    pub symbol: Symbol,
    /// Venue time of the trade.
    pub ts: Timestamp,
    /// Execution price.
    pub price: Price,
    /// Executed size.
    pub qty: Quantity,
    /// Side of the aggressor (taker).
    pub taker_side: Side,
}

/// One price level of an L2 book; a zero quantity in a delta deletes the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookLevel {
    /// Level price.
    pub price: Price,
    /// Total resting size at that price.
    pub qty: Quantity,
}

/// Whether an update replaces the book or patches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookUpdateKind {
    /// Replace the whole book.
    Snapshot,
    /// Patch the listed levels (zero quantity removes a level).
    Delta,
}

/// An L2 order-book snapshot or delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookUpdate {
    /// Instrument.
    pub symbol: Symbol,
    /// Venue time of the update.
    pub ts: Timestamp,
    /// Snapshot or delta.
    pub kind: BookUpdateKind,
    /// Venue update id; each delta must follow the previous id.
    pub update_id: u64,
    /// Bid levels (any order).
    pub bids: Vec<BookLevel>,
    /// Ask levels (any order).
    pub asks: Vec<BookLevel>,
}
