//! The batch file (`backtest batch --config batch.toml`). Every key is
//! documented in `research/batch/sma_grid.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tesser_core::{Decimal, Interval};
use tesser_paper::FillModel;
use tesser_report::METRIC_NAMES;

use crate::SweepError;

/// A whole batch: what to vary, on which data, and where results go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchConfig {
    /// Folder for `runs/`, the summary files and `walk_forward.csv`.
    pub output_dir: PathBuf,
    /// Files the ranked summary is written as (default: CSV only).
    #[serde(default = "default_formats")]
    pub summary_format: Vec<SummaryFormat>,
    /// Metric the summary is sorted by (one of `tesser_report::METRIC_NAMES`).
    #[serde(default = "default_sort")]
    pub sort_by: String,
    /// Sort ascending (e.g. for `max_drawdown`) instead of descending.
    #[serde(default)]
    pub ascending: bool,
    /// Worker threads; 0 means one per core.
    #[serde(default)]
    pub threads: usize,
    /// The strategy and its fixed parameters.
    pub strategy: StrategySpec,
    /// Parameter axes: every combination is a run (grid search), or, with
    /// `[random]`, each axis is a set of choices sampled from.
    #[serde(default)]
    pub grid: BTreeMap<String, Vec<toml::Value>>,
    /// Random search instead of the full grid.
    pub random: Option<RandomSpec>,
    /// Market data sets; every run is repeated on each.
    pub datasets: Vec<DatasetSpec>,
    /// Cash, size and the cost axes.
    pub backtest: BacktestSpec,
    /// Rolling in-sample optimisation with out-of-sample tests.
    pub walk_forward: Option<WalkForwardSpec>,
}

fn default_sort() -> String {
    "sharpe".to_owned()
}

fn default_formats() -> Vec<SummaryFormat> {
    vec![SummaryFormat::Csv]
}

/// A file format of the ranked summary (`summary_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum SummaryFormat {
    /// `summary.csv`.
    Csv,
    /// `summary.parquet`: the same rows and columns, typed.
    Parquet,
}

impl SummaryFormat {
    /// The name used in the batch file: `csv` or `parquet`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Parquet => "parquet",
        }
    }

    /// The file name in the output folder.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Csv => "summary.csv",
            Self::Parquet => "summary.parquet",
        }
    }
}

impl TryFrom<String> for SummaryFormat {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        match s.as_str() {
            "csv" => Ok(Self::Csv),
            "parquet" => Ok(Self::Parquet),
            _ => Err(format!(
                "summary_format: unknown format `{s}`; expected csv or parquet"
            )),
        }
    }
}

/// `[strategy]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// Registered strategy name.
    pub name: String,
    /// Parameters common to every run (axes override them).
    #[serde(default)]
    pub params: toml::Table,
}

/// `[random]`: `samples` parameter sets drawn with a seeded generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomSpec {
    /// Number of parameter sets.
    pub samples: usize,
    /// Seed: the same seed draws the same sets.
    pub seed: u64,
    /// Ranges sampled uniformly, by parameter.
    #[serde(default)]
    pub params: BTreeMap<String, RandomRange>,
}

/// A sampled parameter: integers or floats, bounds included.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum RandomRange {
    /// Uniform integer in `min..=max`.
    Int {
        /// Lower bound.
        min: i64,
        /// Upper bound.
        max: i64,
    },
    /// Uniform float in `[min, max)`.
    Float {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

/// One `[[datasets]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    /// Name used in run ids and the summary.
    pub name: String,
    /// Candle CSV files as `[SYMBOL=]FILE`, relative to the current folder.
    pub files: Vec<String>,
    /// Bar interval (detected from the first file when omitted).
    pub interval: Option<Interval>,
}

/// `[backtest]`: fixed settings and the cost axes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestSpec {
    /// Starting cash.
    pub initial_equity: Decimal,
    /// Fixed order size in base units.
    pub quantity: Decimal,
    /// Fee axis in basis points.
    #[serde(default = "zero_axis")]
    pub fee_bps: Vec<Decimal>,
    /// Slippage axis in basis points.
    #[serde(default = "zero_axis")]
    pub slippage_bps: Vec<Decimal>,
    /// Fill model axis.
    #[serde(default = "fill_axis")]
    pub fill: Vec<FillModel>,
}

fn zero_axis() -> Vec<Decimal> {
    vec![Decimal::ZERO]
}

fn fill_axis() -> Vec<FillModel> {
    vec![FillModel::NextOpen]
}

/// `[walk_forward]`: windows counted in bars (distinct timestamps).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalkForwardSpec {
    /// Bars of each in-sample (optimisation) window.
    pub in_sample: usize,
    /// Bars of each out-of-sample (test) window.
    pub out_of_sample: usize,
    /// Bars between fold starts (default: `out_of_sample`).
    pub step: Option<usize>,
    /// Every in-sample window starts at the first bar (expanding window).
    #[serde(default)]
    pub anchored: bool,
}

impl BatchConfig {
    /// Reads and checks a batch file.
    ///
    /// # Errors
    /// [`SweepError::Config`] naming the file for unreadable text, unknown
    /// keys, wrong types or inconsistent values.
    pub fn load(path: &Path) -> Result<Self, SweepError> {
        let err = |message: String| SweepError::Config {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let config: Self = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        config.validate().map_err(err)?;
        Ok(config)
    }

    /// Checks values that the types alone do not.
    ///
    /// # Errors
    /// A message naming the offending key.
    pub fn validate(&self) -> Result<(), String> {
        if !METRIC_NAMES.contains(&self.sort_by.as_str()) {
            return Err(format!(
                "sort_by = `{}`: expected one of {}",
                self.sort_by,
                METRIC_NAMES.join(", ")
            ));
        }
        if self.summary_format.is_empty() {
            return Err("summary_format: empty list; give csv and/or parquet".to_owned());
        }
        let formats = &self.summary_format;
        if let Some((_, f)) = formats
            .iter()
            .enumerate()
            .find(|(i, f)| formats[..*i].contains(f))
        {
            return Err(format!("summary_format: `{}` is listed twice", f.name()));
        }
        if self.datasets.is_empty() {
            return Err("[[datasets]]: at least one dataset is required".to_owned());
        }
        for d in &self.datasets {
            if d.files.is_empty() {
                return Err(format!("datasets `{}`: `files` is empty", d.name));
            }
        }
        let b = &self.backtest;
        if b.initial_equity <= Decimal::ZERO || b.quantity <= Decimal::ZERO {
            return Err("[backtest] initial_equity and quantity must be greater than zero".to_owned());
        }
        if b.fee_bps.is_empty() || b.slippage_bps.is_empty() || b.fill.is_empty() {
            return Err("[backtest] fee_bps, slippage_bps and fill must not be empty lists".to_owned());
        }
        if b.fee_bps
            .iter()
            .chain(&b.slippage_bps)
            .any(|x| *x < Decimal::ZERO)
        {
            return Err("[backtest] fee_bps and slippage_bps must not be negative".to_owned());
        }
        if let Some((k, _)) = self.grid.iter().find(|(_, v)| v.is_empty()) {
            return Err(format!("grid.{k}: empty list"));
        }
        if let Some(r) = &self.random {
            if r.samples == 0 {
                return Err("random.samples must be at least 1".to_owned());
            }
            for (k, range) in &r.params {
                let ok = match *range {
                    RandomRange::Int { min, max } => min <= max,
                    RandomRange::Float { min, max } => min <= max && min.is_finite() && max.is_finite(),
                };
                if !ok {
                    return Err(format!("random.params.{k}: min must not exceed max"));
                }
            }
        }
        if let Some(w) = &self.walk_forward {
            if w.in_sample == 0 || w.out_of_sample == 0 || w.step == Some(0) {
                return Err("[walk_forward] in_sample, out_of_sample and step must be at least 1".to_owned());
            }
        }
        Ok(())
    }
}
