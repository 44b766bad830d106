//! Bybit v5 connector: signed REST ([`BybitHttpClient`]), public and private
//! WebSocket streams ([`BybitStream`]) and the `tesser-broker` traits
//! ([`BybitExecution`], [`BybitHistorical`], [`BybitStream`] as `MarketStream`).
//!
//! Wire types (`Bybit*`) are crate-private and become `tesser-core` types (or
//! the connector types in [`types`]) at the edge. Venue words such as
//! `category` stay here; nothing in this crate leaks into `tesser-core`.
//! Tests run against `tesser-mock-bybit` on the loopback, never the internet.

pub mod common;
pub mod config;
mod data;
mod execution;
pub mod http;
pub mod types;
pub mod websocket;

#[cfg(test)]
mod fixture_tests;

pub use common::credential::Secret;
pub use common::enums::{Category, CategoryError};
pub use common::Backoff;
pub use config::BybitConfig;
pub use data::BybitHistorical;
pub use execution::BybitExecution;
pub use http::{BybitError, BybitHttpClient};
pub use websocket::{BybitStream, StreamEvent, Subscription};
