//! Reproduces the independent reference backtests in `data/reference/`
//! (backtrader = backtesting.py = vectorbt): every round trip to the cent,
//! final equity to the cent, max drawdown and Sharpe to 1e-6 relative.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::{Path, PathBuf};

use tesser_backtester::{run, BacktestConfig, Recorder};
use tesser_core::{Cash, Decimal, Fill, Interval, Quantity, Symbol, Timestamp};
use tesser_data::CandleCsvReader;
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_paper::{FillModel, PaperConfig};
use tesser_portfolio::RoundTrip;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Default)]
struct Keep {
    trips: Vec<RoundTrip>,
    equity: Vec<Cash>,
}

impl Recorder for Keep {
    fn fill(&mut self, _: &Fill) -> std::io::Result<()> {
        Ok(())
    }
    fn round_trip(&mut self, t: &RoundTrip) -> std::io::Result<()> {
        self.trips.push(*t);
        Ok(())
    }
    fn equity(&mut self, _: Timestamp, e: Cash) -> std::io::Result<()> {
        self.equity.push(e);
        Ok(())
    }
}

struct Expect {
    variant: &'static str,
    short: bool,
    fill: FillModel,
    fee_bps: i64,
    trades: usize,
    final_equity: &'static str,
    max_drawdown: f64,
    sharpe: f64,
}

fn check(e: &Expect) {
    let params: toml::Table = toml::from_str(&format!(
        "symbol = 'BTCUSD'\nfast_period = 12\nslow_period = 30\nmin_samples = 30\nallow_short = {}",
        e.short
    ))
    .unwrap();
    let strategy = tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")).unwrap();
    let feed = CandleCsvReader::open(
        &repo().join("data/samples/btcusd_bitstamp_1d.csv"),
        Symbol::new("BTCUSD"),
        Interval::D1,
    )
    .unwrap();
    let config = BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(1_000_000)),
            sizer: Sizer::FixedQuantity(Quantity::parse("1").unwrap()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: PaperConfig {
            fill: e.fill,
            fee_bps: Decimal::from(e.fee_bps),
            slippage_bps: Decimal::ZERO,
            ..PaperConfig::default()
        },
        bars_per_year: Interval::D1.bars_per_year(),
        perp: None,
    };
    let mut keep = Keep::default();
    let report = run(strategy, feed, &config, &mut keep).unwrap();

    let path = repo().join(format!(
        "data/reference/sma_cross_12_30_btcusd_bitstamp_1d_{}.trades.csv",
        e.variant
    ));
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), e.trades, "{}: reference rows", e.variant);
    assert_eq!(keep.trips.len(), e.trades, "{}: closed trades", e.variant);
    let cents = |s: &str| {
        Decimal::from_str_exact(s)
            .unwrap_or_else(|_| Decimal::from_scientific(s).unwrap())
            .round_dp(2)
    };
    for (i, (got, want)) in keep.trips.iter().zip(&rows).enumerate() {
        let ctx = format!("{} trade {i}: {got:?} vs {want:?}", e.variant);
        assert_eq!(got.direction.as_str(), &want[0], "{ctx}");
        assert_eq!(got.entry_time, Timestamp::parse(&want[2]).unwrap(), "{ctx}");
        assert_eq!(
            got.entry_price.get(),
            Decimal::from_str_exact(&want[3]).unwrap(),
            "{ctx}"
        );
        assert_eq!(got.exit_time, Timestamp::parse(&want[4]).unwrap(), "{ctx}");
        assert_eq!(
            got.exit_price.get(),
            Decimal::from_str_exact(&want[5]).unwrap(),
            "{ctx}"
        );
        assert_eq!(got.gross_pnl.get().round_dp(2), cents(&want[6]), "{ctx}");
        assert_eq!(got.fees.get().round_dp(2), cents(&want[7]), "{ctx}");
        assert_eq!(got.net_pnl.get().round_dp(2), cents(&want[8]), "{ctx}");
    }
    assert_eq!(
        report.final_equity.get(),
        Decimal::from_str_exact(e.final_equity).unwrap(),
        "{}",
        e.variant
    );
    let p = &report.performance;
    assert!(
        (p.max_drawdown / e.max_drawdown - 1.0).abs() < 1e-6,
        "{}: mdd {}",
        e.variant,
        p.max_drawdown
    );
    let sharpe = p.sharpe.unwrap();
    assert!((sharpe - e.sharpe).abs() < 1e-6, "{}: sharpe {sharpe}", e.variant);
    assert_eq!(p.bars, 1865);
    assert_eq!(keep.equity.len(), 1865);
}

#[test]
fn long_next_open_0bps() {
    check(&Expect {
        variant: "long_next_open_0bps",
        short: false,
        fill: FillModel::NextOpen,
        fee_bps: 0,
        trades: 33,
        final_equity: "1010380.73",
        max_drawdown: 0.009069510658022306,
        sharpe: 0.501612,
    });
}

#[test]
fn long_next_open_10bps() {
    check(&Expect {
        variant: "long_next_open_10bps",
        short: false,
        fill: FillModel::NextOpen,
        fee_bps: 10,
        trades: 33,
        final_equity: "1010131.17286",
        max_drawdown: 0.00917276820493751,
        sharpe: 0.489576,
    });
}

#[test]
fn long_close_0bps() {
    check(&Expect {
        variant: "long_close_0bps",
        short: false,
        fill: FillModel::Close,
        fee_bps: 0,
        trades: 33,
        final_equity: "1010394.33",
        max_drawdown: 0.00906938940080304,
        sharpe: 0.502272,
    });
}

#[test]
fn longshort_next_open_0bps() {
    check(&Expect {
        variant: "longshort_next_open_0bps",
        short: true,
        fill: FillModel::NextOpen,
        fee_bps: 0,
        trades: 66,
        final_equity: "1012279.32",
        max_drawdown: 0.010889172753265064,
        sharpe: 0.461159,
    });
}
