//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tesser_core::{Decimal, Interval, Quantity};
use tesser_paper::FillModel;

use crate::config::SizerKind;

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

/// Parses a sizer name.
///
/// # Errors
/// A message listing the accepted names.
pub fn parse_sizer(text: &str) -> Result<SizerKind, String> {
    match text {
        "fixed" => Ok(SizerKind::Fixed),
        "notional" => Ok(SizerKind::Notional),
        "percent" => Ok(SizerKind::Percent),
        "vol-target" | "vol_target" => Ok(SizerKind::VolTarget),
        other => Err(format!(
            "unknown sizer `{other}` (expected `fixed`, `notional`, `percent` or `vol-target`)"
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
    /// Market data files: download, validate, resample.
    #[command(subcommand)]
    Data(DataCommand),
    /// Run the loopback Bybit mock (prints its URLs; Ctrl-C stops it).
    MockExchange(MockExchangeArgs),
    /// Live trading on the exchange's streams.
    #[command(subcommand)]
    Live(LiveCommand),
    /// The live state database: inspect it.
    #[command(subcommand)]
    State(StateCommand),
}

/// `state` subcommands.
#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Print the saved live state (snapshot and recent fills), read-only.
    Inspect(StateInspectArgs),
}

/// Arguments of `state inspect`.
#[derive(Debug, Args)]
pub struct StateInspectArgs {
    /// State database (default: `[live] state_path` of the config).
    #[arg(long)]
    pub path: Option<PathBuf>,
    /// Print the snapshot's JSON payload as stored, pretty-printed.
    #[arg(long)]
    pub raw: bool,
}

/// `data` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Download closed candles into a CSV (resumes an existing file).
    Download(DownloadArgs),
    /// Check a candle CSV; exits non-zero when it is invalid.
    Validate(ValidateArgs),
    /// Aggregate a candle CSV into a longer interval aligned to UTC.
    Resample(ResampleArgs),
    /// Convert candles between CSV and Parquet (by file extension).
    Convert(ConvertArgs),
}

/// Arguments of `data convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input candles (`.csv`, or `.parquet`/`.pq`).
    pub input: PathBuf,
    /// Output file; its extension picks the format.
    pub output: PathBuf,
}

/// Arguments of `data download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// Exchange profile, `[exchange.NAME]` in the config.
    #[arg(long, default_value = "bybit_mainnet")]
    pub exchange: String,
    /// Instrument, e.g. BTCUSDT.
    #[arg(long)]
    pub symbol: String,
    /// Bar interval (1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w 1M).
    #[arg(long)]
    pub interval: Interval,
    /// First bar, RFC 3339 or epoch ms.
    #[arg(long)]
    pub start: String,
    /// End (exclusive), RFC 3339 or epoch ms.
    #[arg(long)]
    pub end: String,
    /// Output CSV.
    #[arg(long)]
    pub output: PathBuf,
    /// Overrides the profile's `rest_url` (e.g. a mock on port 0).
    #[arg(long)]
    pub rest_url: Option<String>,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// Arguments of `data validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Candle CSV.
    pub file: PathBuf,
    /// Expected interval (default: the most common step).
    #[arg(long)]
    pub interval: Option<Interval>,
    /// Open-vs-previous-close jump (fraction) reported as suspicious.
    #[arg(long, default_value = "0.2")]
    pub jump_threshold: Decimal,
    /// Examples shown per problem kind.
    #[arg(long, default_value_t = 5)]
    pub examples: usize,
}

/// Arguments of `data resample`.
#[derive(Debug, Args)]
pub struct ResampleArgs {
    /// Target interval.
    #[arg(long)]
    pub interval: Interval,
    /// Input candle file (CSV, or Parquet by its `.parquet` extension).
    pub input: PathBuf,
    /// Output file (CSV, or Parquet by its `.parquet` extension).
    pub output: PathBuf,
    /// Source interval (default: detected).
    #[arg(long)]
    pub from: Option<Interval>,
    /// Keep incomplete buckets, marked in a `partial` column (default: drop them).
    #[arg(long)]
    pub keep_partial: bool,
}

/// Arguments of `mock-exchange`.
#[derive(Debug, Args)]
pub struct MockExchangeArgs {
    /// Candle CSV served over REST and replayed over WebSocket (default: synthetic).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Symbol served.
    #[arg(long, default_value = "BTCUSDT")]
    pub symbol: String,
    /// Interval of the data (default: detected).
    #[arg(long)]
    pub interval: Option<Interval>,
    /// WebSocket replay speed: milliseconds per bar (0 = no replay).
    #[arg(long, default_value_t = 1000)]
    pub tick_ms: u64,
    /// REST serves only bars the replay has reached.
    #[arg(long)]
    pub live: bool,
}

/// `backtest` subcommands.
#[derive(Debug, Subcommand)]
pub enum BacktestCommand {
    /// Run one backtest and write its report.
    Run(Box<BacktestRunArgs>),
    /// Run a parameter sweep (grid or random, walk-forward) from a batch file.
    Batch(BacktestBatchArgs),
}

/// Arguments of `backtest batch`.
#[derive(Debug, Args)]
pub struct BacktestBatchArgs {
    /// Batch file (see research/batch/sma_grid.toml).
    #[arg(long)]
    pub config: PathBuf,
    /// Worker threads (default: the file's `threads`, 0 = one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Overrides the file's `output_dir`.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
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
    /// Order-book replay: Bybit v5 `orderbook` frames, one JSON object per
    /// line, optionally `SYMBOL=FILE`; repeatable, merged with --data by time.
    #[arg(long = "book", value_name = "[SYMBOL=]FILE")]
    pub book: Vec<String>,
    /// Replay N seeded synthetic order-book updates (one per second, 20 levels
    /// a side) of the strategy's first symbol; uses --seed.
    #[arg(long, value_name = "N")]
    pub synthetic_book: Option<usize>,
    /// Public-trade replay: Bybit v5 `publicTrade` frames, one JSON object per
    /// line, optionally `SYMBOL=FILE`; repeatable, merged with the rest by time.
    #[arg(long = "trades", value_name = "[SYMBOL=]FILE")]
    pub trades: Vec<String>,
    /// Number of synthetic candles (without --data).
    #[arg(long)]
    pub candles: Option<usize>,
    /// Seed of the synthetic random walk.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bar interval (inferred from the data when omitted; synthetic default 1m).
    #[arg(long)]
    pub interval: Option<Interval>,
    /// Order size, starting cash, fill model, fee and slippage.
    #[command(flatten)]
    pub trade: TradeArgs,
    /// Taker fee in basis points (overrides --fee-bps for taker fills).
    #[arg(long, allow_negative_numbers = true)]
    pub taker_fee_bps: Option<Decimal>,
    /// Maker fee in basis points for resting limit fills; negative is a rebate
    /// (default: the taker fee).
    #[arg(long, allow_negative_numbers = true)]
    pub maker_fee_bps: Option<Decimal>,
    /// Delay from a decision to its order being active, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Largest share of a bar's volume that fills may take (e.g. 0.1).
    #[arg(long)]
    pub max_volume_fraction: Option<Decimal>,
    /// Perpetual-futures mode with this maximum leverage (initial margin =
    /// notional / leverage); enables funding and liquidation.
    #[arg(long)]
    pub leverage: Option<Decimal>,
    /// Maintenance margin as a fraction of notional (perpetuals).
    #[arg(long, default_value = "0.005")]
    pub maintenance_margin: Decimal,
    /// Constant funding rate per 8-hour interval (perpetuals), e.g. 0.0001.
    #[arg(long, allow_negative_numbers = true)]
    pub funding_rate: Option<Decimal>,
    /// Funding-rate series CSV (`timestamp,rate[,symbol]`; perpetuals).
    #[arg(long, value_name = "FILE")]
    pub funding: Option<PathBuf>,
    /// Folder for summary.json, trades.csv, fills.csv and equity.csv.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    /// Also write a self-contained HTML report (charts, monthly returns, trades).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Order size, cash and simulated-venue flags shared by `backtest run` and
/// `live run`; unset flags fall back to `[backtest]` and `[sizing]`.
#[derive(Debug, Clone, Args)]
pub struct TradeArgs {
    /// Fixed order size in base units.
    #[arg(long, allow_negative_numbers = true)]
    pub quantity: Option<Quantity>,
    /// Position sizing.
    #[command(flatten)]
    pub sizing: SizingArgs,
    /// Starting cash.
    #[arg(long, allow_negative_numbers = true)]
    pub initial_equity: Option<Decimal>,
    /// Fill model: `next-open` (a bar's decision fills at the next bar's
    /// open) or `close` (at the decision bar's close).
    #[arg(long, value_parser = parse_fill)]
    pub fill: Option<FillModel>,
    /// Fee in basis points of notional on every fill.
    #[arg(long, allow_negative_numbers = true)]
    pub fee_bps: Option<Decimal>,
    /// Adverse slippage in basis points on market and stop fills.
    #[arg(long, allow_negative_numbers = true)]
    pub slippage_bps: Option<Decimal>,
}

/// Position sizing flags shared by `backtest run` and `live run`.
#[derive(Debug, Clone, Args)]
pub struct SizingArgs {
    /// Position sizer: `fixed` (--quantity), `notional` (--notional),
    /// `percent` (--equity-fraction) or `vol-target` (--vol-target,
    /// --vol-lookback); default `[sizing] sizer`.
    #[arg(long, value_parser = parse_sizer)]
    pub sizer: Option<SizerKind>,
    /// Quote amount per position for `--sizer notional`.
    #[arg(long, allow_negative_numbers = true)]
    pub notional: Option<Decimal>,
    /// Fraction of current equity per position for `--sizer percent`.
    #[arg(long, allow_negative_numbers = true)]
    pub equity_fraction: Option<Decimal>,
    /// Target annualised volatility (fraction) for `--sizer vol-target`.
    #[arg(long, allow_negative_numbers = true)]
    pub vol_target: Option<Decimal>,
    /// Returns in the realised-volatility window for `--sizer vol-target`.
    #[arg(long)]
    pub vol_lookback: Option<usize>,
}

/// Where `live run` sends orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExecMode {
    /// Simulated fills (the backtest's paper venue) on live market data.
    Paper,
    /// Real orders over the exchange's REST API: routes live capital.
    Live,
}

/// `live` subcommands.
#[derive(Debug, Subcommand)]
pub enum LiveCommand {
    /// Trade a strategy on the exchange's live streams (paper or real orders).
    Run(LiveRunArgs),
}

/// Arguments of `live run`.
#[derive(Debug, Args)]
pub struct LiveRunArgs {
    /// Strategy parameter file (`strategy_name` + `[params]`).
    #[arg(long)]
    pub strategy_config: PathBuf,
    /// Exchange profile: a `[exchange.NAME]` table of the config.
    #[arg(long, default_value = "bybit_testnet")]
    pub exchange: String,
    /// `paper` fills orders in a simulated venue; `live` sends them to the exchange.
    #[arg(long, value_enum, default_value = "paper")]
    pub exec: ExecMode,
    /// Bar interval of the kline subscription.
    #[arg(long, default_value = "1m")]
    pub interval: Interval,
    /// Order size, starting cash of a new session (a resumed one keeps its
    /// saved cash) and, with `--exec paper`, the paper venue's fill model,
    /// fee and slippage.
    #[command(flatten)]
    pub trade: TradeArgs,
    /// SQLite state file (default `[live] state_path`).
    #[arg(long)]
    pub state_path: Option<PathBuf>,
    /// Prometheus endpoint address, `""` for none (default `[live] metrics_addr`).
    #[arg(long)]
    pub metrics_addr: Option<String>,
    /// JSON log file (default `[live] log_path`).
    #[arg(long)]
    pub log_path: Option<PathBuf>,
    /// Alert webhook (default `[live.alerting] webhook_url`).
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Closed candles shown to the strategy before it trades.
    #[arg(long, default_value_t = 500)]
    pub warm_up_bars: usize,
    /// Stop after this many live bars (default: run until Ctrl-C).
    #[arg(long)]
    pub max_bars: Option<u64>,
}
