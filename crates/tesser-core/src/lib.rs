//! Foundational value types shared by every Tesser crate.
//!
//! Money is exact ([`Price`], [`Quantity`], [`Cash`] wrap `rust_decimal::Decimal`),
//! time is one UTC [`Timestamp`] type, and [`Symbol`] is an interned, `Copy`
//! handle. This crate does no I/O, reads no clock and has no async code: it must
//! never depend on a runtime, an HTTP client or an exchange's wire types.
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]

mod book;
mod event;
mod instrument;
mod interval;
mod market;
mod money;
mod order;
mod signal;
mod symbol;
mod time;

pub use book::{BookError, OrderBook};
pub use event::{Command, Event};
pub use instrument::{InstrumentSpec, SpecError};
pub use interval::{Interval, IntervalError};
pub use market::{BookLevel, BookUpdate, BookUpdateKind, Candle, Trade};
pub use money::{decimal_to_f64, Cash, Price, Quantity, ValueError};
pub use order::{
    exec_id_digest, ClientOrderId, Fill, OrderKind, OrderRequest, OrderStatus, OrderUpdate, Side, TimeInForce,
};
pub use rust_decimal::Decimal;
pub use signal::{Signal, Target};
pub use symbol::{Symbol, SymbolHasher, SymbolMap};
pub use time::{Timestamp, TimestampError};
