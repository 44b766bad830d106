//! End-to-end tests of `data download|validate|resample` and `mock-exchange`:
//! the real binary against the loopback mock (127.0.0.1 only).
//!
//! One week of 1-minute bars (10 080 rows, 11 requests) is downloaded, cut
//! in half and resumed; one full year (525 600 rows, 526 requests) is
//! downloaded once and validated. The year runs by default: 11–13 s wall
//! (7.5 s CPU) in a debug build on a two-core machine under load; with the
//! resume leg too, which the week test covers, it was 15 s.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Output, Stdio};

use tesser_core::{Interval, Timestamp};
use tesser_mock_bybit::{Bars, MockBybit, MockConfig, MockData};

mod common;
use common::cli;

fn write_csv(path: &Path, bars: &Bars) {
    let mut text = String::from("timestamp,open,high,low,close,volume\n");
    for b in &bars.bars {
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            Timestamp::from_millis(b.start),
            b.open.normalize(),
            b.high.normalize(),
            b.low.normalize(),
            b.close.normalize(),
            b.volume.normalize()
        ));
    }
    std::fs::write(path, text).unwrap();
}

/// Starts the mock on its own runtime thread; returns its REST URL.
fn start_mock(csv: &Path) -> (String, tokio::runtime::Runtime, MockBybit) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let cfg = MockConfig {
        data: MockData::Csv(csv.to_owned()),
        ..MockConfig::default()
    };
    let mock = rt.block_on(MockBybit::start(cfg)).unwrap();
    (mock.rest_url(), rt, mock)
}

fn download_roundtrip(bars_count: usize, resume: bool) {
    let dir = tempfile::tempdir().unwrap();
    let start = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
    let bars = Bars::synthetic(start, Interval::parse("1m").unwrap(), bars_count, 7);
    let src = dir.path().join("served.csv");
    write_csv(&src, &bars);
    let (url, _rt, _mock) = start_mock(&src);
    assert!(url.starts_with("http://127.0.0.1:"));
    let out = dir.path().join("out.csv");
    let end = Timestamp::from_millis(bars.bars.last().unwrap().start + 60_000).to_string();
    let args = |out: &Path| -> Vec<String> {
        [
            "data",
            "download",
            "--exchange",
            "bybit_mock",
            "--rest-url",
            &url,
            "--symbol",
            "BTCUSDT",
            "--interval",
            "1m",
            "--start",
            "2024-01-01T00:00:00Z",
            "--end",
            &end,
            "--no-progress",
            "--output",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([out.to_string_lossy().into_owned()])
        .collect()
    };
    let run = |a: Vec<String>| cli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&out));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let served = std::fs::read_to_string(&src).unwrap();
    let got = std::fs::read_to_string(&out).unwrap();
    assert_eq!(got.lines().count(), bars_count + 1);
    assert!(got == served, "downloaded file differs from the served data");
    if resume {
        resume_from_half(&got, &out, &served, || run(args(&out)));
    }
    let v = cli(&["data", "validate", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    assert!(String::from_utf8_lossy(&v.stdout).contains("VALID"));
}

/// Cuts the downloaded file in half, downloads again: the same file.
fn resume_from_half(got: &str, out: &Path, served: &str, download: impl Fn() -> Output) {
    let bars_count = got.lines().count() - 1;
    let half: String = got
        .lines()
        .take(bars_count / 2 + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(out, half).unwrap();
    let o = download();
    assert!(String::from_utf8_lossy(&o.stdout).contains("resumed after"));
    assert!(
        std::fs::read_to_string(out).unwrap() == served,
        "resumed file differs"
    );
}

#[test]
fn download_one_week_from_mock_validates_and_matches() {
    download_roundtrip(7 * 1440, true);
}

#[test]
fn download_one_year_from_mock_validates_and_matches() {
    download_roundtrip(525_600, false);
}

#[test]
fn validate_fails_on_bad_data_and_resample_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1,1\n1704067200000,1,2,0.5,1,1\n1704067380000,1,0.5,2,1,1\n",
    )
    .unwrap();
    let v = cli(&["data", "validate", "--interval", "1m", bad.to_str().unwrap()]);
    assert!(!v.status.success());
    let text = String::from_utf8_lossy(&v.stdout);
    assert!(
        text.contains("Duplicate") && text.contains("Gap") && text.contains("OhlcViolation"),
        "{text}"
    );

    let src = dir.path().join("m.csv");
    let start = Timestamp::parse("2024-01-01T00:30:00Z").unwrap();
    write_csv(
        &src,
        &Bars::synthetic(start, Interval::parse("1m").unwrap(), 150, 3),
    );
    let out = dir.path().join("h.csv");
    let r = cli(&[
        "data",
        "resample",
        src.to_str().unwrap(),
        out.to_str().unwrap(),
        "--interval",
        "1h",
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    // 150 bars from 00:30: 00:00-01:00 is partial (30 of 60); 01:00 and 02:00 are whole.
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("2024-01-01T01:00:00Z"));
    let r = cli(&[
        "data",
        "resample",
        src.to_str().unwrap(),
        out.to_str().unwrap(),
        "--interval",
        "1h",
        "--keep-partial",
    ]);
    assert!(r.status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 4);

    // Parquet in and out gives the same bars as CSV.
    let pq = dir.path().join("m.parquet");
    let hq = dir.path().join("h.parquet");
    let back = dir.path().join("h2.csv");
    for args in [
        vec!["data", "convert", src.to_str().unwrap(), pq.to_str().unwrap()],
        vec![
            "data",
            "resample",
            "--interval",
            "1h",
            pq.to_str().unwrap(),
            hq.to_str().unwrap(),
        ],
        vec!["data", "convert", hq.to_str().unwrap(), back.to_str().unwrap()],
        vec![
            "data",
            "resample",
            "--interval",
            "1h",
            src.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    ] {
        let r = cli(&args);
        assert!(
            r.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&back).unwrap(),
        std::fs::read_to_string(&out).unwrap()
    );
    let r = cli(&[
        "data",
        "resample",
        "--interval",
        "1h",
        "--keep-partial",
        pq.to_str().unwrap(),
        hq.to_str().unwrap(),
    ]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("only CSV"));
}

#[test]
fn mock_exchange_prints_loopback_urls() {
    let mut child = common::command()
        .args(["mock-exchange", "--port", "0", "--tick-ms", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.starts_with("rest_url = \"http://127.0.0.1:"), "{line}");
}
