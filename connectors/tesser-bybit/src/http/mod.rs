//! Signed REST client for the v5 market, trade, position and account endpoints.

pub(crate) mod client;
pub(crate) mod error;
mod market;
pub(crate) mod models;
pub(crate) mod parse;
pub(crate) mod query;
mod trade;

pub use client::BybitHttpClient;
pub use error::BybitError;
