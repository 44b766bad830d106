//! The issue-5 workload shared by the benches: seeded synthetic one-minute
//! BTCUSDT candles and a backtest with 100,000 cash, 0.01 per order, no fees.
#![allow(dead_code, reason = "each bench uses a different subset")]

use tesser_backtester::BacktestConfig;
use tesser_core::{Candle, Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_data::SyntheticCandles;
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::PaperConfig;

/// The benches' instrument.
pub fn symbol() -> Symbol {
    Symbol::new("BTCUSDT")
}

/// `n` seeded synthetic one-minute candles from 2024-01-01.
pub fn candles(n: usize) -> Vec<Candle> {
    let start = Timestamp::from_millis(1_704_067_200_000);
    SyntheticCandles::new(symbol(), Interval::M1, start, n, 42)
        .map_while(Result::ok)
        .collect()
}

/// 100,000 cash, 0.01 per order, no fees, next-open fills.
pub fn config() -> BacktestConfig {
    BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::new(1, 2)).unwrap_or_default()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig::default(),
        bars_per_year: Interval::M1.bars_per_year(),
        perp: None,
    }
}
