//! Order management: turns strategy [`tesser_core::Signal`]s into orders sized
//! by a [`Sizer`] (fixed quantity, fixed notional, percent of equity or
//! volatility target) and rounded to the instrument's lot and tick, checks
//! them against pre-trade [`RiskLimits`], and tracks working orders until
//! they end. Venue-neutral: it emits
//! [`tesser_core::Command`]s and never talks to an exchange itself.

mod oms;
mod risk;
mod sizing;

pub use oms::{OrderManager, SignalContext};
pub use risk::{RiskLimits, RiskRejection};
pub use sizing::{Sizer, SizingError, VolTracker};
