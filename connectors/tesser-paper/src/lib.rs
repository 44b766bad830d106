//! A deterministic, synchronous paper exchange for backtests and paper trading.
//!
//! # Timing
//!
//! An order decided on bar `t` is decided at that bar's close (its open time
//! plus the interval); one decided on a book update or trade, at that event's
//! time. It becomes active `latency_ms` later and can only fill on events at
//! or after that moment. With [`FillModel::NextOpen`] (default) and no
//! latency, a signal at bar `t`'s close fills at bar `t+1`'s open, and a
//! signal on the last bar never fills. With [`FillModel::Close`] and no
//! latency, an order is worked at once: against bar `t`'s close, or against
//! the current book.
//!
//! # Fill rules (candles)
//!
//! A resting order meets each new bar (`o`, `h`, `l` = open, high, low):
//!
//! | order | fills when | at |
//! |---|---|---|
//! | market | always | `o` |
//! | buy limit `L` | `o <= L`, else `l <= L` | `o` (gap), else `L` |
//! | sell limit `L` | `o >= L`, else `h >= L` | `o` (gap), else `L` |
//! | buy stop `S` | `o >= S`, else `h >= S` | `o` (gap), else `S` |
//! | sell stop `S` | `o <= S`, else `l <= S` | `o` (gap), else `S` |
//!
//! In close mode an arriving order fills at the close if it is marketable
//! there (market; limit at or better than the close; stop already
//! triggered), and otherwise rests as above. Market and stop fills pay adverse
//! slippage (`price x (1 ± slippage_bps / 10 000)`); limit fills do not.
//!
//! # Fill rules (order books)
//!
//! Once a symbol has an order book, its orders are worked against the book
//! instead of candles. A marketable order walks the opposite side from the
//! best level, taking each level's size at that level's price (one fill per
//! level; no extra slippage: the walk is the cost), and what it took is
//! removed from the simulated book until the next update rewrites those
//! levels. A limit order takes only levels at or better than its price and
//! rests with the remainder; a market order larger than the book is
//! cancelled for the rest. Stops trigger when the touch crosses the trigger.
//!
//! # Fill rules (public trades)
//!
//! A symbol replayed from trade prints (and without a book) treats each print
//! as a zero-length bar: open, high, low and close at the print's price, volume
//! its size. Resting orders meet each print by the candle rules above (so a
//! market order fills at the next print's price, a limit when a print reaches
//! it), and a decision is active from its own time, not a bar's close.
//!
//! # Fees, volume and order options
//!
//! Every fill pays `rate x qty x fill price`: the taker rate (`fee_bps`) for
//! market, stop and marketable-on-arrival limit fills, the maker rate
//! (`maker_fee_bps`, default `fee_bps`) for resting limit fills.
//! `max_volume_fraction` caps what one bar can fill (all orders of the symbol
//! together) at that share of the bar's volume; the rest waits for the next
//! bar, partially filled. Post-only limits that would cross on arrival are
//! rejected; IOC and FOK orders get one chance (FOK all-or-nothing);
//! reduce-only orders are cut to the open position and cancelled without one.

mod bars;
mod book_fill;
mod candle_fill;
mod config;
mod exchange;

pub use config::{FillModel, PaperConfig};
pub use exchange::PaperExchange;
