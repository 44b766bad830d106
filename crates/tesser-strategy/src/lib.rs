//! Trading strategies for Tesser and the registry that builds them by name.
//!
//! A strategy sees only `tesser-core` types through a [`Context`]; it never
//! knows whether data is live or historical, and it does no I/O after it has
//! been built. It answers market events with [`Signal`]s (target positions),
//! which the execution layer turns into orders.

mod bollinger_breakout;
pub mod indicators;
mod ml_classifier;
mod orderbook_imbalance;
mod pairs_trading;
mod registry;
mod rsi_reversion;
mod sma_cross;
#[cfg(test)]
mod test_util;

use tesser_core::{Candle, Decimal, Fill, OrderBook, Signal, Symbol, Target, Timestamp, Trade};

pub use bollinger_breakout::{BollingerBreakout, BollingerBreakoutConfig};
pub use ml_classifier::{MlClassifier, MlClassifierConfig, ModelArtifact, ModelKind};
pub use orderbook_imbalance::{OrderBookImbalance, OrderBookImbalanceConfig};
pub use pairs_trading::{PairsTradingArbitrage, PairsTradingConfig};
pub use registry::{
    build_strategy, load_strategy_file, registry, ParamInfo, StrategyError, StrategyFile, StrategyInfo,
};
pub use rsi_reversion::{RsiReversion, RsiReversionConfig};
pub use sma_cross::{SmaCross, SmaCrossConfig};

/// Converts an exact decimal to `f64` for indicator maths (never the other
/// way round for money).
pub(crate) fn to_f64(value: Decimal) -> f64 {
    f64::try_from(value).unwrap_or_default()
}

/// What a strategy may read about the world while it decides.
pub struct Context<'a> {
    now: Timestamp,
    positions: &'a dyn Fn(Symbol) -> Decimal,
}

impl<'a> Context<'a> {
    /// A context at event time `now`; `positions` returns the signed net
    /// position (base units, negative for short) of a symbol.
    pub fn new(now: Timestamp, positions: &'a dyn Fn(Symbol) -> Decimal) -> Self {
        Self { now, positions }
    }

    /// Event time of the event being handled.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Signed net position in base units (negative when short, zero when flat).
    #[must_use]
    pub fn position(&self, symbol: Symbol) -> Decimal {
        (self.positions)(symbol)
    }
}

/// A trading algorithm. Every callback may push signals into `out`; the
/// defaults ignore the event.
pub trait Strategy: Send {
    /// The registered name, e.g. `SmaCross`.
    fn name(&self) -> &'static str;

    /// The symbols this strategy trades or reads.
    fn symbols(&self) -> &[Symbol];

    /// A completed candle of one of [`Strategy::symbols`].
    fn on_candle(&mut self, _ctx: &Context<'_>, _candle: &Candle, _out: &mut Vec<Signal>) {}

    /// A public trade.
    fn on_trade(&mut self, _ctx: &Context<'_>, _trade: &Trade, _out: &mut Vec<Signal>) {}

    /// The order book after an update was applied.
    fn on_book(&mut self, _ctx: &Context<'_>, _book: &OrderBook, _out: &mut Vec<Signal>) {}

    /// One of this strategy's orders filled.
    fn on_fill(&mut self, _ctx: &Context<'_>, _fill: &Fill, _out: &mut Vec<Signal>) {}

    /// The market data the strategy reads beyond closed candles, so a live
    /// runtime knows what to subscribe to. Default: candles only.
    fn market_data(&self) -> MarketData {
        MarketData::default()
    }

    /// Aligns what the strategy believes it holds with the actual positions
    /// (`positions` gives the signed net of a symbol). A live runtime calls it
    /// after warming the strategy up on history, where signals went nowhere,
    /// and after a restart. Strategies that read positions from [`Context`]
    /// need not implement it.
    fn sync_positions(&mut self, _positions: &dyn Fn(Symbol) -> Decimal) {}
}

/// Market data a strategy reads (see [`Strategy::market_data`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarketData {
    /// Public trades of its symbols.
    pub trades: bool,
    /// Order-book depth (levels per side) of its symbols, if it reads the book.
    pub book_depth: Option<u32>,
}

/// The target matching a signed net position.
#[must_use]
pub fn target_of(net: Decimal) -> Target {
    if net > Decimal::ZERO {
        Target::Long
    } else if net < Decimal::ZERO {
        Target::Short
    } else {
        Target::Flat
    }
}
