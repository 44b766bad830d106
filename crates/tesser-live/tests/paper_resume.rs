//! Live paper trading against the loopback mock Bybit: a run stopped midway
//! and resumed from its SQLite state (missing bars fetched over REST) ends in
//! exactly the state of a run that never stopped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tesser_bybit::BybitConfig;
use tesser_core::{Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_live::{run_observed, LiveReport, LiveSettings};
use tesser_mock_bybit::{MockBybit, MockConfig, MockData};
use tesser_paper::PaperConfig;
use tesser_state::{LiveSnapshot, StateStore};
use tokio::sync::Notify;

const HISTORY: usize = 40;
const LIVE: u64 = 100;

async fn mock() -> MockBybit {
    let cfg = MockConfig {
        data: MockData::Synthetic {
            start: Timestamp::from_millis(1_704_067_200_000),
            interval: Interval::M1,
            count: 400,
        },
        live: true,
        ..MockConfig::default()
    };
    let mock = MockBybit::start(cfg).await.unwrap();
    for _ in 0..HISTORY {
        mock.step();
    }
    mock
}

fn settings(mock: &MockBybit, state: &Path, max_bars: u64) -> LiveSettings {
    LiveSettings {
        strategy_name: "SmaCross".into(),
        symbols: vec![Symbol::new("BTCUSDT")],
        interval: Interval::M1,
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::new(1, 2)).unwrap()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: Some(PaperConfig::default()),
        exchange: BybitConfig::new(&mock.rest_url(), &mock.ws_public_url(), &mock.ws_private_url()),
        state_path: state.to_path_buf(),
        metrics_addr: None,
        alerts: tesser_telemetry::AlertConfig::default(),
        warm_up_bars: 200,
        max_bars: Some(max_bars),
    }
}

fn strategy() -> Box<dyn tesser_strategy::Strategy> {
    let params: toml::Table = toml::from_str("symbol = 'BTCUSDT'\nfast_period = 3\nslow_period = 8").unwrap();
    tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")).unwrap()
}

/// Runs until `max_bars` live bars were processed, stepping the mock's
/// replay (one bar every few milliseconds) once the session is ready, up to
/// `pushed_until` bars in total.
async fn run_until(mock: &Arc<MockBybit>, state: &Path, max_bars: u64, pushed_until: usize) -> LiveReport {
    let ready = Arc::new(Notify::new());
    let stepper = {
        let (mock, ready) = (Arc::clone(mock), Arc::clone(&ready));
        tokio::spawn(async move {
            ready.notified().await;
            while mock.replay_position() < pushed_until {
                mock.step();
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    let notify = Arc::clone(&ready);
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        run_observed(
            strategy(),
            settings(mock, state, max_bars),
            std::future::pending(),
            move |_| notify.notify_one(),
        ),
    )
    .await
    .expect("live run timed out")
    .unwrap();
    stepper.await.unwrap();
    report
}

fn saved(path: &Path) -> (LiveSnapshot, Vec<tesser_core::Fill>) {
    let store = StateStore::open(path).unwrap();
    let snap = store.load().unwrap().expect("a saved state");
    let fills = store.recent_fills(10_000).unwrap();
    (snap, fills)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let total = HISTORY + LIVE as usize;

    let mock_a = Arc::new(mock().await);
    let whole = dir.path().join("whole.db");
    let report = run_until(&mock_a, &whole, LIVE, total).await;
    assert_eq!((report.bars, report.resumed), (LIVE, false));
    assert!(report.warm_up_bars >= HISTORY as u64);
    let (expected, expected_fills) = saved(&whole);
    assert!(
        expected_fills.len() >= 4,
        "the test needs trades: {}",
        expected_fills.len()
    );

    // Same market, but the process stops after 30 bars; 25 more bars pass
    // while it is down, then it resumes from its state file.
    let mock_b = Arc::new(mock().await);
    let split = dir.path().join("split.db");
    let first = run_until(&mock_b, &split, 30, HISTORY + 30).await;
    assert_eq!(first.bars, 30);
    for _ in 0..25 {
        mock_b.step();
    }
    let second = run_until(&mock_b, &split, LIVE - 30, total).await;
    assert!(second.resumed);
    assert_eq!(second.bars, LIVE - 30, "25 missed bars caught up, then live ones");
    let (got, got_fills) = saved(&split);

    assert_eq!(got.cash, expected.cash);
    assert_eq!(got.realized, expected.realized);
    assert_eq!(got.fees, expected.fees);
    assert_eq!(got.positions, expected.positions);
    assert_eq!(got.last_candles, expected.last_candles);
    assert_eq!(got.last_order_id, expected.last_order_id);
    assert_eq!(got.open_orders, expected.open_orders);
    assert_eq!(got_fills, expected_fills);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_strategy_subscribes_to_the_book_and_trades_on_it() {
    let mock = Arc::new(mock().await);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("book.db");
    let params: toml::Table = toml::from_str(
        "symbol = 'BTCUSDT'\ndepth = 5\nthreshold = 0.01\nholding_ms = 90000\nallow_short = true",
    )
    .unwrap();
    let strategy = tesser_strategy::build_strategy("OrderBookImbalance", &params, Path::new(".")).unwrap();
    let mut settings = settings(&mock, &state, 30);
    settings.strategy_name = "OrderBookImbalance".into();
    let ready = Arc::new(Notify::new());
    let stepper = {
        let (mock, ready) = (Arc::clone(&mock), Arc::clone(&ready));
        tokio::spawn(async move {
            ready.notified().await;
            while mock.replay_position() < HISTORY + 30 {
                mock.step();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let notify = Arc::clone(&ready);
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        run_observed(strategy, settings, std::future::pending(), move |_| {
            notify.notify_one()
        }),
    )
    .await
    .expect("live run timed out")
    .unwrap();
    stepper.await.unwrap();
    assert_eq!(report.bars, 30);
    // The mock's asks outweigh its bids slightly: the strategy goes short.
    assert!(report.fills >= 1, "book readings should trade: {report:?}");
    let (snap, fills) = saved(&state);
    assert_eq!(fills.len() as u64, report.fills);
    assert_eq!(snap.strategy, "OrderBookImbalance");
    assert!(
        snap.positions.iter().all(|p| p.net < Decimal::ZERO),
        "{:?}",
        snap.positions
    );
}
