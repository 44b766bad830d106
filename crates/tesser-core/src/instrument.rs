//! Trading rules of one instrument: price tick, lot size and minimum order.
//!
//! Rounding rules (all exact, in decimals):
//! - quantities are floored to a multiple of `lot_size` (never more than asked);
//! - an order under `min_qty`, or whose notional (price × quantity) is under
//!   `min_notional`, is refused;
//! - limit prices are rounded to the tick *away from crossing*: buy limits
//!   down, sell limits up, so a rounded order never pays more (or receives
//!   less) than the strategy asked;
//! - stop triggers are rounded *away from firing*: buy stops up, sell stops
//!   down, so a rounded stop never triggers earlier than asked.

use serde::{Deserialize, Serialize};

use crate::{Cash, Decimal, OrderKind, Price, Quantity, Side};

/// Why an instrument spec or an order under it is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// `tick_size` or `lot_size` is zero or negative.
    #[error("`{field}` must be greater than zero, got {value}")]
    NotPositive {
        /// The field.
        field: &'static str,
        /// Its value.
        value: Decimal,
    },
    /// `min_qty` or `min_notional` is negative.
    #[error("`{field}` must not be negative, got {value}")]
    Negative {
        /// The field.
        field: &'static str,
        /// Its value.
        value: Decimal,
    },
    /// The lot-rounded quantity is under `min_qty`.
    #[error("quantity {qty} (floored to the lot size) is under min_qty {min}")]
    BelowMinQty {
        /// The rounded quantity.
        qty: Quantity,
        /// The minimum.
        min: Quantity,
    },
    /// Price × quantity is under `min_notional`.
    #[error("notional {notional} is under min_notional {min}")]
    BelowMinNotional {
        /// Price × rounded quantity.
        notional: Cash,
        /// The minimum.
        min: Cash,
    },
}

/// Tick, lot and minimum-order rules of one instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSpec", into = "RawSpec")]
pub struct InstrumentSpec {
    tick_size: Price,
    lot_size: Quantity,
    min_qty: Quantity,
    min_notional: Option<Cash>,
}

/// The unchecked serde form of [`InstrumentSpec`].
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    tick_size: Decimal,
    lot_size: Decimal,
    min_qty: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_notional: Option<Decimal>,
}

impl TryFrom<RawSpec> for InstrumentSpec {
    type Error = SpecError;
    fn try_from(raw: RawSpec) -> Result<Self, SpecError> {
        Self::new(raw.tick_size, raw.lot_size, raw.min_qty, raw.min_notional)
    }
}

impl From<InstrumentSpec> for RawSpec {
    fn from(spec: InstrumentSpec) -> Self {
        Self {
            tick_size: spec.tick_size.get(),
            lot_size: spec.lot_size.get(),
            min_qty: spec.min_qty.get(),
            min_notional: spec.min_notional.map(Cash::get),
        }
    }
}

impl InstrumentSpec {
    /// Builds a spec.
    ///
    /// # Errors
    /// [`SpecError::NotPositive`] when `tick_size` or `lot_size` is not above
    /// zero, [`SpecError::Negative`] when `min_qty` or `min_notional` is
    /// below zero.
    pub fn new(
        tick_size: Decimal,
        lot_size: Decimal,
        min_qty: Decimal,
        min_notional: Option<Decimal>,
    ) -> Result<Self, SpecError> {
        let positive = |field: &'static str, value: Decimal| {
            if value > Decimal::ZERO {
                Ok(value)
            } else {
                Err(SpecError::NotPositive { field, value })
            }
        };
        let non_negative = |field: &'static str, value: Decimal| {
            if value < Decimal::ZERO {
                Err(SpecError::Negative { field, value })
            } else {
                Ok(value)
            }
        };
        let tick = positive("tick_size", tick_size)?;
        let lot = positive("lot_size", lot_size)?;
        let min = non_negative("min_qty", min_qty)?;
        let notional = min_notional
            .map(|n| non_negative("min_notional", n))
            .transpose()?;
        // Checked non-negative above, so the newtypes cannot fail.
        Ok(Self {
            tick_size: Price::new(tick).map_err(|_| SpecError::NotPositive {
                field: "tick_size",
                value: tick,
            })?,
            lot_size: Quantity::new(lot).map_err(|_| SpecError::NotPositive {
                field: "lot_size",
                value: lot,
            })?,
            min_qty: Quantity::new(min).map_err(|_| SpecError::Negative {
                field: "min_qty",
                value: min,
            })?,
            min_notional: notional.map(Cash::new),
        })
    }

    /// Price increment.
    #[must_use]
    pub fn tick_size(&self) -> Price {
        self.tick_size
    }

    /// Quantity increment.
    #[must_use]
    pub fn lot_size(&self) -> Quantity {
        self.lot_size
    }

    /// Smallest order quantity.
    #[must_use]
    pub fn min_qty(&self) -> Quantity {
        self.min_qty
    }

    /// Smallest order notional, if the venue has one.
    #[must_use]
    pub fn min_notional(&self) -> Option<Cash> {
        self.min_notional
    }

    /// `raw` floored to a multiple of the lot size (negative input gives zero).
    #[must_use]
    pub fn floor_qty(&self, raw: Decimal) -> Quantity {
        let lot = self.lot_size.get();
        let floored = (raw / lot).floor() * lot;
        Quantity::new(floored.normalize()).unwrap_or(Quantity::ZERO)
    }

    /// Checks an already lot-rounded order quantity at `price` against
    /// `min_qty` and `min_notional`.
    ///
    /// # Errors
    /// [`SpecError::BelowMinQty`] or [`SpecError::BelowMinNotional`].
    pub fn check_order(&self, qty: Quantity, price: Option<Price>) -> Result<(), SpecError> {
        if qty < self.min_qty {
            return Err(SpecError::BelowMinQty {
                qty,
                min: self.min_qty,
            });
        }
        if let (Some(min), Some(price)) = (self.min_notional, price) {
            let notional = price * qty;
            if notional < min {
                return Err(SpecError::BelowMinNotional { notional, min });
            }
        }
        Ok(())
    }

    /// `price` rounded to the tick: down when `down`, else up.
    #[must_use]
    pub fn round_price(&self, price: Price, down: bool) -> Price {
        let tick = self.tick_size.get();
        let steps = price.get() / tick;
        let steps = if down { steps.floor() } else { steps.ceil() };
        Price::new((steps * tick).normalize()).unwrap_or(price)
    }

    /// `kind` with its limit price or stop trigger on the tick: buy limits
    /// down, sell limits up, buy stops up, sell stops down.
    #[must_use]
    pub fn round_kind(&self, kind: OrderKind, side: Side) -> OrderKind {
        match kind {
            OrderKind::Market => OrderKind::Market,
            OrderKind::Limit { price, post_only } => OrderKind::Limit {
                price: self.round_price(price, side == Side::Buy),
                post_only,
            },
            OrderKind::StopMarket { trigger } => OrderKind::StopMarket {
                trigger: self.round_price(trigger, side == Side::Sell),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn spec() -> InstrumentSpec {
        InstrumentSpec::new(d("0.5"), d("0.001"), d("0.01"), Some(d("5"))).unwrap()
    }

    #[test]
    fn quantities_floor_to_the_lot() {
        let s = spec();
        assert_eq!(s.floor_qty(d("1.23456")).get(), d("1.234"));
        assert_eq!(s.floor_qty(d("0.0009")).get(), Decimal::ZERO);
        assert_eq!(s.floor_qty(d("2")).get(), d("2"));
        assert_eq!(s.floor_qty(d("-1")).get(), Decimal::ZERO);
        let odd = InstrumentSpec::new(d("1"), d("0.3"), d("0"), None).unwrap();
        assert_eq!(odd.floor_qty(d("1")).get(), d("0.9"));
    }

    #[test]
    fn minimums_refuse_small_orders() {
        let s = spec();
        let p = Price::new(d("100")).unwrap();
        let q = |x: &str| Quantity::new(d(x)).unwrap();
        assert!(matches!(
            s.check_order(q("0.009"), Some(p)),
            Err(SpecError::BelowMinQty { .. })
        ));
        // 0.04 × 100 = 4 < 5.
        assert!(matches!(
            s.check_order(q("0.04"), Some(p)),
            Err(SpecError::BelowMinNotional { .. })
        ));
        assert_eq!(s.check_order(q("0.05"), Some(p)), Ok(()));
        assert_eq!(s.check_order(q("0.04"), None), Ok(()));
    }

    #[test]
    fn prices_round_away_from_crossing_or_firing() {
        let s = spec();
        let p = Price::new(d("100.3")).unwrap();
        let limit = |side| {
            s.round_kind(
                OrderKind::Limit {
                    price: p,
                    post_only: false,
                },
                side,
            )
        };
        let stop = |side| s.round_kind(OrderKind::StopMarket { trigger: p }, side);
        let px = |k: OrderKind| match k {
            OrderKind::Limit { price, .. } => price.get(),
            OrderKind::StopMarket { trigger } => trigger.get(),
            OrderKind::Market => Decimal::ZERO,
        };
        assert_eq!(px(limit(Side::Buy)), d("100"));
        assert_eq!(px(limit(Side::Sell)), d("100.5"));
        assert_eq!(px(stop(Side::Buy)), d("100.5"));
        assert_eq!(px(stop(Side::Sell)), d("100"));
        // On-tick prices are unchanged.
        let on = Price::new(d("99.5")).unwrap();
        assert_eq!(s.round_price(on, true), on);
        assert_eq!(s.round_price(on, false), on);
    }

    #[test]
    fn bad_specs_name_the_field() {
        let e = InstrumentSpec::new(d("0"), d("1"), d("0"), None).unwrap_err();
        assert!(e.to_string().contains("tick_size"), "{e}");
        let e = InstrumentSpec::new(d("1"), d("-1"), d("0"), None).unwrap_err();
        assert!(e.to_string().contains("lot_size"), "{e}");
        let e = InstrumentSpec::new(d("1"), d("1"), d("0"), Some(d("-2"))).unwrap_err();
        assert!(e.to_string().contains("min_notional"), "{e}");
    }
}
