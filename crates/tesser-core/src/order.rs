//! Orders, their life-cycle and fills.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Cash, Price, Quantity, Symbol, Timestamp};

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Buy the base asset.
    Buy,
    /// Sell the base asset.
    Sell,
}

impl Side {
    /// The other side.
    #[must_use]
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// `+1` for buys, `-1` for sells.
    #[must_use]
    pub fn sign(self) -> i8 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }

    /// Lower-case name, as written to reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Our id for an order, assigned when the order is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientOrderId(pub u64);

impl fmt::Display for ClientOrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How an order is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum OrderKind {
    /// Fill at the best available price.
    Market,
    /// Fill at `price` or better.
    Limit {
        /// Limit price.
        price: Price,
        /// Rejected instead of taking liquidity if it would cross on arrival.
        post_only: bool,
    },
    /// Becomes a market order once the price touches `trigger`.
    StopMarket {
        /// Trigger price: buys trigger at or above it, sells at or below it.
        trigger: Price,
    },
}

/// How long an order may rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInForce {
    /// Good till cancelled.
    #[default]
    Gtc,
    /// Immediate or cancel: whatever cannot fill at once is cancelled.
    Ioc,
    /// Fill or kill: fills completely at once or not at all.
    Fok,
}

/// A request to open an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    /// Our id.
    pub id: ClientOrderId,
    /// Instrument.
    pub symbol: Symbol,
    /// Buy or sell.
    pub side: Side,
    /// Size in base units.
    pub qty: Quantity,
    /// Market, limit or stop.
    pub kind: OrderKind,
    /// Time in force.
    pub tif: TimeInForce,
    /// May only reduce an existing position.
    pub reduce_only: bool,
    /// Event time at which the order was decided.
    pub created: Timestamp,
}

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Accepted but not yet active (e.g. an untriggered stop).
    Pending,
    /// Resting, nothing filled.
    Open,
    /// Some quantity filled, the rest still working.
    PartiallyFilled,
    /// Completely filled (terminal).
    Filled,
    /// Cancelled, possibly after partial fills (terminal).
    Canceled,
    /// Refused by the venue or by risk checks (terminal).
    Rejected,
}

impl OrderStatus {
    /// True for states after which nothing more happens to the order.
    #[must_use]
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Filled | Self::Canceled | Self::Rejected)
    }
}

/// A change of an order's status, reported by the venue (or the paper exchange).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderUpdate {
    /// Our id.
    pub id: ClientOrderId,
    /// Instrument.
    pub symbol: Symbol,
    /// New status.
    pub status: OrderStatus,
    /// Event time.
    pub ts: Timestamp,
    /// Why, for rejections and cancellations.
    pub reason: Option<String>,
}

/// An execution of (part of) an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fill {
    /// The order that filled.
    pub order_id: ClientOrderId,
    /// Instrument.
    pub symbol: Symbol,
    /// Buy or sell.
    pub side: Side,
    /// Filled size.
    pub qty: Quantity,
    /// Execution price.
    pub price: Price,
    /// Fee paid in quote currency (negative for a rebate).
    pub fee: Cash,
    /// Execution time.
    pub ts: Timestamp,
    /// The venue's execution id, as a 64-bit digest (see
    /// [`exec_id_digest`]); `None` for simulated fills. Two executions of one
    /// order at the same time, size and price are told apart by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec_id: Option<u64>,
}

/// A stable 64-bit digest (FNV-1a) of a venue's execution id text, never 0
/// (0 stands for "none" where a number must be stored).
#[must_use]
pub fn exec_id_digest(id: &str) -> u64 {
    let digest = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    digest.max(1)
}
