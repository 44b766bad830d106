//! Live execution against the loopback mock Bybit: orders go out over signed
//! REST, fills come back on the private stream, and the saved portfolio agrees
//! with the venue's own position across a restart.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tesser_bybit::{BybitConfig, BybitHttpClient};
use tesser_core::{Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_engine::EngineConfig;
use tesser_execution::{RiskLimits, Sizer};
use tesser_live::{run_observed, LiveReport, LiveSettings};
use tesser_mock_bybit::{MockBybit, MockConfig, MockData};
use tesser_state::StateStore;
use tokio::sync::Notify;

fn exchange(mock: &MockBybit) -> BybitConfig {
    BybitConfig::new(&mock.rest_url(), &mock.ws_public_url(), &mock.ws_private_url())
        .with_credentials("mock-api-key", "mock-api-secret")
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
        paper: None,
        exchange: exchange(mock),
        state_path: state.to_path_buf(),
        metrics_addr: None,
        alerts: tesser_telemetry::AlertConfig::default(),
        warm_up_bars: 100,
        max_bars: Some(max_bars),
    }
}

async fn run_bars(mock: &Arc<MockBybit>, state: &Path, bars: u64) -> LiveReport {
    let ready = Arc::new(Notify::new());
    let stepper = {
        let (mock, ready) = (Arc::clone(mock), Arc::clone(&ready));
        let until = mock.replay_position() + bars as usize;
        tokio::spawn(async move {
            ready.notified().await;
            while mock.replay_position() < until {
                mock.step();
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
        })
    };
    let params: toml::Table = toml::from_str("symbol = 'BTCUSDT'\nfast_period = 3\nslow_period = 8").unwrap();
    let strategy = tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")).unwrap();
    let notify = Arc::clone(&ready);
    let report = tokio::time::timeout(
        Duration::from_secs(60),
        run_observed(
            strategy,
            settings(mock, state, bars),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_reach_the_venue_and_fills_come_back_once() {
    let cfg = MockConfig {
        data: MockData::Synthetic {
            start: Timestamp::from_millis(1_704_067_200_000),
            interval: Interval::M1,
            count: 300,
        },
        live: true,
        ..MockConfig::default()
    };
    let mock = Arc::new(MockBybit::start(cfg).await.unwrap());
    for _ in 0..30 {
        mock.step();
    }
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("live.db");

    let first = run_bars(&mock, &state, 50).await;
    let second = run_bars(&mock, &state, 40).await;
    assert!(second.resumed);
    assert!(first.fills + second.fills >= 4, "{first:?} {second:?}");

    let store = StateStore::open(&state).unwrap();
    let snap = store.load().unwrap().unwrap();
    let fills = store.recent_fills(10_000).unwrap();
    assert_eq!(
        fills.len() as u64,
        first.fills + second.fills,
        "each fill booked once"
    );
    assert!(
        snap.open_orders.is_empty(),
        "orders settled before stopping: {:?}",
        snap.open_orders
    );

    // The venue's own view of the position agrees with the saved portfolio.
    let client = BybitHttpClient::new(exchange(&mock)).unwrap();
    let venue = client.positions(Some(Symbol::new("BTCUSDT"))).await.unwrap();
    let venue_net: Decimal = venue
        .iter()
        .map(|p| match p.side {
            Some(tesser_core::Side::Sell) => -p.size.get(),
            Some(tesser_core::Side::Buy) => p.size.get(),
            None => Decimal::ZERO,
        })
        .sum();
    let ours: Decimal = snap.positions.iter().map(|p| p.net).sum();
    assert_eq!(venue_net, ours);
}
