//! Parameter sweeps over the backtester: grid and seeded random search over
//! strategy parameters, datasets, fees, slippage and fill models, run in
//! parallel on scoped threads; walk-forward evaluation; and the deflated
//! Sharpe ratio of the best run.
//!
//! Guarantees:
//! - **Deterministic.** The plan (runs, order, ids) depends only on the batch
//!   file; every run is a pure function of its job; results are ranked with
//!   ties broken by plan order. The thread count changes only the wall time.
//! - **Resumable.** Each finished run is stored as `runs/<id>.json` in the
//!   output folder as soon as it ends (written to a temporary file, then
//!   renamed). A rerun reuses every stored run whose key matches, so an
//!   interrupted batch continues where it stopped. The data files are
//!   trusted not to change between runs.
//!
//! Datasets are loaded into memory once and shared read-only by the workers.
//! This crate writes only inside the batch's output folder.

mod config;
mod data;
mod dsr;
mod plan;
mod runner;
mod summary;
mod summary_parquet;
mod walk_forward;

use std::path::{Path, PathBuf};

use tesser_data::DataError;
use tesser_strategy::StrategyError;

pub use config::{
    BacktestSpec, BatchConfig, DatasetSpec, RandomRange, RandomSpec, StrategySpec, SummaryFormat,
    WalkForwardSpec,
};
pub use data::Dataset;
pub use dsr::{deflated_sharpe, expected_max_sharpe, norm_cdf, norm_inv, probabilistic_sharpe, Deflated};
pub use plan::{fnv1a_hex, full_sample_jobs, param_sets, settings, Job, Setting};
pub use runner::{RunCounts, RunRecord, Runner};
pub use summary::{rank_key, sort_records, write_summary, write_walk_forward, RankKey};
pub use summary_parquet::write_summary_parquet;
pub use walk_forward::{best, chained_return, folds, Fold, FoldResult};

/// Why a batch could not run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The batch file is unreadable or inconsistent.
    #[error("{path}: {message}")]
    Config {
        /// The batch file.
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },
    /// Market data could not be read.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The strategy could not be built from the base parameters.
    #[error(transparent)]
    Strategy(#[from] StrategyError),
    /// A dataset cannot be used.
    #[error("dataset `{name}`: {message}")]
    Dataset {
        /// Dataset name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// Writing results failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// What a finished batch produced.
#[derive(Debug, Clone)]
pub struct BatchOutcome {
    /// Full-sample runs, best first (also in the summary files).
    pub records: Vec<RunRecord>,
    /// Runs executed now and reused from disk, over all phases.
    pub counts: RunCounts,
    /// Deflated Sharpe ratio of the best full-sample run.
    pub deflated: Option<Deflated>,
    /// Walk-forward folds (empty without `[walk_forward]`).
    pub walk_forward: Vec<FoldResult>,
    /// The summary files written, in `summary_format` order.
    pub summary_paths: Vec<PathBuf>,
}

/// Number of worker threads for `requested` (0 = one per core).
#[must_use]
pub fn thread_count(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }
}

/// Loads the datasets of `config`. A bare file name belongs to the symbol of
/// the strategy built from the first parameter set.
///
/// # Errors
/// Data errors naming file and line, or a strategy that cannot be built.
pub fn load_datasets(config: &BatchConfig, base_dir: &Path) -> Result<Vec<Dataset>, SweepError> {
    let mut params = config.strategy.params.clone();
    if let Some(first) = param_sets(config).into_iter().next() {
        params.extend(first);
    }
    let strategy = tesser_strategy::build_strategy(&config.strategy.name, &params, base_dir)?;
    config
        .datasets
        .iter()
        .map(|d| Dataset::load(d, strategy.symbols()))
        .collect()
}

fn add(total: &mut RunCounts, c: RunCounts) {
    total.ran += c.ran;
    total.skipped += c.skipped;
}

/// Runs the batch: full-sample sweep, ranking, the summary files
/// (`summary.csv` and/or `summary.parquet`, per `summary_format`), the deflated
/// Sharpe ratio, and walk-forward folds with `walk_forward.csv` when
/// configured. `runner` carries the datasets, threads and progress callback.
///
/// # Errors
/// [`SweepError::Io`] when results cannot be written.
pub fn run_batch(runner: &Runner<'_>) -> Result<BatchOutcome, SweepError> {
    let config = runner.config;
    let jobs = full_sample_jobs(config);
    let (mut records, mut counts) = runner.execute(&jobs)?;
    let deflated = deflated_sharpe(&records);
    sort_records(&mut records, &config.sort_by, config.ascending);
    let mut summary_paths = Vec::with_capacity(config.summary_format.len());
    for format in &config.summary_format {
        let path = config.output_dir.join(format.file_name());
        match format {
            SummaryFormat::Csv => write_summary(&path, &records)?,
            SummaryFormat::Parquet => write_summary_parquet(&path, &records)?,
        }
        summary_paths.push(path);
    }

    let mut wf = Vec::new();
    if let Some(spec) = &config.walk_forward {
        let sets = param_sets(config);
        let plan: Vec<(usize, Setting, Fold)> = settings(config)
            .into_iter()
            .enumerate()
            .flat_map(|(i, s)| {
                let bars = runner.datasets.get(s.dataset).map_or(0, Dataset::bars);
                folds(bars, spec).into_iter().map(move |f| (i, s, f))
            })
            .collect();
        let is_jobs: Vec<Job> = plan
            .iter()
            .flat_map(|(_, s, f)| {
                sets.iter()
                    .map(|p| Job::new(config, *s, p.clone(), Some(f.in_sample)))
            })
            .collect();
        let (is_records, c) = runner.execute(&is_jobs)?;
        add(&mut counts, c);
        let mut chosen = Vec::with_capacity(plan.len());
        for (k, chunk) in is_records.chunks(sets.len().max(1)).enumerate() {
            let refs: Vec<&RunRecord> = chunk.iter().collect();
            let pick = best(&refs, &config.sort_by, config.ascending);
            chosen.push(pick.map(|i| (chunk[i].clone(), is_jobs[k * sets.len() + i].params.clone())));
        }
        let oos_jobs: Vec<Job> = plan
            .iter()
            .zip(&chosen)
            .filter_map(|((_, s, f), c)| {
                c.as_ref()
                    .map(|(_, p)| Job::new(config, *s, p.clone(), Some(f.out_of_sample)))
            })
            .collect();
        let (oos_records, c) = runner.execute(&oos_jobs)?;
        add(&mut counts, c);
        let mut oos = oos_records.into_iter();
        for ((setting, _, fold), c) in plan.into_iter().zip(chosen) {
            let out_of_sample = if c.is_some() { oos.next() } else { None };
            wf.push(FoldResult {
                setting,
                fold,
                in_sample: c.map(|(r, _)| r),
                out_of_sample,
            });
        }
        write_walk_forward(
            &config.output_dir.join("walk_forward.csv"),
            &wf,
            runner.datasets,
            &config.sort_by,
        )?;
    }
    Ok(BatchOutcome {
        records,
        counts,
        deflated,
        walk_forward: wf,
        summary_paths,
    })
}
