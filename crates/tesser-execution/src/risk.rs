//! Pre-trade risk limits and the liquidate-only kill switch.

use serde::{Deserialize, Serialize};
use tesser_core::{Decimal, OrderRequest, Quantity, Side, SpecError};

use crate::SizingError;

/// Limits every order must pass before it is sent. `None` disables a check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskLimits {
    /// Largest size of one order (fat-finger guard).
    pub max_order_quantity: Option<Quantity>,
    /// Largest absolute position per symbol after the order.
    pub max_position_quantity: Option<Quantity>,
    /// Drawdown from the equity peak (fraction) that flips the portfolio into
    /// liquidate-only mode.
    pub max_drawdown: Option<Decimal>,
}

/// Why an order was refused before it left the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskRejection {
    /// The order is larger than `max_order_quantity`.
    #[error("order size {qty} exceeds max_order_quantity {limit}")]
    OrderTooLarge {
        /// Requested size.
        qty: Quantity,
        /// The limit.
        limit: Quantity,
    },
    /// The position after the order would exceed `max_position_quantity`.
    #[error("position would reach {projected}, above max_position_quantity {limit}")]
    PositionTooLarge {
        /// Absolute projected position.
        projected: Decimal,
        /// The limit.
        limit: Quantity,
    },
    /// Liquidate-only mode: only exposure-reducing orders pass.
    #[error("liquidate-only mode (drawdown limit hit): order would not reduce exposure")]
    LiquidateOnly,
    /// The sizer could not size the signal (no price, short history, ...).
    #[error("not sized: {0}")]
    Sizing(SizingError),
    /// The order is under the instrument's `min_qty` or `min_notional`.
    #[error("under the instrument minimum: {0}")]
    Instrument(SpecError),
}

impl RiskLimits {
    /// Checks `order` given the symbol's signed exposure (position plus
    /// working orders) before it.
    ///
    /// # Errors
    /// The first [`RiskRejection`] the order triggers.
    pub fn check(
        &self,
        order: &OrderRequest,
        exposure: Decimal,
        liquidate_only: bool,
    ) -> Result<(), RiskRejection> {
        let signed = match order.side {
            Side::Buy => order.qty.get(),
            Side::Sell => -order.qty.get(),
        };
        let projected = (exposure + signed).abs();
        if liquidate_only && projected >= exposure.abs() {
            return Err(RiskRejection::LiquidateOnly);
        }
        if let Some(limit) = self.max_order_quantity {
            if order.qty > limit {
                return Err(RiskRejection::OrderTooLarge {
                    qty: order.qty,
                    limit,
                });
            }
        }
        if let Some(limit) = self.max_position_quantity {
            if projected > limit.get() && projected > exposure.abs() {
                return Err(RiskRejection::PositionTooLarge { projected, limit });
            }
        }
        Ok(())
    }
}
