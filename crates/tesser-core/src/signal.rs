//! What a strategy wants: a target position per symbol. The execution layer
//! turns the gap between target and current exposure into orders.

use serde::{Deserialize, Serialize};

use crate::{OrderKind, Quantity, Symbol, Timestamp};

/// The position a strategy wants to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Hold a long position of the signal's size.
    Long,
    /// Hold a short position of the signal's size.
    Short,
    /// Hold nothing.
    Flat,
}

/// A strategy's decision for one symbol at one event time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// Instrument.
    pub symbol: Symbol,
    /// Desired position direction.
    pub target: Target,
    /// Desired absolute size; `None` lets the configured sizer decide.
    pub size: Option<Quantity>,
    /// Order type used to reach the target (market unless the strategy says otherwise).
    pub kind: OrderKind,
    /// Event time of the decision.
    pub ts: Timestamp,
}

impl Signal {
    /// A market-order signal sized by the configured sizer.
    #[must_use]
    pub fn market(symbol: Symbol, target: Target, ts: Timestamp) -> Self {
        Self {
            symbol,
            target,
            size: None,
            kind: OrderKind::Market,
            ts,
        }
    }

    /// The same signal with an explicit size.
    #[must_use]
    pub fn with_size(mut self, size: Quantity) -> Self {
        self.size = Some(size);
        self
    }
}
