//! `PairsTradingArbitrage`: trade the spread of two co-moving instruments.
//!
//! Each timestamp where **both** legs have a bar, the strategy regresses
//! `y` on `x` over the last `lookback` aligned closes (rolling OLS, see
//! [`RollingHedgeRatio`]), forms the spread `y - beta * x` and its z-score over
//! the last `zscore_window` spreads. Then, from flat:
//!
//! * `z > entry_z`: short the spread — `y` short `quantity`, `x` long
//!   `beta * quantity` (rounded to `qty_decimals`);
//! * `z < -entry_z`: long the spread — `y` long, `x` short.
//!
//! A long spread exits when `z >= -exit_z`, a short one when `z <= exit_z`.
//! With `stop_z`, a position also exits when `|z| > stop_z`; after a stop no
//! new entry is taken until `|z| <= exit_z` again, and no entry is taken
//! while `|z| > stop_z`. Entries need `beta > 0` (a negative hedge ratio is no
//! hedge). Every signal carries an explicit size ([`Signal::with_size`]); the
//! `x` size is fixed at entry and exits go flat on both legs.
//!
//! **Bar alignment.** The legs arrive as separate candles with the same
//! `open_time`, in either order. A bar is held until its partner with the
//! same timestamp arrives. A bar that can no longer be paired — because the
//! other leg has already moved to a later timestamp, or the same leg sends a
//! newer bar first — is discarded and counted in
//! [`PairsTradingArbitrage::unpaired_bars`]: a timestamp missing in one leg
//! updates nothing and decides nothing (an open position is simply held).

use serde::Deserialize;
use tesser_core::{Candle, Decimal, Quantity, Signal, Symbol, Target, Timestamp};

use crate::indicators::{RollingHedgeRatio, RollingStats};
use crate::registry::{invalid, parse_params, symbol_field, ParamInfo, StrategyError, StrategyInfo};
use crate::{to_f64, Context, Strategy};

/// Typed parameters of [`PairsTradingArbitrage`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairsTradingConfig {
    /// Dependent leg `y`, traded in `quantity`.
    pub symbol_y: String,
    /// Hedge leg `x`, traded in `beta * quantity`.
    pub symbol_x: String,
    /// Bars in the rolling hedge-ratio regression (at least 2).
    #[serde(default = "default_lookback")]
    pub lookback: usize,
    /// Spreads in the z-score window (at least 2).
    #[serde(default = "default_zscore_window")]
    pub zscore_window: usize,
    /// Enter when `|z|` exceeds this.
    #[serde(default = "default_entry")]
    pub entry_z: f64,
    /// Exit when `|z|` is back within this.
    #[serde(default = "default_exit")]
    pub exit_z: f64,
    /// Stop out when `|z|` exceeds this (above `entry_z`); no stop when absent.
    pub stop_z: Option<f64>,
    /// Size of the `y` leg in base units.
    pub quantity: Quantity,
    /// Decimal places the `x` leg size is rounded to.
    #[serde(default = "default_qty_decimals")]
    pub qty_decimals: u32,
}

fn default_lookback() -> usize {
    30
}
fn default_zscore_window() -> usize {
    20
}
fn default_entry() -> f64 {
    2.0
}
fn default_exit() -> f64 {
    0.5
}
fn default_qty_decimals() -> u32 {
    6
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "PairsTradingArbitrage",
    summary: "Statistical arbitrage: rolling OLS hedge ratio, trade the spread's z-score on both legs",
    params: &[
        ParamInfo {
            name: "symbol_y",
            kind: "string",
            default: None,
            doc: "dependent leg, traded in `quantity`",
        },
        ParamInfo {
            name: "symbol_x",
            kind: "string",
            default: None,
            doc: "hedge leg, traded in beta x quantity",
        },
        ParamInfo {
            name: "lookback",
            kind: "integer",
            default: Some("30"),
            doc: "bars in the rolling hedge-ratio regression (>= 2)",
        },
        ParamInfo {
            name: "zscore_window",
            kind: "integer",
            default: Some("20"),
            doc: "spreads in the z-score window (>= 2)",
        },
        ParamInfo {
            name: "entry_z",
            kind: "float",
            default: Some("2.0"),
            doc: "enter when |z| exceeds this (> exit_z)",
        },
        ParamInfo {
            name: "exit_z",
            kind: "float",
            default: Some("0.5"),
            doc: "exit when |z| is back within this (>= 0)",
        },
        ParamInfo {
            name: "stop_z",
            kind: "float",
            default: Some("none"),
            doc: "stop out when |z| exceeds this (> entry_z)",
        },
        ParamInfo {
            name: "quantity",
            kind: "decimal",
            default: None,
            doc: "y-leg size in base units (> 0)",
        },
        ParamInfo {
            name: "qty_decimals",
            kind: "integer",
            default: Some("6"),
            doc: "decimal places of the x-leg size",
        },
    ],
    build: |params, _| {
        Ok(Box::new(PairsTradingArbitrage::new(parse_params(
            INFO.name, params,
        )?)?))
    },
};

/// Which side of the spread is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Flat,
    /// Long `y`, short `x`.
    LongSpread,
    /// Short `y`, long `x`.
    ShortSpread,
}

/// Pairs-trading strategy on two legs.
#[derive(Debug, Clone)]
pub struct PairsTradingArbitrage {
    /// `[y, x]`.
    symbols: [Symbol; 2],
    hedge: RollingHedgeRatio,
    spread: RollingStats,
    entry_z: f64,
    exit_z: f64,
    stop_z: Option<f64>,
    quantity: Quantity,
    qty_decimals: u32,
    /// Pending bar per leg (`[y, x]`) awaiting its partner.
    pending: [Option<(Timestamp, f64)>; 2],
    unpaired: u64,
    held: Held,
    armed: bool,
}

impl PairsTradingArbitrage {
    /// Builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] naming the field for empty or equal symbols,
    /// windows under 2, thresholds out of order
    /// (`0 <= exit_z < entry_z < stop_z`) or a zero quantity.
    pub fn new(cfg: PairsTradingConfig) -> Result<Self, StrategyError> {
        let name = INFO.name;
        let y = symbol_field(name, "symbol_y", &cfg.symbol_y)?;
        let x = symbol_field(name, "symbol_x", &cfg.symbol_x)?;
        if x == y {
            return Err(invalid(name, "symbol_x", "must differ from symbol_y"));
        }
        if cfg.lookback < 2 {
            return Err(invalid(name, "lookback", "must be at least 2"));
        }
        if cfg.zscore_window < 2 {
            return Err(invalid(name, "zscore_window", "must be at least 2"));
        }
        if !(cfg.exit_z.is_finite() && cfg.exit_z >= 0.0) {
            return Err(invalid(
                name,
                "exit_z",
                format!("must be 0 or more, got {}", cfg.exit_z),
            ));
        }
        if !(cfg.entry_z.is_finite() && cfg.entry_z > cfg.exit_z) {
            return Err(invalid(name, "entry_z", "must be greater than exit_z"));
        }
        if let Some(stop) = cfg.stop_z {
            if !(stop.is_finite() && stop > cfg.entry_z) {
                return Err(invalid(name, "stop_z", "must be greater than entry_z"));
            }
        }
        if cfg.quantity.is_zero() {
            return Err(invalid(name, "quantity", "must be above 0"));
        }
        if cfg.qty_decimals > 18 {
            return Err(invalid(name, "qty_decimals", "must be at most 18"));
        }
        Ok(Self {
            symbols: [y, x],
            hedge: RollingHedgeRatio::new(cfg.lookback),
            spread: RollingStats::new(cfg.zscore_window),
            entry_z: cfg.entry_z,
            exit_z: cfg.exit_z,
            stop_z: cfg.stop_z,
            quantity: cfg.quantity,
            qty_decimals: cfg.qty_decimals,
            pending: [None, None],
            unpaired: 0,
            held: Held::Flat,
            armed: true,
        })
    }

    /// Bars discarded because the other leg had no bar with the same timestamp.
    #[must_use]
    pub fn unpaired_bars(&self) -> u64 {
        self.unpaired
    }

    /// Records a bar of leg `leg` (0 = y, 1 = x); returns the aligned
    /// `(y, x)` closes once both legs have a bar for `ts`.
    fn align(&mut self, leg: usize, ts: Timestamp, close: f64) -> Option<(f64, f64)> {
        let other = 1 - leg;
        if let Some((other_ts, _)) = self.pending[other] {
            if other_ts > ts {
                self.unpaired += 1; // this leg is late: its partner moved on
                return None;
            }
            if other_ts < ts {
                self.unpaired += 1; // the other leg never sent `other_ts`
                self.pending[other] = None;
            }
        }
        if self.pending[leg].replace((ts, close)).is_some() {
            self.unpaired += 1; // the same leg moved on without a partner
        }
        match self.pending {
            [Some((ty, y)), Some((tx, x))] if ty == tx => {
                self.pending = [None, None];
                Some((y, x))
            }
            _ => None,
        }
    }

    fn decide(&mut self, z: f64, beta: f64, ts: Timestamp, out: &mut Vec<Signal>) {
        let [y, x] = self.symbols;
        if z.abs() <= self.exit_z {
            self.armed = true;
        }
        let stopped = self.stop_z.is_some_and(|s| z.abs() > s);
        let exit = match self.held {
            Held::Flat => false,
            _ if stopped => {
                self.armed = false;
                true
            }
            Held::LongSpread => z >= -self.exit_z,
            Held::ShortSpread => z <= self.exit_z,
        };
        if exit {
            self.held = Held::Flat;
            out.push(Signal::market(y, Target::Flat, ts).with_size(Quantity::ZERO));
            out.push(Signal::market(x, Target::Flat, ts).with_size(Quantity::ZERO));
            return;
        }
        if self.held != Held::Flat || !self.armed || stopped || beta <= 0.0 || z.abs() <= self.entry_z {
            return;
        }
        let Some(x_qty) = Decimal::try_from(beta)
            .ok()
            .map(|b| (b * self.quantity.get()).round_dp(self.qty_decimals))
            .and_then(|q| Quantity::new(q).ok())
            .filter(|q| !q.is_zero())
        else {
            return;
        };
        let (held, y_target, x_target) = if z > 0.0 {
            (Held::ShortSpread, Target::Short, Target::Long)
        } else {
            (Held::LongSpread, Target::Long, Target::Short)
        };
        self.held = held;
        out.push(Signal::market(y, y_target, ts).with_size(self.quantity));
        out.push(Signal::market(x, x_target, ts).with_size(x_qty));
    }
}

impl Strategy for PairsTradingArbitrage {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn sync_positions(&mut self, positions: &dyn Fn(Symbol) -> Decimal) {
        let [y, x] = self.symbols;
        self.held = match (crate::target_of(positions(y)), crate::target_of(positions(x))) {
            (Target::Long, _) | (Target::Flat, Target::Short) => Held::LongSpread,
            (Target::Short, _) | (Target::Flat, Target::Long) => Held::ShortSpread,
            (Target::Flat, Target::Flat) => Held::Flat,
        };
    }

    fn on_candle(&mut self, _ctx: &Context<'_>, candle: &Candle, out: &mut Vec<Signal>) {
        let Some(leg) = self.symbols.iter().position(|s| *s == candle.symbol) else {
            return;
        };
        let ts = candle.open_time;
        let Some((y, x)) = self.align(leg, ts, to_f64(candle.close.get())) else {
            return;
        };
        let Some(reg) = self.hedge.update(x, y) else {
            return;
        };
        let Some(z) = self.spread.update(y - reg.beta * x) else {
            return;
        };
        self.decide(z, reg.beta, ts, out);
    }
}

#[cfg(test)]
mod tests;
