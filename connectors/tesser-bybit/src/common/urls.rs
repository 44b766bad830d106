//! v5 paths, appended to the profile's base URLs.

pub(crate) const SERVER_TIME: &str = "/v5/market/time";
pub(crate) const INSTRUMENTS: &str = "/v5/market/instruments-info";
pub(crate) const KLINE: &str = "/v5/market/kline";
pub(crate) const TICKERS: &str = "/v5/market/tickers";
pub(crate) const ORDERBOOK: &str = "/v5/market/orderbook";
pub(crate) const RECENT_TRADE: &str = "/v5/market/recent-trade";
pub(crate) const ORDER_CREATE: &str = "/v5/order/create";
pub(crate) const ORDER_AMEND: &str = "/v5/order/amend";
pub(crate) const ORDER_CANCEL: &str = "/v5/order/cancel";
pub(crate) const ORDER_REALTIME: &str = "/v5/order/realtime";
pub(crate) const ORDER_HISTORY: &str = "/v5/order/history";
pub(crate) const EXECUTION_LIST: &str = "/v5/execution/list";
pub(crate) const POSITION_LIST: &str = "/v5/position/list";
pub(crate) const WALLET_BALANCE: &str = "/v5/account/wallet-balance";

/// Joins a base URL (with or without a trailing slash) and a path.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}
