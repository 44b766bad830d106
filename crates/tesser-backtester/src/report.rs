//! The summary of a finished backtest.

use serde::Serialize;
use tesser_core::{Cash, Decimal};
use tesser_engine::Engine;
use tesser_portfolio::{EquityStats, PerformanceSummary, Position};

use crate::BacktestConfig;

/// Everything `summary.json` holds.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestReport {
    /// Starting cash.
    pub initial_equity: Cash,
    /// Equity after the last bar (open positions at the last close).
    pub final_equity: Cash,
    /// `final_equity / initial_equity - 1`.
    pub total_return: f64,
    /// Fees paid.
    pub total_fees: Cash,
    /// Net PnL of closed round trips.
    pub realized_pnl: Cash,
    /// PnL of open positions at the last marks (before their entry fees).
    pub unrealized_pnl: Cash,
    /// Number of fills.
    pub fills: u64,
    /// Funding paid (perpetuals; negative when received on balance).
    pub funding_paid: Cash,
    /// Positions closed by liquidation (perpetuals).
    pub liquidations: u64,
    /// Orders refused by risk checks or the exchange.
    pub rejected_orders: u64,
    /// Bars per year used for annualisation.
    pub bars_per_year: f64,
    /// Positions still open after the last bar.
    pub open_positions: Vec<Position>,
    /// Equity and trade statistics.
    #[serde(flatten)]
    pub performance: PerformanceSummary,
}

impl BacktestReport {
    pub(crate) fn new(
        engine: &Engine,
        stats: &EquityStats,
        config: &BacktestConfig,
        fills: u64,
        rejected: u64,
    ) -> Self {
        let p = engine.portfolio();
        let initial = p.initial();
        let final_equity = p.equity();
        let total_return = if initial.get().is_zero() {
            0.0
        } else {
            (final_equity.get() / initial.get() - Decimal::ONE)
                .to_string()
                .parse()
                .unwrap_or(f64::NAN)
        };
        let bars_per_year = if config.bars_per_year > 0.0 {
            config.bars_per_year
        } else {
            stats.observed_bars_per_year()
        };
        Self {
            initial_equity: initial,
            final_equity,
            total_return,
            total_fees: p.fees(),
            realized_pnl: p.realized(),
            unrealized_pnl: p.unrealized(),
            fills,
            funding_paid: Cash::ZERO,
            liquidations: 0,
            rejected_orders: rejected,
            bars_per_year,
            open_positions: p.open_positions(),
            performance: stats.summary(bars_per_year),
        }
    }
}
