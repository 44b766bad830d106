//! Historical market data: streaming CSV candle files, a time-ordered merge of
//! several files, and a seeded synthetic random walk. Depends on `tesser-core`
//! and `tesser-broker` only; it never knows which exchange data came from.

mod csv_candles;
pub mod download;
pub mod resample;
pub mod validate;
mod error;
mod merge;
mod orderbook;
mod synthetic;

pub use csv_candles::{detect_interval, CandleCsvReader, CsvSource};
pub use error::DataError;
pub use merge::MergedCandles;
pub use orderbook::{BookJsonlReader, SyntheticBook};
pub use synthetic::SyntheticCandles;

#[cfg(test)]
mod ops_tests;
