//! `OrderBookImbalance`: trade the pressure of resting depth near the touch.
//!
//! On every book update of `symbol` the strategy sums the quantities of the
//! best `depth` bid and ask levels and forms the imbalance
//! `I = (bid - ask) / (bid + ask)` in `[-1, 1]`, compared exactly in decimals.
//!
//! * Flat: `I > threshold` goes long, `I < -threshold` goes short (when
//!   `allow_short`). An entry needs the imbalance to have been back inside
//!   `[-threshold, threshold]` since the last exit, so one persistent
//!   imbalance is traded once, not re-entered on every update.
//! * In a position: exit when `holding_ms` have passed since entry (book
//!   time), or on a reversal — `I` beyond the threshold on the other side —
//!   which goes flat, or straight to the opposite side when `allow_short`.
//!
//! A book with an empty side gives no reading and no decision. The horizon
//! is only checked when a book update arrives.

use serde::Deserialize;
use tesser_core::{Decimal, OrderBook, Quantity, Signal, Symbol, Target, Timestamp};

use crate::registry::{invalid, parse_params, symbol_field, ParamInfo, StrategyError, StrategyInfo};
use crate::{Context, Strategy};

/// Typed parameters of [`OrderBookImbalance`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBookImbalanceConfig {
    /// Instrument to trade.
    pub symbol: String,
    /// Levels per side summed (at least 1).
    #[serde(default = "default_depth")]
    pub depth: usize,
    /// Imbalance that triggers an entry, in `(0, 1)`.
    pub threshold: f64,
    /// Holding horizon in milliseconds of book time (at least 1).
    pub holding_ms: i64,
    /// Also go short on ask-side pressure.
    #[serde(default)]
    pub allow_short: bool,
}

fn default_depth() -> usize {
    5
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "OrderBookImbalance",
    summary: "Microstructure: trade top-of-book depth imbalance for a fixed holding horizon",
    params: &[
        ParamInfo {
            name: "symbol",
            kind: "string",
            default: None,
            doc: "instrument to trade",
        },
        ParamInfo {
            name: "depth",
            kind: "integer",
            default: Some("5"),
            doc: "book levels per side summed (>= 1)",
        },
        ParamInfo {
            name: "threshold",
            kind: "float",
            default: None,
            doc: "entry imbalance (bid-ask)/(bid+ask), 0 < threshold < 1",
        },
        ParamInfo {
            name: "holding_ms",
            kind: "integer",
            default: None,
            doc: "exit after this many milliseconds of book time (>= 1)",
        },
        ParamInfo {
            name: "allow_short",
            kind: "bool",
            default: Some("false"),
            doc: "go short on ask-side pressure; a reversal flips the position",
        },
    ],
    build: |params, _| {
        Ok(Box::new(OrderBookImbalance::new(parse_params(
            INFO.name, params,
        )?)?))
    },
};

/// Where the imbalance stands relative to the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Bid,
    Neutral,
    Ask,
}

/// Order-book imbalance strategy.
#[derive(Debug, Clone)]
pub struct OrderBookImbalance {
    symbols: [Symbol; 1],
    depth: usize,
    threshold: Decimal,
    holding_ms: i64,
    allow_short: bool,
    held: Target,
    entered: Timestamp,
    armed: bool,
}

impl OrderBookImbalance {
    /// Builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] naming the field for an empty symbol,
    /// `depth = 0`, a threshold outside `(0, 1)` or `holding_ms < 1`.
    pub fn new(cfg: OrderBookImbalanceConfig) -> Result<Self, StrategyError> {
        let name = INFO.name;
        let symbol = symbol_field(name, "symbol", &cfg.symbol)?;
        if cfg.depth == 0 {
            return Err(invalid(name, "depth", "must be at least 1"));
        }
        let threshold = Decimal::try_from(cfg.threshold)
            .ok()
            .filter(|t| *t > Decimal::ZERO && *t < Decimal::ONE)
            .ok_or_else(|| {
                invalid(
                    name,
                    "threshold",
                    format!("must be between 0 and 1, got {}", cfg.threshold),
                )
            })?;
        if cfg.holding_ms < 1 {
            return Err(invalid(name, "holding_ms", "must be at least 1"));
        }
        Ok(Self {
            symbols: [symbol],
            depth: cfg.depth,
            threshold,
            holding_ms: cfg.holding_ms,
            allow_short: cfg.allow_short,
            held: Target::Flat,
            entered: Timestamp::default(),
            armed: true,
        })
    }

    /// Top-`depth` bid and ask quantity, or `None` when a side is empty.
    fn depth_sums(&self, book: &OrderBook) -> Option<(Decimal, Decimal)> {
        let sum = |levels: &mut dyn Iterator<Item = tesser_core::BookLevel>| {
            levels
                .take(self.depth)
                .fold(Quantity::ZERO, |acc, l| acc + l.qty)
                .get()
        };
        let bid = sum(&mut book.bids());
        let ask = sum(&mut book.asks());
        (bid > Decimal::ZERO && ask > Decimal::ZERO).then_some((bid, ask))
    }

    fn read(&self, bid: Decimal, ask: Decimal) -> Reading {
        // (bid - ask) / (bid + ask) > t  <=>  bid - ask > t * (bid + ask)
        let edge = self.threshold * (bid + ask);
        if bid - ask > edge {
            Reading::Bid
        } else if ask - bid > edge {
            Reading::Ask
        } else {
            Reading::Neutral
        }
    }

    fn decide(&mut self, reading: Reading, now: Timestamp) -> Option<Target> {
        if reading == Reading::Neutral {
            self.armed = true;
        }
        let expired = now.as_millis().saturating_sub(self.entered.as_millis()) >= self.holding_ms;
        let entry = |armed: bool, short: bool| match reading {
            Reading::Bid if armed => Some(Target::Long),
            Reading::Ask if armed && short => Some(Target::Short),
            _ => None,
        };
        match (self.held, reading) {
            (Target::Flat, _) => entry(self.armed, self.allow_short),
            (Target::Long, Reading::Ask) | (Target::Short, Reading::Bid) => {
                self.armed = false;
                Some(entry(true, self.allow_short).unwrap_or(Target::Flat))
            }
            _ if expired => {
                self.armed = reading == Reading::Neutral;
                Some(Target::Flat)
            }
            _ => None,
        }
    }
}

impl Strategy for OrderBookImbalance {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn market_data(&self) -> crate::MarketData {
        crate::MarketData {
            trades: false,
            // The smallest Bybit v5 depth stream that covers `depth` levels.
            book_depth: Some(match self.depth {
                0 | 1 => 1,
                2..=50 => 50,
                51..=200 => 200,
                _ => 1000,
            }),
        }
    }

    fn sync_positions(&mut self, positions: &dyn Fn(Symbol) -> Decimal) {
        self.held = crate::target_of(positions(self.symbols[0]));
    }

    fn on_book(&mut self, _ctx: &Context<'_>, book: &OrderBook, out: &mut Vec<Signal>) {
        if book.symbol() != self.symbols[0] {
            return;
        }
        let Some((bid, ask)) = self.depth_sums(book) else {
            return;
        };
        let now = book.ts();
        let reading = self.read(bid, ask);
        if let Some(target) = self.decide(reading, now) {
            if target != Target::Flat {
                self.entered = now;
            }
            if target != self.held {
                self.held = target;
                out.push(Signal::market(self.symbols[0], target, now));
            }
        }
    }
}

#[cfg(test)]
mod tests;
