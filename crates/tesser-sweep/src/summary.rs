//! Ranking runs, the summary table (shared by the CSV and Parquet writers),
//! and writing `summary.csv` and `walk_forward.csv`.

use std::cmp::Ordering;
use std::path::Path;

use tesser_report::{Metrics, METRIC_NAMES};

use crate::data::Dataset;
use crate::runner::RunRecord;
use crate::walk_forward::FoldResult;
use crate::SweepError;

/// Orders runs: defined metric values first (best first), then successful
/// runs where the metric is undefined, then failed runs.
#[derive(Debug, Clone, Copy)]
pub struct RankKey {
    class: u8,
    value: f64,
}

impl PartialEq for RankKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for RankKey {}
impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.class
            .cmp(&other.class)
            .then(self.value.total_cmp(&other.value))
    }
}

/// The sort key of `record` by `metric`.
#[must_use]
pub fn rank_key(record: &RunRecord, metric: &str, ascending: bool) -> RankKey {
    match record.metrics.as_ref().map(|m| m.get(metric)) {
        Some(Some(v)) if v.is_finite() => RankKey {
            class: 0,
            value: if ascending { v } else { -v },
        },
        Some(_) => RankKey { class: 1, value: 0.0 },
        None => RankKey { class: 2, value: 0.0 },
    }
}

/// Sorts records best first by `metric`; ties keep plan order, so the result
/// does not depend on which run finished first.
pub fn sort_records(records: &mut [RunRecord], metric: &str, ascending: bool) {
    records.sort_by_key(|r| rank_key(r, metric, ascending));
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> SweepError + '_ {
    move |e| SweepError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    }
}

/// The type of a summary column, shared by the CSV and Parquet writers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Whole numbers (Parquet `INT64`).
    Int,
    /// Floating-point ratios (Parquet `DOUBLE`).
    Float,
    /// Text and exact decimals (Parquet `BYTE_ARRAY` UTF-8).
    Text,
}

/// One summary column: its name, type, and whether a cell may be empty.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) nullable: bool,
}

/// One summary cell. `Null` is an empty CSV cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Int(i64),
    Float(f64),
    Text(String),
    Null,
}

impl Cell {
    fn csv_text(&self) -> String {
        match self {
            Self::Int(v) => v.to_string(),
            Self::Float(v) => v.to_string(),
            Self::Text(s) => s.clone(),
            Self::Null => String::new(),
        }
    }
}

/// Money metrics are written as exact decimal text, counts as integers,
/// everything else as floats.
fn metric_kind(name: &str) -> Kind {
    match name {
        "max_drawdown_bars" | "trades" => Kind::Int,
        "expectancy" | "fees" | "final_equity" => Kind::Text,
        _ => Kind::Float,
    }
}

fn metric_cell(m: &Metrics, name: &str) -> Cell {
    let int = |v: u64| Cell::Int(i64::try_from(v).unwrap_or(i64::MAX));
    match name {
        "max_drawdown_bars" => int(m.max_drawdown_bars),
        "trades" => int(m.trades),
        "expectancy" => m.expectancy.map_or(Cell::Null, |c| Cell::Text(c.to_string())),
        "fees" => Cell::Text(m.fees.to_string()),
        "final_equity" => Cell::Text(m.final_equity.to_string()),
        _ => m.get(name).map_or(Cell::Null, Cell::Float),
    }
}

/// The summary's columns: rank, id, dataset, parameters, costs, every metric
/// of `METRIC_NAMES` (empty for failed runs), and the error of failed runs.
pub(crate) fn summary_columns() -> Vec<Column> {
    let fixed = |name, kind| Column {
        name,
        kind,
        nullable: false,
    };
    let mut cols = vec![
        fixed("rank", Kind::Int),
        fixed("id", Kind::Text),
        fixed("dataset", Kind::Text),
        fixed("params", Kind::Text),
        fixed("fee_bps", Kind::Text),
        fixed("slippage_bps", Kind::Text),
        fixed("fill", Kind::Text),
    ];
    cols.extend(METRIC_NAMES.iter().map(|&name| Column {
        name,
        kind: metric_kind(name),
        nullable: true,
    }));
    cols.push(Column {
        name: "error",
        kind: Kind::Text,
        nullable: true,
    });
    cols
}

/// The cells of the record ranked `rank` (1-based), in [`summary_columns`] order.
pub(crate) fn summary_row(rank: usize, r: &RunRecord) -> Vec<Cell> {
    let mut row = vec![
        Cell::Int(i64::try_from(rank).unwrap_or(i64::MAX)),
        Cell::Text(r.id.clone()),
        Cell::Text(r.dataset.clone()),
        Cell::Text(r.params.clone()),
        Cell::Text(r.fee_bps.normalize().to_string()),
        Cell::Text(r.slippage_bps.normalize().to_string()),
        Cell::Text(r.fill.clone()),
    ];
    row.extend(
        METRIC_NAMES
            .iter()
            .map(|name| r.metrics.as_ref().map_or(Cell::Null, |m| metric_cell(m, name))),
    );
    row.push(r.error.clone().map_or(Cell::Null, Cell::Text));
    row
}

/// Writes `path` through a temporary file in the same folder, renamed into
/// place once complete, so an interrupted write never leaves a partial file.
pub(crate) fn replace_file(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), SweepError>,
) -> Result<(), SweepError> {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    write(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|source| SweepError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes records (already sorted) as CSV: rank, id, dataset, parameters,
/// costs, every metric of `METRIC_NAMES`, and the error of failed runs.
/// Counts are integers and money metrics (`expectancy`, `fees`,
/// `final_equity`) exact decimals; a failed run's metrics are empty.
///
/// # Errors
/// [`SweepError::Io`] naming the file.
pub fn write_summary(path: &Path, records: &[RunRecord]) -> Result<(), SweepError> {
    replace_file(path, |tmp| {
        let err = csv_error(path);
        let mut w = csv::Writer::from_path(tmp).map_err(&err)?;
        w.write_record(summary_columns().iter().map(|c| c.name))
            .map_err(&err)?;
        for (i, r) in records.iter().enumerate() {
            w.write_record(summary_row(i + 1, r).iter().map(Cell::csv_text))
                .map_err(&err)?;
        }
        w.flush().map_err(|source| SweepError::Io {
            path: path.to_owned(),
            source,
        })
    })
}

/// Writes one row per fold: windows (bars and times), the chosen parameters,
/// their in-sample score and their out-of-sample results.
///
/// # Errors
/// [`SweepError::Io`] naming the file.
pub fn write_walk_forward(
    path: &Path,
    results: &[FoldResult],
    datasets: &[Dataset],
    metric: &str,
) -> Result<(), SweepError> {
    let err = csv_error(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
    let is_metric = format!("in_sample_{metric}");
    w.write_record([
        "setting",
        "dataset",
        "fee_bps",
        "slippage_bps",
        "fill",
        "fold",
        "in_sample_start",
        "in_sample_end",
        "out_of_sample_start",
        "out_of_sample_end",
        "params",
        is_metric.as_str(),
        "oos_total_return",
        "oos_sharpe",
        "oos_max_drawdown",
        "oos_trades",
        "error",
    ])
    .map_err(&err)?;
    for f in results {
        let chosen = f.in_sample.as_ref();
        let oos = f.out_of_sample.as_ref();
        let oos_m = oos.and_then(|r| r.metrics.as_ref());
        let ds = chosen.map(|r| r.dataset.clone()).unwrap_or_default();
        let time = |bar: usize| {
            datasets
                .iter()
                .find(|d| d.name == ds)
                .and_then(|d| d.time(bar))
                .map_or_else(|| bar.to_string(), |t| t.to_string())
        };
        let (is, os) = (f.fold.in_sample, f.fold.out_of_sample);
        let error = oos
            .and_then(|r| r.error.clone())
            .or_else(|| chosen.is_none().then(|| "every in-sample run failed".to_owned()));
        w.write_record([
            f.setting.to_string(),
            ds.clone(),
            chosen
                .map(|r| r.fee_bps.normalize().to_string())
                .unwrap_or_default(),
            chosen
                .map(|r| r.slippage_bps.normalize().to_string())
                .unwrap_or_default(),
            chosen.map(|r| r.fill.clone()).unwrap_or_default(),
            f.fold.index.to_string(),
            time(is.0),
            time(is.1.saturating_sub(1)),
            time(os.0),
            time(os.1.saturating_sub(1)),
            chosen.map(|r| r.params.clone()).unwrap_or_default(),
            opt(chosen
                .and_then(|r| r.metrics.as_ref())
                .and_then(|m| m.get(metric))),
            opt(oos_m.map(|m| m.total_return)),
            opt(oos_m.and_then(|m| m.sharpe)),
            opt(oos_m.map(|m| m.max_drawdown)),
            opt(oos_m.map(|m| m.trades as f64)),
            error.unwrap_or_default(),
        ])
        .map_err(&err)?;
    }
    w.flush().map_err(|source| SweepError::Io {
        path: path.to_owned(),
        source,
    })
}
