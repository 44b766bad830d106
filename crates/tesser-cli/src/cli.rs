//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tesser_core::{Decimal, Interval, Quantity};
use tesser_paper::FillModel;

/// Parses a fill model name.
///
/// # Errors
/// A message listing the accepted names.
pub fn parse_fill(text: &str) -> Result<FillModel, String> {
    match text {
        "next-open" | "next_open" => Ok(FillModel::NextOpen),
        "close" => Ok(FillModel::Close),
        other => Err(format!(
            "unknown fill model `{other}` (expected `next-open` or `close`)"
        )),
    }
}

/// Tesser: a quantitative trading framework.
#[derive(Debug, Parser)]
#[command(name = "tesser-cli", version, about)]
pub struct Cli {
    /// Configuration environment: loads config/{env}.toml over config/default.toml.
    #[arg(long, global = true, default_value = "default")]
    pub env: String,
    /// Folder holding default.toml, {env}.toml and local.toml.
    #[arg(long, global = true, default_value = "config")]
    pub config_dir: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Backtests.
    #[command(subcommand)]
    Backtest(BacktestCommand),
    /// List the compiled strategies and their parameters.
    Strategies,
}

/// `backtest` subcommands.
#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Run one backtest and write its report.
    Run(BacktestRunArgs),
}

/// Arguments of `backtest run`. Unset flags fall back to `[backtest]` in the config.
#[derive(Debug, Args)]
pub struct BacktestRunArgs {
    /// Strategy parameter file (`strategy_name` + `[params]`).
    #[arg(long)]
    pub strategy_config: PathBuf,
    /// Candle CSV file, optionally `SYMBOL=FILE`; repeat for several symbols or
    /// consecutive periods. Without it, synthetic candles are generated.
    #[arg(long = "data", value_name = "[SYMBOL=]FILE")]
    pub data: Vec<String>,
    /// Number of synthetic candles (without --data).
    #[arg(long)]
    pub candles: Option<usize>,
    /// Seed of the synthetic random walk.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bar interval (inferred from the data when omitted; synthetic default 1m).
    #[arg(long)]
    pub interval: Option<Interval>,
    /// Fixed order size in base units.
    #[arg(long, allow_negative_numbers = true)]
    pub quantity: Option<Quantity>,
    /// Starting cash.
    #[arg(long, allow_negative_numbers = true)]
    pub initial_equity: Option<Decimal>,
    /// Fill model: `next-open` or `close`.
    #[arg(long, value_parser = parse_fill)]
    pub fill: Option<FillModel>,
    /// Fee in basis points of notional on every fill.
    #[arg(long, allow_negative_numbers = true)]
    pub fee_bps: Option<Decimal>,
    /// Adverse slippage in basis points on market and stop fills.
    #[arg(long, allow_negative_numbers = true)]
    pub slippage_bps: Option<Decimal>,
    /// Folder for summary.json, trades.csv, fills.csv and equity.csv.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
}
