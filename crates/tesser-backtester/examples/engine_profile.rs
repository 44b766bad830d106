//! Runs the benchmark workload once with no output, for profilers:
//! `cargo run --release -p tesser-backtester --example engine_profile -- 1000000`

use std::path::Path;

use tesser_backtester::{run, BacktestConfig, NullRecorder};
use tesser_core::{Candle, Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_data::{DataError, SyntheticCandles};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::PaperConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let start = Timestamp::from_millis(1_704_067_200_000);
    let data: Vec<Candle> = SyntheticCandles::new(Symbol::new("BTCUSDT"), Interval::M1, start, n, 42)
        .collect::<Result<_, _>>()?;
    let params: toml::Table = toml::from_str("symbol = 'BTCUSDT'\nfast_period = 12\nslow_period = 30")?;
    let strategy = tesser_strategy::build_strategy("SmaCross", &params, Path::new("."))?;
    let config = BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::new(1, 2))?),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig::default(),
        bars_per_year: Interval::M1.bars_per_year(),
        perp: None,
    };
    let report = run(
        strategy,
        data.iter().map(|c| Ok::<_, DataError>(*c)),
        &config,
        &mut NullRecorder,
    )?;
    println!(
        "{} bars, {} trades, final equity {}",
        report.performance.bars, report.performance.closed_trades, report.final_equity
    );
    Ok(())
}
