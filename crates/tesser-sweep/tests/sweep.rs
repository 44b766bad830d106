//! Sweeps on the bundled Bitstamp BTC/USD daily bars: determinism across
//! thread counts, resume, ranking, walk-forward folds, seeded random search
//! and the deflated Sharpe ratio against hand-computed values.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

use tesser_core::Cash;
use tesser_report::MetricsBuilder;
use tesser_sweep::{
    deflated_sharpe, load_datasets, param_sets, run_batch, BatchConfig, BatchOutcome, RunRecord, Runner,
};

fn data_file() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/btcusd_bitstamp_1d.csv");
    p.to_string_lossy().replace('\\', "/")
}

fn config(out: &Path, extra: &str) -> BatchConfig {
    let text = format!(
        r#"
output_dir = "{out}"
sort_by = "sharpe"

[strategy]
name = "SmaCross"
params = {{ symbol = "BTCUSD", allow_short = false }}

[grid]
fast_period = [5, 10, 20, 40]
slow_period = [20, 50]

[[datasets]]
name = "btc"
files = ["{data}"]

[backtest]
initial_equity = 100000
quantity = 1
fee_bps = [0, 25]
{extra}
"#,
        out = out.to_string_lossy().replace('\\', "/"),
        data = data_file(),
    );
    let cfg: BatchConfig = toml::from_str(&text).unwrap();
    cfg.validate().unwrap();
    cfg
}

fn run(cfg: &BatchConfig, threads: usize) -> BatchOutcome {
    let datasets = load_datasets(cfg, Path::new(".")).unwrap();
    let runner = Runner {
        config: cfg,
        datasets: &datasets,
        base_dir: Path::new("."),
        threads,
        progress: &|_, _| {},
    };
    run_batch(&runner).unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn runs_dir(out: &Path) -> PathBuf {
    out.join("runs")
}

#[test]
fn same_results_on_one_or_many_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let one = run(&config(&a, ""), 1);
    let many = run(&config(&b, ""), 4);
    // 4 × 2 parameter sets × 2 fee levels.
    assert_eq!(one.records.len(), 16);
    assert_eq!(one.counts.ran, 16);
    assert_eq!(read(&a.join("summary.csv")), read(&b.join("summary.csv")));
    assert_eq!(one.records, many.records);
    assert_eq!(one.deflated, many.deflated);
}

#[test]
fn ranking_is_by_metric_with_failures_last() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&config(tmp.path(), ""), 2);
    // fast >= slow is rejected by SmaCross: (20, 20), (40, 20) at both fees.
    let failed: Vec<&RunRecord> = out.records.iter().filter(|r| r.error.is_some()).collect();
    assert_eq!(failed.len(), 4);
    assert!(out.records[12..].iter().all(|r| r.error.is_some()));
    let sharpes: Vec<f64> = out.records[..12]
        .iter()
        .map(|r| r.metrics.as_ref().unwrap().sharpe.unwrap())
        .collect();
    assert!(sharpes.windows(2).all(|w| w[0] >= w[1]), "{sharpes:?}");
    // Fees only lower the Sharpe ratio of the same parameters.
    let csv = read(&out.summary_paths[0]);
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(&header[..4], &["rank", "id", "dataset", "params"]);
    assert_eq!(csv.lines().count(), 17);
    let asc = {
        let mut c = config(tmp.path(), "");
        c.sort_by = "max_drawdown".to_owned();
        c.ascending = true;
        c.output_dir = tmp.path().join("asc");
        run(&c, 2)
    };
    let dds: Vec<f64> = asc.records[..12]
        .iter()
        .map(|r| r.metrics.as_ref().unwrap().max_drawdown)
        .collect();
    assert!(dds.windows(2).all(|w| w[0] <= w[1]), "{dds:?}");
}

#[test]
fn resume_skips_completed_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(tmp.path(), "");
    let first = run(&cfg, 2);
    let summary = read(&first.summary_paths[0]);
    // An interrupted batch: two records missing, one left half-written.
    let mut files: Vec<PathBuf> = std::fs::read_dir(runs_dir(tmp.path()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 16);
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::remove_file(&files[1]).unwrap();
    std::fs::write(&files[2], "{\"id\": \"trunc").unwrap();
    let second = run(&cfg, 2);
    assert_eq!((second.counts.ran, second.counts.skipped), (3, 13));
    assert_eq!(read(&second.summary_paths[0]), summary);
    let third = run(&cfg, 3);
    assert_eq!((third.counts.ran, third.counts.skipped), (0, 16));
    // A changed setting changes ids: nothing is reused by mistake.
    let mut changed = cfg.clone();
    changed.backtest.quantity = tesser_core::Decimal::from(2);
    let fourth = run(&changed, 2);
    assert_eq!(fourth.counts.ran, 16);
}

#[test]
fn walk_forward_picks_the_in_sample_best() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config(
        tmp.path(),
        "fill = [\"next-open\"]\n\n[walk_forward]\nin_sample = 500\nout_of_sample = 250\n",
    );
    let out = run(&cfg, 2);
    // 1865 bars: offsets 0, 250, ..., 1000 (out-of-sample ends at 1750); 1250 would end at 2000.
    let per_setting: Vec<_> = out.walk_forward.iter().filter(|f| f.setting == 0).collect();
    assert_eq!(per_setting.len(), 5);
    assert_eq!(per_setting[4].fold.in_sample, (1000, 1500));
    assert_eq!(per_setting[4].fold.out_of_sample, (1500, 1750));
    assert_eq!(out.walk_forward.len(), 10);
    let wf_csv = read(&tmp.path().join("walk_forward.csv"));
    assert_eq!(wf_csv.lines().count(), 11);
    // The chosen run is the best of its fold among every in-sample candidate.
    for fold in &out.walk_forward {
        let chosen = fold.in_sample.as_ref().unwrap();
        let best = chosen.metrics.as_ref().unwrap().sharpe.unwrap();
        for entry in std::fs::read_dir(runs_dir(tmp.path())).unwrap() {
            let r: RunRecord = serde_json::from_str(&read(&entry.unwrap().path())).unwrap();
            if r.window == Some(fold.fold.in_sample) && r.fee_bps == chosen.fee_bps {
                if let Some(s) = r.metrics.and_then(|m| m.sharpe) {
                    assert!(s <= best);
                }
            }
        }
        let oos = fold.out_of_sample.as_ref().unwrap();
        assert_eq!(oos.params, chosen.params);
        assert_eq!(oos.window, Some(fold.fold.out_of_sample));
        assert_eq!(oos.metrics.as_ref().unwrap().bars, 250);
    }
}

#[test]
fn random_search_is_seeded() {
    let tmp = tempfile::tempdir().unwrap();
    let extra = "\n[random]\nsamples = 12\nseed = 7\nparams = { slow_period = { min = 30, max = 120 } }\n";
    let mut cfg = config(tmp.path(), extra);
    cfg.grid.remove("slow_period");
    let a = param_sets(&cfg);
    assert_eq!(a, param_sets(&cfg));
    assert!(a.len() <= 12 && a.len() >= 10);
    for set in &a {
        let slow = set["slow_period"].as_integer().unwrap();
        assert!((30..=120).contains(&slow));
        assert!([5, 10, 20, 40].contains(&set["fast_period"].as_integer().unwrap()));
    }
    cfg.random.as_mut().unwrap().seed = 8;
    assert_ne!(a, param_sets(&cfg));
    cfg.random.as_mut().unwrap().seed = 7;
    let out_a = run(&cfg, 1);
    let out_b = run(&cfg, 4);
    assert_eq!(out_a.records, out_b.records);
}

fn record(id: &str, sharpe_per_bar: f64) -> RunRecord {
    let mut m = MetricsBuilder::new(Cash::ZERO).finish(365.0, Cash::ZERO);
    m.sharpe_per_bar = Some(sharpe_per_bar);
    m.returns = 101;
    m.skewness = Some(0.0);
    m.kurtosis = Some(3.0);
    RunRecord {
        id: id.to_owned(),
        key: id.to_owned(),
        dataset: "d".to_owned(),
        params: String::new(),
        fee_bps: tesser_core::Decimal::ZERO,
        slippage_bps: tesser_core::Decimal::ZERO,
        fill: "next-open".to_owned(),
        window: None,
        metrics: Some(m),
        error: None,
    }
}

#[test]
fn deflated_sharpe_by_hand() {
    // Three trials with per-bar Sharpe .1, .05, 0: variance .0025 (ddof 1).
    // SR0 = .05 × (.42278 Φ⁻¹(2/3) + .57722 Φ⁻¹(1 - 1/(3e))) = 0.0426402248...
    // DSR = Φ((.1 - SR0) × √100 / √(1 + (3 - 1)/4 × .01)) = 0.7163962946...
    // (values from Python's statistics.NormalDist, an independent oracle).
    let records = vec![record("a", 0.05), record("b", 0.1), record("c", 0.0)];
    let d = deflated_sharpe(&records).unwrap();
    assert_eq!((d.trials, d.best_id.as_str()), (3, "b"));
    assert!((d.variance - 0.0025).abs() < 1e-15);
    assert!((d.sr0 - 0.042_640_224_807_534_74).abs() < 1e-10, "{}", d.sr0);
    assert!((d.dsr - 0.716_396_294_679_431_7).abs() < 1e-9, "{}", d.dsr);
    assert!(deflated_sharpe(&records[..1]).is_none());
}
