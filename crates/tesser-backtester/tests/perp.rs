//! Perpetual-futures rules on hand-built bars: funding, initial margin and
//! liquidation (see `tesser_backtester::PerpConfig`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::sync::Arc;

use tesser_backtester::{run, BacktestConfig, NullRecorder, PerpConfig};
use tesser_core::{Candle, Cash, Decimal, Interval, Price, Quantity, Signal, Symbol, Target, Timestamp};
use tesser_data::{DataError, FundingRates};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::PaperConfig;
use tesser_strategy::{Context, Strategy};

/// Goes long on the first bar and holds.
struct HoldLong([Symbol; 1]);

impl Strategy for HoldLong {
    fn name(&self) -> &'static str {
        "HoldLong"
    }
    fn symbols(&self) -> &[Symbol] {
        &self.0
    }
    fn on_candle(&mut self, ctx: &Context<'_>, c: &Candle, out: &mut Vec<Signal>) {
        if ctx.position(c.symbol).is_zero() {
            out.push(Signal::market(c.symbol, Target::Long, c.open_time));
        }
    }
}

const DAY: i64 = 86_400_000;

fn bars(lows: &[i64]) -> Vec<Result<Candle, DataError>> {
    lows.iter()
        .enumerate()
        .map(|(i, low)| {
            let p = Price::new(Decimal::from(100)).unwrap();
            Ok(Candle {
                symbol: Symbol::new("P"),
                interval: Interval::D1,
                open_time: Timestamp::from_millis(i as i64 * DAY),
                open: p,
                high: p,
                low: Price::new(Decimal::from(*low)).unwrap(),
                close: p,
                volume: Quantity::ZERO,
            })
        })
        .collect()
}

fn config(qty: i64, perp: PerpConfig) -> BacktestConfig {
    BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(1000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::from(qty)).unwrap()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig::default(),
        bars_per_year: 365.0,
        perp: Some(perp),
    }
}

fn strategy() -> Box<dyn Strategy> {
    Box::new(HoldLong([Symbol::new("P")]))
}

#[test]
fn funding_is_charged_three_times_a_day_on_open_positions() {
    let mut perp = PerpConfig::new(Decimal::from(5));
    perp.funding_rate = Some(Decimal::new(1, 4));
    let report = run(
        strategy(),
        bars(&[100; 5]).into_iter(),
        &config(1, perp),
        &mut NullRecorder,
    )
    .unwrap();
    // Long 1 from day 1's open; funding times day1 08:00 .. day4 00:00 = 9,
    // each 1 x 100 x 0.0001.
    assert_eq!(report.funding_paid, Cash::new(Decimal::new(9, 2)));
    assert_eq!(report.final_equity, Cash::new(Decimal::new(99_991, 2)));
}

#[test]
fn funding_series_overrides_the_constant() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(
        &mut file,
        format!("timestamp,rate\n{},-0.001\n", 2 * DAY).as_bytes(),
    )
    .unwrap();
    let mut perp = PerpConfig::new(Decimal::from(5));
    perp.funding_rate = Some(Decimal::new(1, 4));
    perp.funding_rates = Some(Arc::new(
        FundingRates::read_csv(file.path(), Symbol::new("P")).unwrap(),
    ));
    let report = run(
        strategy(),
        bars(&[100; 4]).into_iter(),
        &config(1, perp),
        &mut NullRecorder,
    )
    .unwrap();
    // day1 08:00 and 16:00 use the constant (+0.01 each); day2 00:00 onwards
    // the series (-0.1 each, received): 0.02 - 4 x 0.1.
    assert_eq!(report.funding_paid, Cash::new(Decimal::new(-38, 2)));
}

#[test]
fn orders_beyond_initial_margin_are_rejected() {
    let perp = PerpConfig::new(Decimal::from(2));
    let report = run(
        strategy(),
        bars(&[100; 3]).into_iter(),
        &config(30, perp.clone()),
        &mut NullRecorder,
    )
    .unwrap();
    assert_eq!(report.fills, 0);
    assert!(report.rejected_orders >= 1);
    let report = run(
        strategy(),
        bars(&[100; 3]).into_iter(),
        &config(15, perp.clone()),
        &mut NullRecorder,
    )
    .unwrap();
    assert_eq!(report.fills, 1);
    // The symbol's own leverage (5x) overrides the run's 2x: 30 x 100 / 5 = 600 <= 1000.
    let mut per_symbol = perp;
    per_symbol
        .leverage_by_symbol
        .insert(Symbol::new("P"), Decimal::from(5));
    let report = run(
        strategy(),
        bars(&[100; 3]).into_iter(),
        &config(30, per_symbol),
        &mut NullRecorder,
    )
    .unwrap();
    assert_eq!(report.fills, 1);
}

#[test]
fn adverse_extreme_below_maintenance_liquidates() {
    let perp = PerpConfig::new(Decimal::from(10));
    // Long 90 at 100 from day 1; day 2's low of 89 leaves equity 10 against a
    // maintenance margin of 90 x 89 x 0.5% = 40.05: closed at 89.
    let report = run(
        strategy(),
        bars(&[100, 100, 89]).into_iter(),
        &config(90, perp.clone()),
        &mut NullRecorder,
    )
    .unwrap();
    assert_eq!(report.liquidations, 1);
    assert_eq!(report.final_equity, Cash::new(Decimal::from(10)));
    // A low of 95 leaves equity 550 > 90 x 95 x 0.5%: no liquidation.
    let report = run(
        strategy(),
        bars(&[100, 100, 95]).into_iter(),
        &config(90, perp),
        &mut NullRecorder,
    )
    .unwrap();
    assert_eq!(report.liquidations, 0);
}
