//! Hot-path benchmarks on the issue-5 workload: SmaCross 12/30 long/flat,
//! qty 0.01, no fees, over seeded synthetic one-minute candles.
//! `cargo bench -p tesser-backtester`
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

mod common;

use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tesser_backtester::{run, NullRecorder};
use tesser_core::{Interval, Symbol};
use tesser_data::{CandleCsvReader, DataError};

const N: usize = 1_000_000;

fn strategy() -> Box<dyn tesser_strategy::Strategy> {
    let params: toml::Table =
        toml::from_str("symbol = 'BTCUSDT'\nfast_period = 12\nslow_period = 30").unwrap_or_default();
    match tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn engine_core(c: &mut Criterion) {
    let data = common::candles(N);
    let mut g = c.benchmark_group("engine_core");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("sma_cross_1m_candles", |b| {
        b.iter(|| {
            let feed = data.iter().map(|c| Ok::<_, DataError>(*c));
            black_box(run(strategy(), feed, &common::config(), &mut NullRecorder).map(|r| r.final_equity))
        });
    });
    g.finish();
}

fn csv_load(c: &mut Criterion) {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    let mut text = String::from("timestamp,open,high,low,close,volume\n");
    for k in common::candles(N) {
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            k.open_time, k.open, k.high, k.low, k.close, k.volume
        ));
    }
    if file.write_all(text.as_bytes()).is_err() {
        return;
    }
    let mut g = c.benchmark_group("csv_load");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("rows", |b| {
        b.iter(|| {
            let Ok(reader) = CandleCsvReader::open(file.path(), Symbol::new("BTCUSDT"), Interval::M1) else {
                return 0;
            };
            black_box(reader.map_while(Result::ok).count())
        });
    });
    g.finish();
}

criterion_group!(benches, engine_core, csv_load);
criterion_main!(benches);
