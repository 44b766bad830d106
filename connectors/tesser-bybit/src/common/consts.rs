//! Venue constants from the v5 documentation.

/// Venue name used in [`tesser_broker::BrokerError`].
pub(crate) const VENUE: &str = "bybit";
/// Default `X-BAPI-RECV-WINDOW` in milliseconds.
pub(crate) const DEFAULT_RECV_WINDOW_MS: u64 = 5_000;
/// Maximum candles per kline request.
pub(crate) const KLINE_PAGE_LIMIT: usize = 1_000;
/// Timestamp outside the receive window.
pub(crate) const RET_TIMESTAMP_WINDOW: i64 = 10_002;
/// Too many visits (per-UID rate limit).
pub(crate) const RET_RATE_LIMIT: i64 = 10_006;
/// Server timeout.
pub(crate) const RET_SERVER_TIMEOUT: i64 = 10_000;
/// Server error.
pub(crate) const RET_SERVER_ERROR: i64 = 10_016;
/// Duplicate `orderLinkId`: on a retried create, the first attempt landed.
pub(crate) const RET_DUPLICATE_LINK_ID: i64 = 110_072;
