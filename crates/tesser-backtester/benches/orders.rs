//! Per-order cost: the whole round trip of one market order through the
//! engine (signal, sizing, risk check), the paper exchange (next-open fill)
//! and the portfolio (fill booking, fill event back to the strategy).
//!
//! Two bench-local strategies run over the same in-memory synthetic
//! one-minute candles: `flip` goes long when flat and flat when long on every
//! bar (one order and one fill per bar), `idle` never trades. Their
//! difference divided by the number of fills is the cost of one order.
//! Criterion times each; then, in `--bench` mode only, paired rounds
//! (idle, flip, idle, flip, ...) print that difference per order, with its
//! range over the rounds.
//! `cargo bench -p tesser-backtester --bench orders`
#![allow(missing_docs, reason = "criterion's macros generate undocumented items")]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tesser_backtester::{run, NullRecorder};
use tesser_core::{Candle, Decimal, Signal, Symbol, Target};
use tesser_data::DataError;
use tesser_strategy::{Context, Strategy};

const N: usize = 200_000;
const ROUNDS: usize = 11;

/// Long when flat, flat when long, on every bar; or, with `trade` off, nothing.
struct Flipper {
    symbols: [Symbol; 1],
    trade: bool,
}

impl Strategy for Flipper {
    fn name(&self) -> &'static str {
        "Flipper"
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn on_candle(&mut self, ctx: &Context<'_>, candle: &Candle, out: &mut Vec<Signal>) {
        if self.trade {
            let target = if ctx.position(candle.symbol) > Decimal::ZERO {
                Target::Flat
            } else {
                Target::Long
            };
            out.push(Signal::market(candle.symbol, target, ctx.now()));
        }
    }
}

/// One backtest over `data`; returns the number of fills (0 on error).
fn backtest(data: &[Candle], trade: bool) -> u64 {
    let strategy = Box::new(Flipper {
        symbols: [common::symbol()],
        trade,
    });
    let feed = data.iter().map(|c| Ok::<_, DataError>(*c));
    run(strategy, feed, &common::config(), &mut NullRecorder).map_or(0, |r| r.fills)
}

fn order_cost(c: &mut Criterion) {
    let data = common::candles(N);
    let mut g = c.benchmark_group("order_cost");
    g.sample_size(10).throughput(Throughput::Elements(N as u64));
    g.bench_function("idle_200k_candles", |b| {
        b.iter(|| black_box(backtest(&data, false)))
    });
    g.bench_function("flip_every_bar_200k_candles", |b| {
        b.iter(|| black_box(backtest(&data, true)));
    });
    g.finish();
}

#[allow(
    clippy::disallowed_methods,
    reason = "a benchmark measures wall time; the engine itself still takes time from events"
)]
fn timed(data: &[Candle], trade: bool) -> (Duration, u64) {
    let start = Instant::now();
    let fills = black_box(backtest(data, trade));
    (start.elapsed(), fills)
}

/// Paired rounds: the per-order difference of each round, printed as the
/// median and the range.
fn per_order_summary(_: &mut Criterion) {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let data = common::candles(N);
    let mut per_order = Vec::with_capacity(ROUNDS);
    let mut fills = 0;
    for _ in 0..ROUNDS {
        let (idle, none) = timed(&data, false);
        let (flip, n) = timed(&data, true);
        if none != 0 || n == 0 {
            println!("order_cost: unexpected fill counts (idle {none}, flip {n})");
            return;
        }
        fills = n;
        per_order.push((flip.as_secs_f64() - idle.as_secs_f64()) * 1e9 / n as f64);
    }
    per_order.sort_by(f64::total_cmp);
    let (lo, mid, hi) = (
        per_order.first().copied().unwrap_or_default(),
        per_order.get(ROUNDS / 2).copied().unwrap_or_default(),
        per_order.last().copied().unwrap_or_default(),
    );
    println!(
        "order_cost: {N} candles, {fills} orders filled per flip run; \
         per order (flip - idle) / orders over {ROUNDS} paired rounds: \
         median {mid:.0} ns, range {lo:.0}-{hi:.0} ns"
    );
}

criterion_group!(benches, order_cost, per_order_summary);
criterion_main!(benches);
