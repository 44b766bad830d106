//! Live execution against the loopback mock Bybit: orders go out over signed
//! REST, fills come back on the private stream, and the saved portfolio agrees
//! with the venue's own position across a restart.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;

use std::time::Duration;

use tesser_bybit::{BybitConfig, BybitHttpClient};
use tesser_core::{Cash, Decimal, Side, Symbol};
use tesser_execution::Sizer;
use tesser_state::StateStore;

const EVERY: Duration = Duration::from_millis(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_reach_the_venue_and_fills_come_back_once() {
    let mock = common::mock(300, 30).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("live.db");

    // 1,000 USDT an order: the size is floored to the venue's 0.001 lot,
    // read from its instrument rules at start-up.
    let notional = |max_bars| {
        let mut s = common::settings(&mock, "SmaCross", &state, max_bars, false);
        s.engine.sizer = Sizer::FixedNotional(Cash::new(Decimal::from(1000)));
        s
    };
    let first = common::run_stepping(&mock, common::sma(), notional(50), 80, EVERY).await;
    let second = common::run_stepping(&mock, common::sma(), notional(40), 120, EVERY).await;
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
    for fill in &fills {
        assert!(
            fill.qty.get().normalize().scale() <= 3,
            "not on the lot: {fill:?}"
        );
    }
    assert!(
        snap.open_orders.is_empty(),
        "orders settled before stopping: {:?}",
        snap.open_orders
    );

    // The venue's own view of the position agrees with the saved portfolio.
    let venue_cfg = BybitConfig::new(&mock.rest_url(), &mock.ws_public_url(), &mock.ws_private_url())
        .with_credentials("mock-api-key", "mock-api-secret");
    let client = BybitHttpClient::new(venue_cfg).unwrap();
    let venue = client.positions(Some(Symbol::new("BTCUSDT"))).await.unwrap();
    let venue_net: Decimal = venue
        .iter()
        .map(|p| match p.side {
            Some(Side::Sell) => -p.size.get(),
            Some(Side::Buy) => p.size.get(),
            None => Decimal::ZERO,
        })
        .sum();
    let ours: Decimal = snap.positions.iter().map(|p| p.net).sum();
    assert_eq!(venue_net, ours);
}
