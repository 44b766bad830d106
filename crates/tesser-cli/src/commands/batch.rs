//! `tesser-cli backtest batch`: loads a batch file and hands it to
//! `tesser-sweep`, which plans, runs, ranks and stores the runs.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use tesser_sweep::{
    chained_return, load_datasets, run_batch, thread_count, BatchConfig, BatchOutcome, Runner,
};

use crate::cli::BacktestBatchArgs;
use crate::commands::progress;

/// Runs the sweep described by `args.config`.
pub(crate) fn run(args: &BacktestBatchArgs) -> anyhow::Result<()> {
    let mut cfg = BatchConfig::load(&args.config)?;
    if let Some(t) = args.threads {
        cfg.threads = t;
    }
    if let Some(dir) = &args.output_dir {
        cfg.output_dir.clone_from(dir);
    }
    let base_dir = args.config.parent().unwrap_or(Path::new("."));
    let datasets = load_datasets(&cfg, base_dir).context("loading the datasets")?;
    let threads = thread_count(cfg.threads);
    let bar = progress::bar(Some(0), "runs");
    let on_progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let runner = Runner {
        config: &cfg,
        datasets: &datasets,
        base_dir,
        threads,
        progress: &on_progress,
    };
    let outcome = run_batch(&runner)?;
    bar.finish_and_clear();
    print!("{}", render(&cfg, &outcome, threads));
    Ok(())
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |x| format!("{x:.4}"))
}

/// The printed summary: counts, the ten best runs, the deflated Sharpe
/// ratio and the walk-forward result.
fn render(cfg: &BatchConfig, o: &BatchOutcome, threads: usize) -> String {
    let mut out = String::new();
    let failed = o.records.iter().filter(|r| r.error.is_some()).count();
    let _ = writeln!(
        out,
        "{} full-sample runs ({failed} failed); {} backtests run now, {} reused from disk; {threads} threads",
        o.records.len(),
        o.counts.ran,
        o.counts.skipped
    );
    let _ = writeln!(
        out,
        "best by {}{}:",
        cfg.sort_by,
        if cfg.ascending { " (ascending)" } else { "" }
    );
    for (i, r) in o.records.iter().take(10).enumerate() {
        let m = r.metrics.as_ref();
        let _ = writeln!(
            out,
            "{:>3}. {:<10} fee {:>5} slip {:>4} {:<9} {:<40} {} {:>9}  return {:>9}  max dd {:>7}",
            i + 1,
            r.dataset,
            r.fee_bps.normalize(),
            r.slippage_bps.normalize(),
            r.fill,
            r.params,
            cfg.sort_by,
            num(m.and_then(|m| m.get(&cfg.sort_by))),
            num(m.map(|m| m.total_return)),
            num(m.map(|m| m.max_drawdown)),
        );
    }
    if let Some(d) = &o.deflated {
        let _ = writeln!(
            out,
            "deflated Sharpe ratio of the best of {} trials: {:.4} (per-bar SR {:.4}, expected max under no skill {:.4})",
            d.trials, d.dsr, d.sharpe, d.sr0
        );
    }
    if !o.walk_forward.is_empty() {
        let mut settings: Vec<usize> = o.walk_forward.iter().map(|f| f.setting).collect();
        settings.dedup();
        for s in settings {
            let folds: Vec<_> = o.walk_forward.iter().filter(|f| f.setting == s).collect();
            let label = folds
                .iter()
                .find_map(|f| f.in_sample.as_ref())
                .map(|r| {
                    format!(
                        "{} fee {} slip {} {}",
                        r.dataset,
                        r.fee_bps.normalize(),
                        r.slippage_bps.normalize(),
                        r.fill
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "walk-forward {label}: {} folds, chained out-of-sample return {:.2}%",
                folds.len(),
                chained_return(&folds) * 100.0
            );
        }
        let _ = writeln!(
            out,
            "walk-forward folds in {}",
            cfg.output_dir.join("walk_forward.csv").display()
        );
    }
    let files: Vec<String> = o.summary_paths.iter().map(|p| p.display().to_string()).collect();
    let _ = writeln!(out, "summary in {}", files.join(", "));
    out
}
