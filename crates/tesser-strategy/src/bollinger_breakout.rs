//! `BollingerBreakout`: trade closes outside the Bollinger band, exit at the
//! middle band, with an optional ATR stop.
//!
//! When flat, a close above the upper band goes long; a close below the lower
//! band goes short when `allow_short`. A long exits when a close is at or
//! below the middle band, a short at or above it. With `atr_stop_mult = k`,
//! a position also exits when the close moves `k × ATR` against the entry
//! close (the ATR taken at entry). After a stop, the same side re-arms only
//! once a close is back inside the band, so a stop is not followed by an
//! immediate re-entry on the same breakout. One transition per candle.
//! Bands and ATR are computed on the close (and high/low) of each candle of
//! `symbol`; decisions use the strategy's record of its last target.

use serde::Deserialize;
use tesser_core::{Candle, Signal, Symbol, Target};

use crate::indicators::{Atr, Bollinger};
use crate::registry::{invalid, parse_params, symbol_field, ParamInfo, StrategyError, StrategyInfo};
use crate::{to_f64, Context, Strategy};

/// Typed parameters of [`BollingerBreakout`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BollingerBreakoutConfig {
    /// Instrument to trade.
    pub symbol: String,
    /// Band length (bars), at least 2.
    #[serde(default = "default_period")]
    pub period: usize,
    /// Band width in population standard deviations, above 0.
    #[serde(default = "default_mult")]
    pub mult: f64,
    /// Also trade breakouts below the lower band.
    #[serde(default)]
    pub allow_short: bool,
    /// ATR stop distance in ATRs from the entry close; no stop when absent.
    pub atr_stop_mult: Option<f64>,
    /// ATR length (bars) for the stop.
    #[serde(default = "default_atr_period")]
    pub atr_period: usize,
}

fn default_period() -> usize {
    20
}
fn default_mult() -> f64 {
    2.0
}
fn default_atr_period() -> usize {
    14
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "BollingerBreakout",
    summary:
        "Breakout: enter on a close outside the Bollinger band, exit at the middle band, optional ATR stop",
    params: &[
        ParamInfo {
            name: "symbol",
            kind: "string",
            default: None,
            doc: "instrument to trade",
        },
        ParamInfo {
            name: "period",
            kind: "integer",
            default: Some("20"),
            doc: "band length in bars (>= 2)",
        },
        ParamInfo {
            name: "mult",
            kind: "float",
            default: Some("2.0"),
            doc: "band half-width in standard deviations (> 0)",
        },
        ParamInfo {
            name: "allow_short",
            kind: "bool",
            default: Some("false"),
            doc: "short closes below the lower band",
        },
        ParamInfo {
            name: "atr_stop_mult",
            kind: "float",
            default: Some("none"),
            doc: "exit when the close moves this many ATRs against the entry (> 0)",
        },
        ParamInfo {
            name: "atr_period",
            kind: "integer",
            default: Some("14"),
            doc: "ATR length in bars for the stop (>= 1)",
        },
    ],
    build: |params, _| {
        Ok(Box::new(BollingerBreakout::new(parse_params(
            INFO.name, params,
        )?)?))
    },
};

/// Where an open position stops out.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stop {
    level: f64,
}

/// Bollinger band breakout strategy.
#[derive(Debug, Clone)]
pub struct BollingerBreakout {
    symbols: [Symbol; 1],
    bands: Bollinger,
    atr: Atr,
    allow_short: bool,
    atr_stop_mult: Option<f64>,
    held: Target,
    stop: Option<Stop>,
    armed_long: bool,
    armed_short: bool,
}

impl BollingerBreakout {
    /// Builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] naming the field for an empty symbol,
    /// `period < 2`, a non-positive `mult` or `atr_stop_mult`, or
    /// `atr_period = 0`.
    pub fn new(cfg: BollingerBreakoutConfig) -> Result<Self, StrategyError> {
        let name = INFO.name;
        let symbol = symbol_field(name, "symbol", &cfg.symbol)?;
        if cfg.period < 2 {
            return Err(invalid(name, "period", "must be at least 2"));
        }
        if !(cfg.mult.is_finite() && cfg.mult > 0.0) {
            return Err(invalid(
                name,
                "mult",
                format!("must be above 0, got {}", cfg.mult),
            ));
        }
        if let Some(k) = cfg.atr_stop_mult {
            if !(k.is_finite() && k > 0.0) {
                return Err(invalid(
                    name,
                    "atr_stop_mult",
                    format!("must be above 0, got {k}"),
                ));
            }
        }
        if cfg.atr_period == 0 {
            return Err(invalid(name, "atr_period", "must be at least 1"));
        }
        Ok(Self {
            symbols: [symbol],
            bands: Bollinger::new(cfg.period, cfg.mult),
            atr: Atr::new(cfg.atr_period),
            allow_short: cfg.allow_short,
            atr_stop_mult: cfg.atr_stop_mult,
            held: Target::Flat,
            stop: None,
            armed_long: true,
            armed_short: true,
        })
    }

    /// The stop for a new position at `close`, `sign` +1 long / -1 short.
    /// Without a defined ATR yet, the position has no stop.
    fn stop_for(&self, close: f64, sign: f64) -> Option<Stop> {
        let k = self.atr_stop_mult?;
        let atr = self.atr.value()?;
        Some(Stop {
            level: close - sign * k * atr,
        })
    }

    fn decide(&mut self, close: f64, upper: f64, mid: f64, lower: f64) -> Option<Target> {
        if close <= upper {
            self.armed_long = true;
        }
        if close >= lower {
            self.armed_short = true;
        }
        match self.held {
            Target::Flat if close > upper && self.armed_long => {
                self.stop = self.stop_for(close, 1.0);
                Some(Target::Long)
            }
            Target::Flat if self.allow_short && close < lower && self.armed_short => {
                self.stop = self.stop_for(close, -1.0);
                Some(Target::Short)
            }
            Target::Long if close <= mid => Some(Target::Flat),
            Target::Long if self.stop.is_some_and(|s| close < s.level) => {
                self.armed_long = false;
                Some(Target::Flat)
            }
            Target::Short if close >= mid => Some(Target::Flat),
            Target::Short if self.stop.is_some_and(|s| close > s.level) => {
                self.armed_short = false;
                Some(Target::Flat)
            }
            _ => None,
        }
    }
}

impl Strategy for BollingerBreakout {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn sync_positions(&mut self, positions: &dyn Fn(Symbol) -> tesser_core::Decimal) {
        self.held = crate::target_of(positions(self.symbols[0]));
    }

    fn on_candle(&mut self, _ctx: &Context<'_>, candle: &Candle, out: &mut Vec<Signal>) {
        if candle.symbol != self.symbols[0] {
            return;
        }
        let close = to_f64(candle.close.get());
        self.atr
            .update(to_f64(candle.high.get()), to_f64(candle.low.get()), close);
        let Some(b) = self.bands.update(close) else {
            return;
        };
        if let Some(target) = self.decide(close, b.upper, b.mid, b.lower) {
            if target == Target::Flat {
                self.stop = None;
            }
            self.held = target;
            out.push(Signal::market(self.symbols[0], target, candle.open_time));
        }
    }
}

#[cfg(test)]
mod tests;
