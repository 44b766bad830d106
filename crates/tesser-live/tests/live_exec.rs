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
    // A fresh live session numbers its orders from the exchange clock (µs),
    // so a later session on the same account never reuses an orderLinkId.
    assert!(
        snap.last_order_id > 1_700_000_000_000_000,
        "{}",
        snap.last_order_id
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

/// A state file as a live session killed right after sending two orders
/// would leave it: #7 reached the venue (and filled there while the process
/// was down), #8 never did.
fn crashed_state(
    path: &std::path::Path,
    sent: tesser_core::OrderRequest,
    lost: tesser_core::OrderRequest,
    last_bar: tesser_core::Timestamp,
) {
    use tesser_state::{LastCandle, LiveSnapshot, OpenOrder};
    let cash = Cash::new(Decimal::from(100_000));
    let snapshot = LiveSnapshot {
        saved_at: last_bar,
        strategy: "SmaCross".into(),
        symbols: vec![Symbol::new("BTCUSDT")],
        initial_equity: cash,
        cash,
        peak_equity: cash,
        open_orders: [sent, lost]
            .map(|request| OpenOrder {
                request,
                remaining: request.qty,
            })
            .to_vec(),
        last_order_id: lost.id.0,
        first_order_id: 6,
        last_candles: vec![LastCandle {
            symbol: Symbol::new("BTCUSDT"),
            open_time: last_bar,
        }],
        execution: "live".into(),
        ..LiveSnapshot::default()
    };
    StateStore::open(path).unwrap().save(&snapshot, &[]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_books_fills_made_while_down_and_drops_orders_the_venue_lost() {
    use tesser_core::{ClientOrderId, OrderKind, OrderRequest, Quantity, TimeInForce, Timestamp};
    let mock = common::mock(300, 30).await;
    let venue_cfg = BybitConfig::new(&mock.rest_url(), &mock.ws_public_url(), &mock.ws_private_url())
        .with_credentials("mock-api-key", "mock-api-secret");
    let client = BybitHttpClient::new(venue_cfg).unwrap();
    let last_bar = Timestamp::from_millis(1_704_067_200_000 + 29 * 60_000);
    let order = |id| OrderRequest {
        id: ClientOrderId(id),
        symbol: Symbol::new("BTCUSDT"),
        side: Side::Buy,
        qty: Quantity::new(Decimal::new(2, 2)).unwrap(),
        kind: OrderKind::Market,
        tif: TimeInForce::Ioc,
        reduce_only: false,
        created: client.now(),
    };
    let (sent, lost) = (order(7), order(8));
    client.create_order(&sent).await.unwrap();
    // Someone also trades by hand on the account: the venue holds more than
    // the session's own fills explain.
    client.create_order(&order(999)).await.unwrap();
    let sink = tesser_mock_bybit::WebhookSink::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("live.db");
    crashed_state(&state, sent, lost, last_bar);

    // A slow SmaCross that cannot trade in these few bars: only the
    // reconciliation moves the portfolio.
    let slow = common::strategy(
        "SmaCross",
        "symbol = 'BTCUSDT'\nfast_period = 20\nslow_period = 80",
    );
    let mut settings = common::settings(&mock, "SmaCross", &state, 3, false);
    settings.alerts.webhook_url = sink.url().to_owned();
    let report = common::run_stepping(&mock, slow, settings, 33, EVERY).await;
    let alert = std::iter::from_fn(|| sink.next(std::time::Duration::from_secs(5)))
        .find(|body| body.contains("position mismatch on BTCUSDT"))
        .expect("a mismatch alert");
    assert!(alert.contains("holds 0.02, the venue 0.04"), "{alert}");
    assert!(report.resumed);
    assert_eq!(report.fills, 1, "{report:?}");

    let store = StateStore::open(&state).unwrap();
    let snap = store.load().unwrap().unwrap();
    let fills = store.recent_fills(10).unwrap();
    assert_eq!(fills.len(), 1);
    assert_eq!((fills[0].order_id, fills[0].qty), (sent.id, sent.qty));
    assert!(snap.open_orders.is_empty(), "#8 ended: {:?}", snap.open_orders);
    let net: Decimal = snap.positions.iter().map(|p| p.net).sum();
    assert_eq!(net, sent.qty.get());
    assert!(
        snap.cash < Cash::new(Decimal::from(100_000)),
        "the buy was paid for"
    );
}
