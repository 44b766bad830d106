//! `summary_format = ["csv", "parquet"]`: the Parquet summary read back with
//! the parquet crate's own reader holds the CSV's columns, rows and order,
//! with typed columns; resuming rewrites it identically; bad values of the
//! key are errors that name it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::fs::File;
use std::path::Path;

use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use tesser_sweep::{load_datasets, run_batch, BatchConfig, BatchOutcome, Runner, SummaryFormat};

fn config_text(out: &Path, formats: &str) -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/btcusd_bitstamp_1d.csv");
    format!(
        r#"
output_dir = "{out}"
summary_format = {formats}
sort_by = "sharpe"

[strategy]
name = "SmaCross"
params = {{ symbol = "BTCUSD", allow_short = false }}

# (20, 20) and (40, 20) fail: their metric cells are empty, their error set.
[grid]
fast_period = [5, 20, 40]
slow_period = [20, 50]

[[datasets]]
name = "btc"
files = ["{data}"]

[backtest]
initial_equity = 100000
quantity = 1
fee_bps = [0, 25]
"#,
        out = out.to_string_lossy().replace('\\', "/"),
        data = data.to_string_lossy().replace('\\', "/"),
    )
}

fn config(out: &Path, formats: &str) -> BatchConfig {
    let cfg: BatchConfig = toml::from_str(&config_text(out, formats)).unwrap();
    cfg.validate().unwrap();
    cfg
}

fn run(cfg: &BatchConfig) -> BatchOutcome {
    let datasets = load_datasets(cfg, Path::new(".")).unwrap();
    let runner = Runner {
        config: cfg,
        datasets: &datasets,
        base_dir: Path::new("."),
        threads: 2,
        progress: &|_, _| {},
    };
    run_batch(&runner).unwrap()
}

/// Header and rows of a CSV file, as text.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A Parquet value as the CSV writes it.
fn as_csv_text(f: &Field) -> String {
    match f {
        Field::Null => String::new(),
        Field::Long(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        Field::Str(s) => s.clone(),
        other => panic!("unexpected Parquet value {other:?}"),
    }
}

/// Column names, and rows rendered as CSV text.
fn read_parquet(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let reader = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let header = schema.columns().iter().map(|c| c.name().to_owned()).collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, f)| as_csv_text(f))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn parquet_summary_matches_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&config(tmp.path(), r#"["csv", "parquet"]"#));
    let csv_path = tmp.path().join("summary.csv");
    let pq_path = tmp.path().join("summary.parquet");
    assert_eq!(out.summary_paths, vec![csv_path.clone(), pq_path.clone()]);

    let (csv_header, csv_rows) = read_csv(&csv_path);
    let (pq_header, pq_rows) = read_parquet(&pq_path);
    assert_eq!(pq_header, csv_header);
    assert_eq!(csv_rows.len(), 12);
    assert_eq!(pq_rows, csv_rows);

    // Sorted: ranks 1..n, Sharpe descending, the four failed runs last.
    let col = |name: &str| csv_header.iter().position(|h| h == name).unwrap();
    let ranks: Vec<String> = pq_rows.iter().map(|r| r[col("rank")].clone()).collect();
    let expected: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
    assert_eq!(ranks, expected);
    let sharpes: Vec<f64> = pq_rows[..8]
        .iter()
        .map(|r| r[col("sharpe")].parse().unwrap())
        .collect();
    assert!(sharpes.windows(2).all(|w| w[0] >= w[1]), "{sharpes:?}");
    assert!(pq_rows[8..]
        .iter()
        .all(|r| r[col("sharpe")].is_empty() && !r[col("error")].is_empty()));
    assert!(pq_rows[..8].iter().all(|r| r[col("error")].is_empty()));

    // Typed columns, nullable exactly where the CSV may have empty cells.
    let reader = SerializedFileReader::new(File::open(&pq_path).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let kind = |name: &str| {
        let c = schema.column(col(name));
        let text = matches!(c.logical_type_ref(), Some(LogicalType::String));
        let optional = c.self_type().get_basic_info().repetition() == Repetition::OPTIONAL;
        (c.physical_type(), text, optional)
    };
    assert_eq!(kind("rank"), (Physical::INT64, false, false));
    assert_eq!(kind("id"), (Physical::BYTE_ARRAY, true, false));
    assert_eq!(kind("fee_bps"), (Physical::BYTE_ARRAY, true, false));
    assert_eq!(kind("sharpe"), (Physical::DOUBLE, false, true));
    assert_eq!(kind("trades"), (Physical::INT64, false, true));
    assert_eq!(kind("max_drawdown_bars"), (Physical::INT64, false, true));
    assert_eq!(kind("final_equity"), (Physical::BYTE_ARRAY, true, true));
    assert_eq!(kind("error"), (Physical::BYTE_ARRAY, true, true));
}

#[test]
fn resume_reuses_runs_and_rewrites_the_same_parquet() {
    let tmp = tempfile::tempdir().unwrap();
    // A CSV-only batch, then the same batch asking for Parquet: nothing reruns.
    let first = run(&config(tmp.path(), r#"["csv"]"#));
    assert_eq!(first.counts.ran, 12);
    assert!(!tmp.path().join("summary.parquet").exists());
    let cfg = config(tmp.path(), r#"["parquet"]"#);
    let second = run(&cfg);
    assert_eq!((second.counts.ran, second.counts.skipped), (0, 12));
    let pq_path = tmp.path().join("summary.parquet");
    let bytes = std::fs::read(&pq_path).unwrap();
    assert_eq!(
        read_parquet(&pq_path).1,
        read_csv(&tmp.path().join("summary.csv")).1
    );

    // An interrupted batch: two records lost. The rerun finishes them and
    // writes the very same file.
    let mut files: Vec<_> = std::fs::read_dir(tmp.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::remove_file(&files[5]).unwrap();
    let third = run(&cfg);
    assert_eq!((third.counts.ran, third.counts.skipped), (2, 10));
    assert_eq!(std::fs::read(&pq_path).unwrap(), bytes);
    assert!(!tmp.path().join("summary.parquet.tmp").exists());
}

#[test]
fn bad_summary_formats_name_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let err = toml::from_str::<BatchConfig>(&config_text(tmp.path(), r#"["xlsx"]"#))
        .unwrap_err()
        .to_string();
    assert!(err.contains("summary_format: unknown format `xlsx`"), "{err}");

    let file = tmp.path().join("batch.toml");
    std::fs::write(&file, config_text(tmp.path(), r#""parquet""#)).unwrap();
    let err = BatchConfig::load(&file).unwrap_err().to_string();
    assert!(err.contains("summary_format"), "{err}");

    for (formats, message) in [
        ("[]", "summary_format: empty list"),
        (r#"["csv", "csv"]"#, "summary_format: `csv` is listed twice"),
    ] {
        let cfg: BatchConfig = toml::from_str(&config_text(tmp.path(), formats)).unwrap();
        let err = cfg.validate().unwrap_err();
        assert!(err.starts_with(message), "{err}");
    }
    let default = config_text(tmp.path(), "[]").replace("summary_format = []\n", "");
    let cfg: BatchConfig = toml::from_str(&default).unwrap();
    assert_eq!(cfg.summary_format, vec![SummaryFormat::Csv]);
}
