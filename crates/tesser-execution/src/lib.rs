//! Order management: turns strategy [`tesser_core::Signal`]s into orders sized
//! by a [`Sizer`], checks them against pre-trade [`RiskLimits`], and tracks
//! working orders until they end. Venue-neutral: it emits
//! [`tesser_core::Command`]s and never talks to an exchange itself.

mod oms;
mod risk;

pub use oms::{OrderManager, Sizer};
pub use risk::{RiskLimits, RiskRejection};
