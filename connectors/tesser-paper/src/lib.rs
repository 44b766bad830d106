//! A deterministic, synchronous paper exchange for backtests and paper trading.
//!
//! # Fill rules (candles)
//!
//! An order submitted while bar `t` is being handled becomes active according
//! to the [`FillModel`]:
//!
//! - [`FillModel::NextOpen`] (default): nothing fills on bar `t`; orders are
//!   matched against bar `t+1` of their symbol. A signal on the last bar never
//!   fills.
//! - [`FillModel::Close`]: market orders fill at bar `t`'s close at once; a
//!   limit or stop order that is marketable or triggered at that close fills
//!   there too, otherwise it rests and is matched from bar `t+1` on.
//!
//! Matching a resting order against a bar (`o`, `h`, `l` = open, high, low):
//!
//! | order | fills when | at |
//! |---|---|---|
//! | market | always | `o` |
//! | buy limit `L` | `o <= L`, else `l <= L` | `o` (gap), else `L` |
//! | sell limit `L` | `o >= L`, else `h >= L` | `o` (gap), else `L` |
//! | buy stop `S` | `o >= S`, else `h >= S` | `o` (gap), else `S` |
//! | sell stop `S` | `o <= S`, else `l <= S` | `o` (gap), else `S` |
//!
//! Market and stop fills pay adverse slippage (`price x (1 ± slippage_bps /
//! 10 000)`); limit fills do not. A post-only limit that would fill on arrival
//! is rejected. IOC and FOK orders get one chance (the first bar they meet)
//! and are cancelled otherwise. Reduce-only orders are cut to the open
//! position and cancelled when there is none. Every fill pays
//! `fee_bps / 10 000 x qty x fill price`. Candle fills are whole: volume does
//! not limit them.
//!
//! # Fill rules (order books)
//!
//! Once a symbol has an order book, its orders are worked against the book
//! instead of candles. With [`FillModel::NextOpen`] an order waits for the
//! next book update of its symbol; with [`FillModel::Close`] it is worked
//! against the current book at once. A marketable order walks the opposite
//! side from the best level, taking each level's size at that level's price
//! (one fill per level; no extra slippage is added, the walk is the cost), and
//! the size it took is removed from the simulated book until the next update
//! rewrites those levels. A limit order takes only levels at or better than its
//! price and rests with the remainder; a market order whose size exceeds the
//! book is cancelled for the rest. Stops trigger when the touch crosses the
//! trigger, then walk like market orders. Post-only, IOC, FOK (all-or-nothing
//! on the visible depth) and reduce-only behave as for candles.

mod book_fill;
mod exchange;

pub use exchange::{FillModel, PaperConfig, PaperExchange};
