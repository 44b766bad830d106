//! Layered configuration: `config/default.toml` (also compiled into the
//! binary, so it runs from any folder), `config/{env}.toml` when `--env` is
//! given, `config/local.toml` (gitignored), then `TESSER_` environment
//! variables with `__` between key levels (`TESSER_BACKTEST__FEE_BPS=10`).
//! Unknown keys and wrong types are errors naming the key and the source.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::{Deserialize, Deserializer};
use tesser_core::{Decimal, Interval, Quantity};
use tesser_execution::RiskLimits;
use tesser_paper::FillModel;

/// The compiled-in copy of `config/default.toml`.
const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Defaults of `backtest run`.
    pub backtest: BacktestSection,
    /// Pre-trade risk limits (live trading and backtests alike).
    pub risk_management: RiskSection,
    /// Exchange profiles by name (`[exchange.bybit_testnet]`, ...).
    #[serde(default)]
    pub exchange: BTreeMap<String, toml::Table>,
    /// Position sizing of signals without a size.
    #[serde(default)]
    pub sizing: SizingSection,
    /// Tick, lot and minimum-order rules by symbol (`[instruments.BTCUSDT]`).
    #[serde(default)]
    pub instruments: BTreeMap<String, InstrumentSection>,
    /// The live runtime: state file, log, metrics and alerting (`[live]`).
    pub(crate) live: LiveConfig,
}

/// `[live]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LiveConfig {
    /// SQLite state database (snapshot and fills journal).
    pub(crate) state_path: PathBuf,
    /// JSON-lines log file of live runs.
    pub(crate) log_path: PathBuf,
    /// `host:port` serving Prometheus metrics; empty = off.
    pub(crate) metrics_addr: String,
    /// When and where to raise alerts (`[live.alerting]`).
    pub(crate) alerting: AlertingConfig,
}

/// `[live.alerting]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertingConfig {
    /// URL receiving alerts as JSON POSTs; empty = the log only. It often
    /// embeds a token, so `Debug` masks it.
    pub(crate) webhook_url: String,
    /// Alert when no market data arrived for this many seconds.
    pub(crate) max_data_gap_secs: u64,
    /// Alert after this many consecutive order failures.
    pub(crate) max_order_failures: u32,
    /// Warn when equity falls this fraction below its peak (0 = off); the
    /// liquidate-only kill switch is `[risk_management] max_drawdown`.
    pub(crate) max_drawdown: Decimal,
}

impl fmt::Debug for AlertingConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = if self.webhook_url.is_empty() { "" } else { "<set>" };
        f.debug_struct("AlertingConfig")
            .field("webhook_url", &url)
            .field("max_data_gap_secs", &self.max_data_gap_secs)
            .field("max_order_failures", &self.max_order_failures)
            .field("max_drawdown", &self.max_drawdown)
            .finish()
    }
}

/// Which sizer turns a signal into a target size (`--sizer`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SizerKind {
    /// `[backtest] quantity` base units.
    #[default]
    Fixed,
    /// `notional` quote units divided by the price.
    Notional,
    /// `equity_fraction` of current equity divided by the price.
    Percent,
    /// `vol_target` / realised volatility × equity / price.
    VolTarget,
}

/// `[sizing]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizingSection {
    /// `fixed`, `notional`, `percent` or `vol-target`.
    pub sizer: SizerKind,
    /// Quote amount per position (`notional`).
    #[serde(deserialize_with = "lenient_decimal")]
    pub notional: Decimal,
    /// Fraction of equity per position (`percent`).
    #[serde(deserialize_with = "lenient_decimal")]
    pub equity_fraction: Decimal,
    /// Target annualised volatility as a fraction (`vol-target`).
    #[serde(deserialize_with = "lenient_decimal")]
    pub vol_target: Decimal,
    /// Returns in the realised-volatility window (`vol-target`).
    pub vol_lookback: usize,
}

impl Default for SizingSection {
    fn default() -> Self {
        Self {
            sizer: SizerKind::Fixed,
            notional: Decimal::ONE_THOUSAND,
            equity_fraction: Decimal::new(1, 1),
            vol_target: Decimal::new(2, 1),
            vol_lookback: 30,
        }
    }
}

/// `[instruments.SYMBOL]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentSection {
    /// Price increment.
    #[serde(deserialize_with = "lenient_decimal")]
    pub tick_size: Decimal,
    /// Quantity increment.
    #[serde(deserialize_with = "lenient_decimal")]
    pub lot_size: Decimal,
    /// Smallest order quantity.
    #[serde(deserialize_with = "lenient_decimal")]
    pub min_qty: Decimal,
    /// Smallest order notional (optional).
    #[serde(default, deserialize_with = "lenient_opt_decimal")]
    pub min_notional: Option<Decimal>,
    /// Largest leverage for this symbol in perpetual mode (optional; default
    /// the run's `--leverage`).
    #[serde(default, deserialize_with = "lenient_opt_decimal")]
    pub max_leverage: Option<Decimal>,
}

/// `[backtest]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestSection {
    /// Starting cash.
    #[serde(deserialize_with = "lenient_decimal")]
    pub initial_equity: Decimal,
    /// Fixed order size in base units.
    #[serde(deserialize_with = "lenient_decimal")]
    pub quantity: Decimal,
    /// `next-open` or `close`.
    pub fill: FillModel,
    /// Fee in basis points.
    #[serde(deserialize_with = "lenient_decimal")]
    pub fee_bps: Decimal,
    /// Slippage in basis points.
    #[serde(deserialize_with = "lenient_decimal")]
    pub slippage_bps: Decimal,
    /// Synthetic candles when no data is given.
    pub candles: usize,
    /// Seed of the synthetic data.
    pub seed: u64,
    /// Interval of synthetic candles.
    pub synthetic_interval: Interval,
    /// Default output folder.
    pub output_dir: String,
}

/// `[risk_management]`; zero disables a limit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSection {
    /// Largest single order (base units).
    #[serde(deserialize_with = "lenient_decimal")]
    pub max_order_quantity: Decimal,
    /// Largest absolute position per symbol.
    #[serde(deserialize_with = "lenient_decimal")]
    pub max_position_quantity: Decimal,
    /// Drawdown fraction that triggers liquidate-only mode.
    #[serde(deserialize_with = "lenient_decimal")]
    pub max_drawdown: Decimal,
}

impl RiskSection {
    /// The limits, with zeros meaning "off".
    pub fn limits(&self) -> RiskLimits {
        let qty = |d: Decimal| (d > Decimal::ZERO).then(|| Quantity::new(d).ok()).flatten();
        RiskLimits {
            max_order_quantity: qty(self.max_order_quantity),
            max_position_quantity: qty(self.max_position_quantity),
            max_drawdown: (self.max_drawdown > Decimal::ZERO).then_some(self.max_drawdown),
        }
    }
}

/// Accepts `1`, `0.5` or `"0.5"`; floats go through their shortest decimal
/// text, so `0.03` becomes exactly 0.03.
fn lenient_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Float(f64),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Int(i) => return Ok(Decimal::from(i)),
        Raw::Float(f) => format!("{f}"),
        Raw::Text(t) => t,
    };
    let t = text.trim();
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal number")))
}

/// [`lenient_decimal`] for an optional key.
fn lenient_opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    lenient_decimal(d).map(Some)
}

impl AppConfig {
    /// Loads the layers for `env` from `dir`.
    ///
    /// # Errors
    /// A missing `{env}.toml`, unreadable files, unknown keys or wrong types,
    /// each naming the key and where it came from.
    pub fn load(dir: &Path, env: &str) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        let default = dir.join("default.toml");
        if default.exists() {
            figment = figment.merge(Toml::file(&default));
        }
        if env != "default" {
            let file = dir.join(format!("{env}.toml"));
            if !file.exists() {
                bail!("environment `{env}`: {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment
            .merge(Toml::file(dir.join("local.toml")))
            .merge(Env::prefixed("TESSER_").split("__"));
        figment
            .extract()
            .map_err(|e| {
                let all: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
                anyhow::anyhow!(all.join("; "))
            })
            .context("invalid configuration")
    }
}

#[cfg(test)]
mod tests;
