//! Ranking runs and writing `summary.csv` and `walk_forward.csv`.

use std::cmp::Ordering;
use std::path::Path;

use tesser_report::METRIC_NAMES;

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

/// Writes records (already sorted) as CSV: rank, id, dataset, parameters,
/// costs, every metric of `METRIC_NAMES`, and the error of failed runs.
///
/// # Errors
/// [`SweepError::Io`] naming the file.
pub fn write_summary(path: &Path, records: &[RunRecord]) -> Result<(), SweepError> {
    let err = csv_error(path);
    let mut w = csv::Writer::from_path(path).map_err(&err)?;
    let mut header = vec![
        "rank",
        "id",
        "dataset",
        "params",
        "fee_bps",
        "slippage_bps",
        "fill",
    ];
    header.extend_from_slice(METRIC_NAMES);
    header.push("error");
    w.write_record(&header).map_err(&err)?;
    for (i, r) in records.iter().enumerate() {
        let mut row = vec![
            (i + 1).to_string(),
            r.id.clone(),
            r.dataset.clone(),
            r.params.clone(),
            r.fee_bps.normalize().to_string(),
            r.slippage_bps.normalize().to_string(),
            r.fill.clone(),
        ];
        for name in METRIC_NAMES {
            row.push(opt(r.metrics.as_ref().and_then(|m| m.get(name))));
        }
        row.push(r.error.clone().unwrap_or_default());
        w.write_record(&row).map_err(&err)?;
    }
    w.flush().map_err(|source| SweepError::Io {
        path: path.to_owned(),
        source,
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
