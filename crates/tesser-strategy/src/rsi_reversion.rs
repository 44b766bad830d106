//! `RsiReversion`: buy oversold, sell when the RSI recovers.
//!
//! Long side: when flat and `RSI < oversold`, go long; when long and
//! `RSI > exit_level`, go flat. With `allow_short` the short side mirrors it:
//! when flat and `RSI > overbought`, go short; when short and
//! `RSI < short_exit_level` (default `100 - exit_level`), go flat. Only one
//! transition per candle (an exit does not re-enter on the same bar).
//!
//! Decisions use the strategy's own record of the last target it emitted, so
//! a signal whose fill is still pending is never repeated. RSI is Wilder's
//! (see [`Rsi`]); a flat market reads 50 and never triggers.

use serde::Deserialize;
use tesser_core::{Candle, Signal, Symbol, Target};

use crate::indicators::Rsi;
use crate::registry::{invalid, parse_params, symbol_field, ParamInfo, StrategyError, StrategyInfo};
use crate::{Context, Strategy};

/// Typed parameters of [`RsiReversion`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RsiReversionConfig {
    /// Instrument to trade.
    pub symbol: String,
    /// RSI length (bars), at least 1.
    #[serde(default = "default_period")]
    pub period: usize,
    /// Enter long below this RSI.
    #[serde(default = "default_oversold")]
    pub oversold: f64,
    /// Exit a long above this RSI.
    #[serde(default = "default_exit")]
    pub exit_level: f64,
    /// Enter short above this RSI (with `allow_short`).
    #[serde(default = "default_overbought")]
    pub overbought: f64,
    /// Exit a short below this RSI (default `100 - exit_level`).
    pub short_exit_level: Option<f64>,
    /// Also trade the mirrored short side.
    #[serde(default)]
    pub allow_short: bool,
}

fn default_period() -> usize {
    14
}
fn default_oversold() -> f64 {
    30.0
}
fn default_exit() -> f64 {
    50.0
}
fn default_overbought() -> f64 {
    70.0
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "RsiReversion",
    summary: "Mean reversion: long when Wilder RSI is oversold, exit on recovery (optional mirrored short)",
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
            default: Some("14"),
            doc: "RSI length in bars (>= 1)",
        },
        ParamInfo {
            name: "oversold",
            kind: "float",
            default: Some("30"),
            doc: "enter long below this RSI (0 < oversold < exit_level)",
        },
        ParamInfo {
            name: "exit_level",
            kind: "float",
            default: Some("50"),
            doc: "exit a long above this RSI (< 100)",
        },
        ParamInfo {
            name: "overbought",
            kind: "float",
            default: Some("70"),
            doc: "enter short above this RSI (> short_exit_level, < 100)",
        },
        ParamInfo {
            name: "short_exit_level",
            kind: "float",
            default: Some("100 - exit_level"),
            doc: "exit a short below this RSI (> 0)",
        },
        ParamInfo {
            name: "allow_short",
            kind: "bool",
            default: Some("false"),
            doc: "trade the mirrored short side",
        },
    ],
    build: |params, _| Ok(Box::new(RsiReversion::new(parse_params(INFO.name, params)?)?)),
};

/// RSI mean-reversion strategy.
#[derive(Debug, Clone)]
pub struct RsiReversion {
    symbols: [Symbol; 1],
    rsi: Rsi,
    oversold: f64,
    exit_level: f64,
    overbought: f64,
    short_exit_level: f64,
    allow_short: bool,
    held: Target,
}

impl RsiReversion {
    /// Builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] naming the field for an empty symbol, a zero
    /// period, or thresholds outside `(0, 100)` or out of order
    /// (`oversold < exit_level`, `short_exit_level < overbought`).
    pub fn new(cfg: RsiReversionConfig) -> Result<Self, StrategyError> {
        let name = INFO.name;
        let symbol = symbol_field(name, "symbol", &cfg.symbol)?;
        if cfg.period == 0 {
            return Err(invalid(name, "period", "must be at least 1"));
        }
        let short_exit_level = cfg.short_exit_level.unwrap_or(100.0 - cfg.exit_level);
        for (field, v) in [
            ("oversold", cfg.oversold),
            ("exit_level", cfg.exit_level),
            ("overbought", cfg.overbought),
            ("short_exit_level", short_exit_level),
        ] {
            if !(v > 0.0 && v < 100.0) {
                return Err(invalid(
                    name,
                    field,
                    format!("must be between 0 and 100, got {v}"),
                ));
            }
        }
        if cfg.oversold >= cfg.exit_level {
            return Err(invalid(name, "exit_level", "must be greater than oversold"));
        }
        if cfg.allow_short && short_exit_level >= cfg.overbought {
            return Err(invalid(
                name,
                "overbought",
                "must be greater than short_exit_level",
            ));
        }
        Ok(Self {
            symbols: [symbol],
            rsi: Rsi::new(cfg.period),
            oversold: cfg.oversold,
            exit_level: cfg.exit_level,
            overbought: cfg.overbought,
            short_exit_level,
            allow_short: cfg.allow_short,
            held: Target::Flat,
        })
    }

    fn decide(&self, rsi: f64) -> Option<Target> {
        match self.held {
            Target::Flat if rsi < self.oversold => Some(Target::Long),
            Target::Flat if self.allow_short && rsi > self.overbought => Some(Target::Short),
            Target::Long if rsi > self.exit_level => Some(Target::Flat),
            Target::Short if rsi < self.short_exit_level => Some(Target::Flat),
            _ => None,
        }
    }
}

impl Strategy for RsiReversion {
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
        let Some(rsi) = self.rsi.update(crate::to_f64(candle.close.get())) else {
            return;
        };
        if let Some(target) = self.decide(rsi) {
            self.held = target;
            out.push(Signal::market(self.symbols[0], target, candle.open_time));
        }
    }
}

#[cfg(test)]
mod tests;
