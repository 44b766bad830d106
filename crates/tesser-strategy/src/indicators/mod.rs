//! Streaming indicators: `O(1)` work per update (amortised for the rolling
//! windows, which recompute their sums exactly once per period so they never
//! drift), no re-scanning of history. Values are `f64` (indicators may be
//! approximate); money stays decimal.
//!
//! Conventions follow TA-Lib so values can be checked against it: EMA seeded
//! with the SMA of its first `n` inputs, Wilder RSI/ATR seeded with a simple
//! mean (first value at row `period`), population standard deviation in
//! Bollinger bands, MACD seeded on the slow average's row. Deliberate
//! differences (flat-market RSI, zero-spread z-score) are documented on the
//! types.

mod atr;
mod bollinger;
mod correlation;
mod ema;
mod hedge_ratio;
mod macd;
mod rolling_stats;
mod rsi;
mod sma;
mod sma_pair;
mod window;

pub use atr::Atr;
pub use bollinger::{Bands, Bollinger};
pub use correlation::RollingCorrelation;
pub use ema::Ema;
pub use hedge_ratio::{Regression, RollingHedgeRatio};
pub use macd::{Macd, MacdValue};
pub use rolling_stats::RollingStats;
pub use rsi::Rsi;
pub use sma::{DecimalSma, Sma};
pub use sma_pair::DecimalSmaPair;

#[cfg(test)]
mod tests;
