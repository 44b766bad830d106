//! Helpers shared by the runtime's tests against the loopback mock Bybit.
#![allow(dead_code, reason = "each test file uses a different subset")]
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
use tokio::sync::Notify;

/// A live-replay mock of `count` synthetic one-minute BTCUSDT bars with
/// `history` of them already pushed.
pub async fn mock(count: usize, history: usize) -> Arc<MockBybit> {
    let cfg = MockConfig {
        data: MockData::Synthetic {
            start: Timestamp::from_millis(1_704_067_200_000),
            interval: Interval::M1,
            count,
        },
        live: true,
        ..MockConfig::default()
    };
    let mock = MockBybit::start(cfg).await.unwrap();
    for _ in 0..history {
        mock.step();
    }
    Arc::new(mock)
}

/// Settings for `strategy_name` on BTCUSDT, 0.01 per order, paper venue or
/// (with `paper = false`) the mock's REST API with its public credentials.
pub fn settings(
    mock: &MockBybit,
    strategy_name: &str,
    state: &Path,
    max_bars: u64,
    paper: bool,
) -> LiveSettings {
    let exchange = BybitConfig::new(&mock.rest_url(), &mock.ws_public_url(), &mock.ws_private_url());
    LiveSettings {
        strategy_name: strategy_name.into(),
        symbols: vec![Symbol::new("BTCUSDT")],
        interval: Interval::M1,
        engine: EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::new(1, 2)).unwrap()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
        paper: paper.then(PaperConfig::default),
        exchange: if paper {
            exchange
        } else {
            exchange.with_credentials("mock-api-key", "mock-api-secret")
        },
        state_path: state.to_path_buf(),
        metrics_addr: None,
        alerts: tesser_telemetry::AlertConfig::default(),
        warm_up_bars: 200,
        max_bars: Some(max_bars),
    }
}

/// A strategy from its registry name and TOML parameters.
pub fn strategy(name: &str, params: &str) -> Box<dyn tesser_strategy::Strategy> {
    let params: toml::Table = toml::from_str(params).unwrap();
    tesser_strategy::build_strategy(name, &params, Path::new(".")).unwrap()
}

/// SmaCross 3/8 on BTCUSDT.
pub fn sma() -> Box<dyn tesser_strategy::Strategy> {
    strategy("SmaCross", "symbol = 'BTCUSDT'\nfast_period = 3\nslow_period = 8")
}

/// Runs `strategy` with `settings` until its `max_bars`, stepping the
/// mock's replay (one bar every `every`) once the session is ready, until
/// `pushed_until` bars were pushed in total.
pub async fn run_stepping(
    mock: &Arc<MockBybit>,
    strategy: Box<dyn tesser_strategy::Strategy>,
    settings: LiveSettings,
    pushed_until: usize,
    every: Duration,
) -> LiveReport {
    let ready = Arc::new(Notify::new());
    let stepper = {
        let (mock, ready) = (Arc::clone(mock), Arc::clone(&ready));
        tokio::spawn(async move {
            ready.notified().await;
            while mock.replay_position() < pushed_until {
                mock.step();
                tokio::time::sleep(every).await;
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
    report
}
