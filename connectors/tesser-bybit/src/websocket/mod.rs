//! Public and private WebSocket streams with heartbeat, liveness checks,
//! capped-backoff reconnects, resubscription, order-book integrity, kline
//! backfill over REST and, on the private stream, REST reconciliation of open
//! orders, positions and executions after every (re)connect (fills are
//! deduplicated on `execId`, so none is lost or reported twice).

mod client;
pub(crate) mod handler;
mod messages;
mod parse;

use tesser_core::{Event, Interval, Symbol};

pub use client::BybitStream;

use crate::types::{CoinBalance, Execution, OrderState, Position, Ticker};

/// One public topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subscription {
    /// `kline.{interval}.{symbol}`: closed candles only, each once.
    Kline {
        /// Symbol.
        symbol: Symbol,
        /// Bar length.
        interval: Interval,
    },
    /// `publicTrade.{symbol}`.
    Trades(Symbol),
    /// `orderbook.{depth}.{symbol}`: snapshot then deltas, kept in a local book.
    OrderBook {
        /// Symbol.
        symbol: Symbol,
        /// Depth (1, 50, 200 or 1000).
        depth: u32,
    },
    /// `tickers.{symbol}`: snapshot then merged deltas.
    Ticker(Symbol),
}

impl Subscription {
    /// The wire topic.
    #[must_use]
    pub fn topic(&self) -> String {
        match self {
            Subscription::Kline { symbol, interval } => format!("kline.{}.{symbol}", interval.bybit_name()),
            Subscription::Trades(s) => format!("publicTrade.{s}"),
            Subscription::OrderBook { symbol, depth } => format!("orderbook.{depth}.{symbol}"),
            Subscription::Ticker(s) => format!("tickers.{s}"),
        }
    }
}

/// Everything a stream reports: core market/account events plus venue facts
/// and connection state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// A core event (candle, trade, book update, order update, fill).
    Market(Event),
    /// A merged ticker.
    Ticker(Ticker),
    /// An order status push (also sent as `Market(Event::OrderUpdate)` when ours).
    Order(OrderState),
    /// An execution push, deduplicated on `execId` (also sent as `Market(Event::Fill)` when ours).
    Execution(Execution),
    /// A position push.
    Position(Position),
    /// A wallet push.
    Wallet(Vec<CoinBalance>),
    /// The socket is up, authenticated (private) and subscribed.
    Connected {
        /// Connection attempt number since the stream started (0 first).
        attempt: u32,
    },
    /// The socket died; a reconnect follows after a backoff.
    Disconnected {
        /// Why.
        reason: String,
    },
    /// A book had a sequence gap or crossed; it was dropped and resubscribed.
    BookResync {
        /// Symbol.
        symbol: Symbol,
        /// What was wrong.
        reason: String,
    },
    /// The venue refused a subscription (the socket is then dropped and
    /// reconnected with backoff, so a transient refusal heals), an
    /// unsubscription, or a private stream without credentials (which ends).
    Refused {
        /// Bybit's `ret_msg`.
        message: String,
    },
}
