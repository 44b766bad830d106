//! Walk-forward evaluation: on each fold, every parameter set runs on the
//! in-sample window, the best one by the sort metric is chosen, and only that
//! one runs on the following out-of-sample window. The out-of-sample results
//! chained together estimate what the optimisation would have earned.
//!
//! Windows count bars (distinct timestamps). Fold `k` uses in-sample bars
//! `[k·step, k·step + in_sample)` (from bar 0 when anchored) and out-of-sample
//! bars `[k·step + in_sample, k·step + in_sample + out_of_sample)`; only full
//! out-of-sample windows are used. Each window starts flat and cold: the
//! strategy warms up on the window's own first bars.

use serde::Serialize;

use crate::config::WalkForwardSpec;
use crate::runner::RunRecord;
use crate::summary::rank_key;

/// One fold's windows, as bar ranges `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fold {
    /// 0-based fold number.
    pub index: usize,
    /// In-sample bars.
    pub in_sample: (usize, usize),
    /// Out-of-sample bars.
    pub out_of_sample: (usize, usize),
}

/// The folds that fit in `bars` bars.
#[must_use]
pub fn folds(bars: usize, spec: &WalkForwardSpec) -> Vec<Fold> {
    let step = spec.step.unwrap_or(spec.out_of_sample).max(1);
    let mut out = Vec::new();
    let mut k = 0;
    loop {
        let offset = k * step;
        let is_end = offset + spec.in_sample;
        let oos_end = is_end + spec.out_of_sample;
        if oos_end > bars {
            break;
        }
        let is_start = if spec.anchored { 0 } else { offset };
        out.push(Fold {
            index: k,
            in_sample: (is_start, is_end),
            out_of_sample: (is_end, oos_end),
        });
        k += 1;
    }
    out
}

/// The index of the best record by `metric` (ties and undefined values go
/// to the earliest in plan order); `None` when none succeeded.
#[must_use]
pub fn best(records: &[&RunRecord], metric: &str, ascending: bool) -> Option<usize> {
    (0..records.len())
        .filter(|i| records[*i].metrics.is_some())
        .min_by(|a, b| {
            rank_key(records[*a], metric, ascending)
                .cmp(&rank_key(records[*b], metric, ascending))
                .then(a.cmp(b))
        })
}

/// The outcome of one fold of one data and cost setting.
#[derive(Debug, Clone, Serialize)]
pub struct FoldResult {
    /// Index of the setting (plan order).
    pub setting: usize,
    /// The fold's windows.
    pub fold: Fold,
    /// The chosen in-sample run (`None` when every candidate failed).
    pub in_sample: Option<RunRecord>,
    /// The chosen parameters' out-of-sample run.
    pub out_of_sample: Option<RunRecord>,
}

/// Compounded out-of-sample return of consecutive folds: `Π (1 + r_k) - 1`.
#[must_use]
pub fn chained_return(results: &[&FoldResult]) -> f64 {
    results
        .iter()
        .filter_map(|f| f.out_of_sample.as_ref().and_then(|r| r.metrics.as_ref()))
        .fold(1.0, |g, m| g * (1.0 + m.total_return))
        - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(is: usize, oos: usize, step: Option<usize>, anchored: bool) -> WalkForwardSpec {
        WalkForwardSpec {
            in_sample: is,
            out_of_sample: oos,
            step,
            anchored,
        }
    }

    #[test]
    fn rolling_windows() {
        // 100 bars, 40 in, 20 out: folds at 0, 20, 40; a 4th would end at 120.
        let f = folds(100, &spec(40, 20, None, false));
        let got: Vec<_> = f.iter().map(|f| (f.in_sample, f.out_of_sample)).collect();
        assert_eq!(
            got,
            vec![((0, 40), (40, 60)), ((20, 60), (60, 80)), ((40, 80), (80, 100))]
        );
    }

    #[test]
    fn anchored_and_stepped_windows() {
        let f = folds(100, &spec(40, 20, Some(30), true));
        let got: Vec<_> = f.iter().map(|f| (f.in_sample, f.out_of_sample)).collect();
        // offsets 0, 30: out-of-sample ends 60, 90; offset 60 would end at 120.
        assert_eq!(got, vec![((0, 40), (40, 60)), ((0, 70), (70, 90))]);
        assert!(folds(59, &spec(40, 20, None, false)).is_empty());
        assert_eq!(folds(60, &spec(40, 20, None, false)).len(), 1);
    }
}
