//! Closed venue enums. Unknown values fail deserialisation (style §9).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use tesser_core::{OrderStatus, Side};

/// Bybit product category; each public category has its own socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// USDT/USDC perpetuals and futures.
    #[default]
    Linear,
    /// Coin-margined contracts.
    Inverse,
    /// Spot.
    Spot,
}

impl Category {
    /// The wire name (`linear`, `inverse`, `spot`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Linear => "linear",
            Category::Inverse => "inverse",
            Category::Spot => "spot",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a category name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Bybit category `{0}` (expected linear, inverse or spot)")]
pub struct CategoryError(pub String);

impl FromStr for Category {
    type Err = CategoryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "linear" => Ok(Category::Linear),
            "inverse" => Ok(Category::Inverse),
            "spot" => Ok(Category::Spot),
            other => Err(CategoryError(other.to_owned())),
        }
    }
}

/// Order side on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum BybitSide {
    Buy,
    Sell,
}

impl From<BybitSide> for Side {
    fn from(s: BybitSide) -> Self {
        match s {
            BybitSide::Buy => Side::Buy,
            BybitSide::Sell => Side::Sell,
        }
    }
}

impl From<Side> for BybitSide {
    fn from(s: Side) -> Self {
        match s {
            Side::Buy => BybitSide::Buy,
            Side::Sell => BybitSide::Sell,
        }
    }
}

impl BybitSide {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BybitSide::Buy => "Buy",
            BybitSide::Sell => "Sell",
        }
    }
}

/// Order status on the wire; see
/// <https://bybit-exchange.github.io/docs/v5/enum#orderstatus>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum BybitOrderStatus {
    New,
    PartiallyFilled,
    Untriggered,
    Triggered,
    Filled,
    Cancelled,
    PartiallyFilledCanceled,
    Rejected,
    Deactivated,
}

impl From<BybitOrderStatus> for OrderStatus {
    fn from(s: BybitOrderStatus) -> Self {
        use BybitOrderStatus as B;
        match s {
            B::Untriggered => Self::Pending,
            B::New | B::Triggered => Self::Open,
            B::PartiallyFilled => Self::PartiallyFilled,
            B::Filled => Self::Filled,
            B::Cancelled | B::PartiallyFilledCanceled | B::Deactivated => Self::Canceled,
            B::Rejected => Self::Rejected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_is_an_error() {
        let ok: BybitOrderStatus = serde_json::from_str("\"PartiallyFilledCanceled\"").unwrap();
        assert_eq!(OrderStatus::from(ok), OrderStatus::Canceled);
        assert!(serde_json::from_str::<BybitOrderStatus>("\"Weird\"").is_err());
    }

    #[test]
    fn every_status_maps() {
        let cases = [
            ("New", OrderStatus::Open),
            ("PartiallyFilled", OrderStatus::PartiallyFilled),
            ("Untriggered", OrderStatus::Pending),
            ("Triggered", OrderStatus::Open),
            ("Filled", OrderStatus::Filled),
            ("Cancelled", OrderStatus::Canceled),
            ("Rejected", OrderStatus::Rejected),
            ("Deactivated", OrderStatus::Canceled),
        ];
        for (wire, want) in cases {
            let s: BybitOrderStatus = serde_json::from_str(&format!("\"{wire}\"")).unwrap();
            assert_eq!(OrderStatus::from(s), want, "{wire}");
        }
    }
}
