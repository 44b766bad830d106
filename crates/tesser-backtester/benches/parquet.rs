//! Parquet candle load rate: 1,000,000 seeded synthetic one-minute candles
//! written once with `CandleParquetWriter`, then streamed back and validated
//! by `CandleParquetReader` (the same checks as the CSV reader).
//! `cargo bench -p tesser-backtester --bench parquet`
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tesser_core::{Interval, Symbol, Timestamp};
use tesser_data::{CandleParquetReader, CandleParquetWriter, SyntheticCandles};

const N: usize = 1_000_000;

fn parquet_load(c: &mut Criterion) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("candles_1m.parquet");
    let Ok(mut writer) = CandleParquetWriter::create(&path, false) else {
        return;
    };
    let start = Timestamp::from_millis(1_704_067_200_000);
    for candle in
        SyntheticCandles::new(Symbol::new("BTCUSDT"), Interval::M1, start, N, 42).map_while(Result::ok)
    {
        if writer.write(&candle).is_err() {
            return;
        }
    }
    if writer.finish().is_err() {
        return;
    }
    let mut g = c.benchmark_group("parquet_load");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("rows", |b| {
        b.iter(|| {
            let Ok(reader) = CandleParquetReader::open(&path, Symbol::new("BTCUSDT"), Interval::M1) else {
                return 0;
            };
            black_box(reader.map_while(Result::ok).count())
        });
    });
    g.finish();
}

criterion_group!(benches, parquet_load);
criterion_main!(benches);
