//! What drives the engine (events) and what it asks of the outside (commands).

use serde::{Deserialize, Serialize};

use crate::{BookUpdate, Candle, ClientOrderId, Fill, OrderRequest, OrderUpdate, Symbol, Timestamp, Trade};

/// Everything the engine reacts to. Time is taken from these, never from a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A completed bar.
    Candle(Candle),
    /// A public trade.
    Trade(Trade),
    /// An order-book snapshot or delta.
    Book(BookUpdate),
    /// One of our orders filled (partly or fully).
    Fill(Fill),
    /// One of our orders changed status.
    OrderUpdate(OrderUpdate),
}

impl Event {
    /// The event's time.
    #[must_use]
    pub fn ts(&self) -> Timestamp {
        match self {
            Event::Candle(c) => c.open_time,
            Event::Trade(t) => t.ts,
            Event::Book(b) => b.ts,
            Event::Fill(f) => f.ts,
            Event::OrderUpdate(u) => u.ts,
        }
    }
}

/// What the engine asks its driver to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Send a new order.
    Submit(OrderRequest),
    /// Cancel a working order.
    Cancel {
        /// Instrument.
        symbol: Symbol,
        /// Our id of the order.
        id: ClientOrderId,
    },
}
