//! Connector-level values for venue facts that `tesser-core` has no type for
//! (instrument filters, tickers, positions, balances). Money stays exact.

use tesser_core::{
    exec_id_digest, Cash, ClientOrderId, Fill, OrderStatus, Price, Quantity, Side, Symbol, Timestamp,
};

/// Trading rules of one instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    /// Symbol.
    pub symbol: Symbol,
    /// `Trading`, `PreLaunch`, `Delivering` or `Closed`.
    pub status: String,
    /// Base coin.
    pub base_coin: String,
    /// Quote coin.
    pub quote_coin: String,
    /// Price increment.
    pub tick_size: Price,
    /// Quantity increment (`qtyStep`, or spot's `basePrecision`).
    pub qty_step: Quantity,
    /// Smallest order size.
    pub min_qty: Quantity,
    /// Largest order size.
    pub max_qty: Option<Quantity>,
}

/// Best prices and last trade of one symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticker {
    /// Symbol.
    pub symbol: Symbol,
    /// Last traded price.
    pub last_price: Option<Price>,
    /// Best bid.
    pub bid: Option<Price>,
    /// Best ask.
    pub ask: Option<Price>,
    /// Mark price (derivatives).
    pub mark_price: Option<Price>,
}

/// Our view of one order as Bybit reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    /// Bybit's order id.
    pub order_id: String,
    /// Our id, when the order was placed by Tesser (`orderLinkId` is a `u64`).
    pub client_id: Option<ClientOrderId>,
    /// Symbol.
    pub symbol: Symbol,
    /// Side.
    pub side: Side,
    /// Status (closed mapping of Bybit's `orderStatus`).
    pub status: OrderStatus,
    /// Ordered quantity.
    pub qty: Quantity,
    /// Filled so far.
    pub filled_qty: Quantity,
    /// Limit price (`None` for market orders).
    pub price: Option<Price>,
    /// Average fill price.
    pub avg_price: Option<Price>,
    /// Bybit's reject/cancel reason (`None` for `EC_NoError`).
    pub reason: Option<String>,
    /// Last update time.
    pub updated: Timestamp,
}

/// One execution (fill) as Bybit reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    /// Unique execution id (dedupe on it).
    pub exec_id: String,
    /// Bybit's order id.
    pub order_id: String,
    /// Our id, when the order was placed by Tesser.
    pub client_id: Option<ClientOrderId>,
    /// Symbol.
    pub symbol: Symbol,
    /// Side.
    pub side: Side,
    /// Filled quantity.
    pub qty: Quantity,
    /// Fill price.
    pub price: Price,
    /// Fee paid (negative for a rebate).
    pub fee: Cash,
    /// Execution time.
    pub ts: Timestamp,
    /// Maker or taker.
    pub is_maker: bool,
}

impl Execution {
    /// The core fill, when the order is ours.
    #[must_use]
    pub fn to_fill(&self) -> Option<Fill> {
        Some(Fill {
            order_id: self.client_id?,
            symbol: self.symbol,
            side: self.side,
            qty: self.qty,
            price: self.price,
            fee: self.fee,
            ts: self.ts,
            exec_id: Some(exec_id_digest(&self.exec_id)),
        })
    }
}

/// A position on one symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Symbol.
    pub symbol: Symbol,
    /// `None` when flat.
    pub side: Option<Side>,
    /// Absolute size.
    pub size: Quantity,
    /// Average entry price.
    pub avg_price: Option<Price>,
    /// Unrealised PnL.
    pub unrealised_pnl: Cash,
}

/// The balance of one coin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoinBalance {
    /// Coin name.
    pub coin: String,
    /// Wallet balance.
    pub wallet_balance: Cash,
    /// Equity.
    pub equity: Cash,
    /// Locked in orders.
    pub locked: Cash,
}

/// The venue's acknowledgement of an order request (the outcome comes later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAck {
    /// Bybit's order id.
    pub order_id: String,
    /// Our `orderLinkId`.
    pub order_link_id: String,
}
