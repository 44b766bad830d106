//! Venue-neutral traits that every connector implements. Depends only on
//! `tesser-core`: nothing here knows HTTP, JSON or any one exchange. A broker
//! call only says whether a request was accepted; fills and order updates
//! arrive later as [`tesser_core::Event`]s, in live and paper modes alike.

use std::future::Future;
use std::pin::Pin;

use tesser_core::{Candle, ClientOrderId, Event, Interval, OrderRequest, Symbol, Timestamp};

/// A boxed future so the traits can be used as `dyn` objects.
pub type BrokerFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BrokerError>> + Send + 'a>>;

/// Why a broker call failed. Transient failures are split from rejections so
/// the caller knows what is worth retrying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrokerError {
    /// Timeout, dropped socket, HTTP 5xx or rate limit: retry with backoff.
    #[error("connection to {venue} failed: {detail}")]
    Connectivity {
        /// Venue name.
        venue: &'static str,
        /// What happened.
        detail: String,
    },
    /// The venue refused the request; sending it again cannot help.
    #[error("{venue} rejected the request (code {code}): {message}")]
    Rejected {
        /// Venue name.
        venue: &'static str,
        /// Venue error code.
        code: i64,
        /// Venue error text.
        message: String,
    },
    /// The venue answered with something we could not understand.
    #[error("unexpected answer from {venue}: {detail}")]
    Protocol {
        /// Venue name.
        venue: &'static str,
        /// What was wrong with it.
        detail: String,
    },
}

/// Sends orders to one venue. Implementations must be cheap to share.
pub trait ExecutionClient: Send + Sync {
    /// Submits an order; `Ok` means the venue accepted the request, not that
    /// it filled.
    fn submit_order(&self, request: OrderRequest) -> BrokerFuture<'_, ()>;
    /// Asks the venue to cancel a working order.
    fn cancel_order(&self, symbol: Symbol, id: ClientOrderId) -> BrokerFuture<'_, ()>;
}

/// Streams normalised market and account events from one venue. Events for one
/// symbol arrive in venue order; `next_event` is cancellation-safe.
pub trait MarketStream: Send {
    /// The next event, or `None` when the stream has ended for good.
    fn next_event(&mut self) -> BrokerFuture<'_, Option<Event>>;
}

/// Downloads historical candles from one venue.
pub trait HistoricalData: Send + Sync {
    /// Closed candles with `start <= open_time < end`, ascending, at most
    /// `limit` of them starting from the oldest.
    fn candles(
        &self,
        symbol: Symbol,
        interval: Interval,
        start: Timestamp,
        end: Timestamp,
        limit: usize,
    ) -> BrokerFuture<'_, Vec<Candle>>;
}
