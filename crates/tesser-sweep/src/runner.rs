//! Runs jobs on a fixed pool of scoped threads. Each finished run is written
//! at once to `runs/<id>.json` (temporary file, then rename), so an
//! interrupted batch resumes where it stopped and a finished run is never
//! run twice. Results do not depend on the thread count or finishing order:
//! each run is a pure function of its job, and results are returned in plan
//! order.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tesser_backtester::BacktestConfig;
use tesser_core::{Cash, Decimal, Quantity};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::PaperConfig;
use tesser_report::{Metrics, MetricsBuilder};

use crate::config::BatchConfig;
use crate::data::Dataset;
use crate::plan::{fill_text, Job};
use crate::SweepError;

/// The stored outcome of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The job id (file name).
    pub id: String,
    /// The job's canonical key, checked when a record is reused.
    pub key: String,
    /// Dataset name.
    pub dataset: String,
    /// Swept parameters, `name=value` joined by spaces.
    pub params: String,
    /// Fee in basis points.
    pub fee_bps: Decimal,
    /// Slippage in basis points.
    pub slippage_bps: Decimal,
    /// Fill model name.
    pub fill: String,
    /// Bar window, when not the whole dataset.
    pub window: Option<(usize, usize)>,
    /// Metrics of a successful run.
    pub metrics: Option<Metrics>,
    /// Why the run failed (bad parameters, say).
    pub error: Option<String>,
}

/// How many runs were executed and how many were reused from disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Runs executed now.
    pub ran: usize,
    /// Runs found complete in `runs/`.
    pub skipped: usize,
}

/// Executes jobs against shared datasets.
pub struct Runner<'a> {
    /// The batch.
    pub config: &'a BatchConfig,
    /// Datasets, indexed like `config.datasets`.
    pub datasets: &'a [Dataset],
    /// Folder that relative strategy artifact paths start from.
    pub base_dir: &'a Path,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Called after each finished run with (finished, total) of this call.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
}

/// The backtest settings of a job. Fields not swept keep the defaults of
/// their types, so new frictions stay off unless a batch sets them.
#[allow(
    clippy::needless_update,
    reason = "PaperConfig gains fields; defaults keep sweeps compiling"
)]
fn backtest_config(config: &BatchConfig, job: &Job, dataset: &Dataset) -> Result<BacktestConfig, String> {
    let qty = Quantity::new(config.backtest.quantity).map_err(|e| format!("[backtest] quantity: {e}"))?;
    Ok(BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(config.backtest.initial_equity),
            sizer: Sizer::FixedQuantity(qty),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig {
            fill: job.setting.fill,
            fee_bps: job.setting.fee_bps,
            slippage_bps: job.setting.slippage_bps,
            ..PaperConfig::default()
        },
        bars_per_year: dataset.interval.bars_per_year(),
        perp: None,
    })
}

impl Runner<'_> {
    fn runs_dir(&self) -> PathBuf {
        self.config.output_dir.join("runs")
    }

    /// Runs one job (no disk access).
    #[must_use]
    pub fn run_one(&self, job: &Job) -> RunRecord {
        let dataset = self.datasets.get(job.setting.dataset);
        let mut record = RunRecord {
            id: job.id.clone(),
            key: job.key.clone(),
            dataset: dataset.map_or_else(String::new, |d| d.name.clone()),
            params: job.params_text(),
            fee_bps: job.setting.fee_bps,
            slippage_bps: job.setting.slippage_bps,
            fill: fill_text(job.setting.fill).to_owned(),
            window: job.window,
            metrics: None,
            error: None,
        };
        match dataset
            .ok_or_else(|| "no such dataset".to_owned())
            .and_then(|d| self.backtest(job, d))
        {
            Ok(m) => record.metrics = Some(m),
            Err(e) => record.error = Some(e),
        }
        record
    }

    fn backtest(&self, job: &Job, dataset: &Dataset) -> Result<Metrics, String> {
        let mut params = self.config.strategy.params.clone();
        params.extend(job.params.clone());
        let strategy = tesser_strategy::build_strategy(&self.config.strategy.name, &params, self.base_dir)
            .map_err(|e| e.to_string())?;
        let cfg = backtest_config(self.config, job, dataset)?;
        let mut metrics = MetricsBuilder::new(cfg.engine.initial_equity);
        let feed = dataset.window(job.window).iter().copied().map(Ok);
        tesser_backtester::run(strategy, feed, &cfg, &mut metrics).map_err(|e| e.to_string())?;
        Ok(metrics.finish(cfg.bars_per_year, Cash::ZERO))
    }

    fn load(&self, job: &Job) -> Option<RunRecord> {
        let path = self.runs_dir().join(format!("{}.json", job.id));
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str::<RunRecord>(&text)
            .ok()
            .filter(|r| r.key == job.key)
    }

    fn save(&self, record: &RunRecord) -> Result<(), SweepError> {
        let dir = self.runs_dir();
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| SweepError::Io { path, source }
        };
        let json = serde_json::to_string_pretty(record).map_err(|e| SweepError::Io {
            path: dir.clone(),
            source: std::io::Error::other(e),
        })?;
        let tmp = dir.join(format!("{}.json.tmp", record.id));
        let path = dir.join(format!("{}.json", record.id));
        std::fs::write(&tmp, json + "\n").map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))
    }

    /// Runs `jobs`, reusing complete records from `runs/`; returns the
    /// records in the order of `jobs`.
    ///
    /// # Errors
    /// [`SweepError::Io`] when the output folder or a record cannot be written.
    pub fn execute(&self, jobs: &[Job]) -> Result<(Vec<RunRecord>, RunCounts), SweepError> {
        let dir = self.runs_dir();
        std::fs::create_dir_all(&dir).map_err(|source| SweepError::Io {
            path: dir.clone(),
            source,
        })?;
        let mut results: Vec<Option<RunRecord>> = jobs.iter().map(|j| self.load(j)).collect();
        let pending: Vec<usize> = (0..jobs.len()).filter(|i| results[*i].is_none()).collect();
        let counts = RunCounts {
            ran: pending.len(),
            skipped: jobs.len() - pending.len(),
        };
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let finished: Mutex<Vec<(usize, RunRecord)>> = Mutex::new(Vec::with_capacity(pending.len()));
        let first_error: Mutex<Option<SweepError>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..self.threads.max(1).min(pending.len().max(1)) {
                scope.spawn(|| {
                    while let Some(&i) = pending.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let record = self.run_one(&jobs[i]);
                        if let Err(e) = self.save(&record) {
                            if let Ok(mut slot) = first_error.lock() {
                                slot.get_or_insert(e);
                            }
                            break;
                        }
                        if let Ok(mut f) = finished.lock() {
                            f.push((i, record));
                        }
                        (self.progress)(done.fetch_add(1, Ordering::Relaxed) + 1, pending.len());
                    }
                });
            }
        });
        if let Some(e) = first_error.into_inner().ok().flatten() {
            return Err(e);
        }
        for (i, record) in finished.into_inner().unwrap_or_default() {
            results[i] = Some(record);
        }
        let records = results.into_iter().flatten().collect::<Vec<_>>();
        if records.len() != jobs.len() {
            return Err(SweepError::Io {
                path: dir,
                source: std::io::Error::other("a worker thread stopped early"),
            });
        }
        Ok((records, counts))
    }
}
