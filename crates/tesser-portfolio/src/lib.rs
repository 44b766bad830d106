//! The portfolio: cash, per-symbol positions (long and short) with average
//! entry, realized and unrealized PnL, fees, closed round trips, and streaming
//! performance statistics. It learns only from [`tesser_core::Fill`]s and price
//! marks and knows nothing of any exchange.

mod portfolio;
mod position;
mod stats;

pub use portfolio::Portfolio;
pub use position::{Direction, Position, RoundTrip};
pub use stats::{EquityStats, PerformanceSummary};
