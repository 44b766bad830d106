//! `SmaCross`: a dual simple-moving-average crossover.
//!
//! `above_t = SMA_fast(t) > SMA_slow(t)` (a tie is not above). A cross needs
//! both averages defined at `t` and `t-1`, and no decision is taken before
//! `min_samples` candles were seen. Long-only: go long on a cross up, go flat
//! on a cross down. With `allow_short`, a cross down reverses into a short.
//! Averages are compared exactly (integer sums at a common decimal scale), so
//! ties are real ties.

use serde::Deserialize;
use tesser_core::{Candle, Decimal, Signal, Symbol, Target};

use crate::indicators::DecimalSmaPair;
use crate::registry::{parse_params, ParamInfo, StrategyError, StrategyInfo};
use crate::{Context, Strategy};

/// Typed parameters of [`SmaCross`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmaCrossConfig {
    /// Instrument to trade.
    pub symbol: String,
    /// Fast average length (bars).
    pub fast_period: usize,
    /// Slow average length (bars), greater than `fast_period`.
    pub slow_period: usize,
    /// Candles to see before the first decision (default: `slow_period`).
    pub min_samples: Option<usize>,
    /// Reverse into a short on a cross down instead of only exiting.
    #[serde(default)]
    pub allow_short: bool,
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "SmaCross",
    summary: "Trend following: dual simple moving-average crossover",
    params: &[
        ParamInfo {
            name: "symbol",
            kind: "string",
            default: None,
            doc: "instrument to trade",
        },
        ParamInfo {
            name: "fast_period",
            kind: "integer",
            default: None,
            doc: "fast SMA length in bars (>= 1)",
        },
        ParamInfo {
            name: "slow_period",
            kind: "integer",
            default: None,
            doc: "slow SMA length, > fast_period",
        },
        ParamInfo {
            name: "min_samples",
            kind: "integer",
            default: Some("slow_period"),
            doc: "candles seen before the first decision",
        },
        ParamInfo {
            name: "allow_short",
            kind: "bool",
            default: Some("false"),
            doc: "a cross down reverses into a short",
        },
    ],
    build: |params, _| Ok(Box::new(SmaCross::new(parse_params(INFO.name, params)?)?)),
};

/// Dual moving-average crossover strategy.
#[derive(Debug, Clone)]
pub struct SmaCross {
    symbols: [Symbol; 1],
    averages: DecimalSmaPair,
    min_samples: usize,
    allow_short: bool,
    prev_above: Option<bool>,
}

impl SmaCross {
    /// Builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] for a zero period, `fast_period >= slow_period`
    /// or an empty symbol.
    pub fn new(cfg: SmaCrossConfig) -> Result<Self, StrategyError> {
        let invalid = |field, message: &str| StrategyError::Invalid {
            strategy: INFO.name,
            field,
            message: message.into(),
        };
        if cfg.symbol.trim().is_empty() {
            return Err(invalid("symbol", "must not be empty"));
        }
        if cfg.fast_period == 0 {
            return Err(invalid("fast_period", "must be at least 1"));
        }
        if cfg.slow_period <= cfg.fast_period {
            return Err(invalid("slow_period", "must be greater than fast_period"));
        }
        Ok(Self {
            symbols: [Symbol::new(cfg.symbol.trim())],
            averages: DecimalSmaPair::new(cfg.fast_period, cfg.slow_period),
            min_samples: cfg.min_samples.unwrap_or(cfg.slow_period),
            allow_short: cfg.allow_short,
            prev_above: None,
        })
    }
}

impl Strategy for SmaCross {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn on_candle(&mut self, ctx: &Context<'_>, candle: &Candle, out: &mut Vec<Signal>) {
        let symbol = self.symbols[0];
        if candle.symbol != symbol {
            return;
        }
        self.averages.update(candle.close.get());
        // Exact comparison of the two averages (integer sums at a common scale).
        let Some(above) = self.averages.is_above() else {
            return;
        };
        let prev = self.prev_above.replace(above);
        let Some(prev) = prev else { return };
        if self.averages.seen() < self.min_samples || above == prev {
            return;
        }
        let position = ctx.position(symbol);
        let target = match (above, self.allow_short) {
            (true, _) => Target::Long,
            (false, true) => Target::Short,
            (false, false) if position > Decimal::ZERO => Target::Flat,
            (false, false) => return,
        };
        if target == Target::Long && !self.allow_short && position != Decimal::ZERO {
            return; // long-only buys only when flat
        }
        out.push(Signal::market(symbol, target, candle.open_time));
    }
}

#[cfg(test)]
mod tests;
