//! Historical market data: streaming CSV and Parquet candle files, a
//! time-ordered merge of several files, and a seeded synthetic random walk. Depends on `tesser-core`
//! and `tesser-broker` only; it never knows which exchange data came from.

mod csv_candles;
pub mod download;
mod error;
mod events;
mod funding;
mod merge;
mod orderbook;
mod parquet;
mod prefetch;
pub mod resample;
mod synthetic;
mod trades;
pub mod validate;

pub use crate::parquet::{is_parquet, CandleParquetReader, CandleParquetWriter, BATCH, ROWS_PER_GROUP};
pub use csv_candles::{detect_interval, CandleCsvReader, CsvSource};
pub use error::DataError;
pub use events::MergedEvents;
pub use funding::FundingRates;
pub use merge::MergedCandles;
pub use orderbook::{BookJsonlReader, SyntheticBook};
pub use prefetch::Prefetch;
pub use synthetic::SyntheticCandles;
pub use trades::TradeJsonlReader;

#[cfg(test)]
mod ops_tests;
