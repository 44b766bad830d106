//! Streaming indicators: O(1) work per update, no re-scanning of windows.
//! Values are `f64` (indicators may be approximate); money stays decimal.

mod sma;

pub use sma::{DecimalSma, Sma};
