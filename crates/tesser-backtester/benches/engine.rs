//! Hot-path benchmarks on the issue-5 workload: SmaCross 12/30 long/flat,
//! qty 0.01, no fees, over seeded synthetic one-minute candles.
//! `cargo bench -p tesser-backtester`
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tesser_backtester::{run, BacktestConfig, NullRecorder};
use tesser_core::{Candle, Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_data::{CandleCsvReader, DataError, SyntheticCandles};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::PaperConfig;

const N: usize = 1_000_000;

fn candles() -> Vec<Candle> {
    let start = Timestamp::from_millis(1_704_067_200_000);
    SyntheticCandles::new(Symbol::new("BTCUSDT"), Interval::M1, start, N, 42)
        .map_while(Result::ok)
        .collect()
}

fn config() -> BacktestConfig {
    BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::new(1, 2)).unwrap_or_default()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig::default(),
        bars_per_year: Interval::M1.bars_per_year(),
        perp: None,
    }
}

fn strategy() -> Box<dyn tesser_strategy::Strategy> {
    let params: toml::Table =
        toml::from_str("symbol = 'BTCUSDT'\nfast_period = 12\nslow_period = 30").unwrap_or_default();
    match tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn engine_core(c: &mut Criterion) {
    let data = candles();
    let mut g = c.benchmark_group("engine_core");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("sma_cross_1m_candles", |b| {
        b.iter(|| {
            let feed = data.iter().map(|c| Ok::<_, DataError>(*c));
            black_box(run(strategy(), feed, &config(), &mut NullRecorder).map(|r| r.final_equity))
        });
    });
    g.finish();
}

fn csv_load(c: &mut Criterion) {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    let mut text = String::from("timestamp,open,high,low,close,volume\n");
    for k in candles() {
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
