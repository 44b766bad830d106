//! Connector behaviour under the mock's later faults: HTTP 403 with an HTML
//! body, slow responses, a create whose answer was lost (110072 on retry),
//! duplicate execution pushes, refused subscriptions and private-stream
//! reconnects that must reconcile fills over REST. Loopback only.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

mod common;

use std::time::Duration;

use common::{client, mock, profile, until};
use tesser_broker::{BrokerError, ExecutionClient};
use tesser_bybit::{BybitError, BybitHttpClient, BybitStream, StreamEvent, Subscription};
use tesser_core::{
    ClientOrderId, Event, Interval, OrderKind, OrderRequest, Quantity, Side, Symbol, TimeInForce, Timestamp,
};
use tesser_mock_bybit::{MockBybit, MockConfig};

fn sym() -> Symbol {
    Symbol::new("BTCUSDT")
}

fn market(id: u64) -> OrderRequest {
    OrderRequest {
        id: ClientOrderId(id),
        symbol: sym(),
        side: Side::Buy,
        qty: Quantity::parse("0.01").unwrap(),
        kind: OrderKind::Market,
        tif: TimeInForce::Gtc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    }
}

fn live() -> MockConfig {
    MockConfig {
        live: true,
        ..MockConfig::default()
    }
}

/// A client whose requests time out after 500 ms.
fn impatient(m: &MockBybit) -> BybitHttpClient {
    let mut p = profile(m);
    p.request_timeout_ms = 500;
    BybitHttpClient::new(p).unwrap()
}

fn fill_id(e: &StreamEvent) -> Option<ClientOrderId> {
    match e {
        StreamEvent::Market(Event::Fill(f)) => Some(f.order_id),
        _ => None,
    }
}

#[tokio::test]
async fn http_403_html_is_a_clear_error_and_not_retried() {
    let m = mock(MockConfig::default()).await;
    let c = client(&m);
    m.faults().forbid(1);
    let before = m.faults().rest_requests();
    let err = c.server_time().await.unwrap_err();
    assert_eq!(m.faults().rest_requests() - before, 1, "403 is never retried");
    assert!(err.is_forbidden(), "{err:?}");
    let BybitError::Http { status, body } = &err else {
        unreachable!()
    };
    assert_eq!(*status, 403);
    assert!(body.contains("access too frequent"), "{body}");
    assert!(
        matches!(BrokerError::from(err), BrokerError::Connectivity { .. }),
        "a ban is not an order rejection"
    );
    assert!(c.server_time().await.is_ok(), "the fault is consumed");
}

#[tokio::test]
async fn slow_response_past_the_timeout_is_retried() {
    let m = mock(MockConfig::default()).await;
    let c = impatient(&m);
    m.faults().slow_responses(1, Duration::from_millis(1_200));
    let before = m.faults().rest_requests();
    let coins = c.wallet_balance(None).await.unwrap();
    assert_eq!(coins[0].coin, "USDT");
    assert_eq!(
        m.faults().rest_requests() - before,
        2,
        "timed out once, retried once"
    );
}

#[tokio::test]
async fn create_retry_hitting_110072_confirms_the_first_attempt() {
    let m = mock(MockConfig::default()).await;
    let c = impatient(&m);
    // The create lands, but its answer comes after the client gave up; the
    // retry with the same orderLinkId gets 110072.
    m.faults().slow_responses(1, Duration::from_millis(1_200));
    let ack = c.create_order(&market(41)).await.unwrap();
    assert_eq!(ack.order_link_id, "41");
    let history = c.order_history(Some(sym())).await.unwrap();
    let ours: Vec<_> = history
        .iter()
        .filter(|o| o.client_id == Some(ClientOrderId(41)))
        .collect();
    assert_eq!(ours.len(), 1, "one order, not two");
    assert_eq!(ack.order_id, ours[0].order_id);
    assert_eq!(c.executions(Some(sym()), None).await.unwrap().len(), 1);
    // Through the ExecutionClient trait: accepted, not rejected.
    m.faults().slow_responses(1, Duration::from_millis(1_200));
    let exec = tesser_bybit::BybitExecution::new(c.clone());
    exec.submit_order(market(42)).await.unwrap();
    // A duplicate on a first attempt is still the caller's mistake.
    let err = c.create_order(&market(42)).await.unwrap_err();
    assert_eq!(err.ret_code(), Some(110_072));
}

async fn private(m: &MockBybit) -> (BybitHttpClient, BybitStream) {
    let c = client(m);
    let mut s = BybitStream::private(c.clone());
    until(&mut s, |e| matches!(e, StreamEvent::Connected { .. })).await;
    tokio::time::sleep(Duration::from_millis(100)).await; // let the subscribe land
    (c, s)
}

#[tokio::test]
async fn duplicate_execution_pushes_give_one_fill() {
    let m = mock(live()).await;
    let (c, mut s) = private(&m).await;
    m.faults().duplicate_executions(1);
    c.create_order(&market(7)).await.unwrap();
    let mut fills = Vec::new();
    // Pushes come in order execution, execution (dup), order, position,
    // wallet: once the wallet is seen every duplicate would have arrived.
    loop {
        let e = until(&mut s, |_| true).await;
        fills.extend(fill_id(&e));
        if matches!(e, StreamEvent::Wallet(_)) {
            break;
        }
    }
    assert_eq!(fills, vec![ClientOrderId(7)]);
}

#[tokio::test]
async fn refused_subscription_is_reported_then_retried() {
    let m = mock(live()).await;
    m.faults().fail_subscribes(1);
    let subs = vec![Subscription::Kline {
        symbol: sym(),
        interval: Interval::parse("1m").unwrap(),
    }];
    let mut s = BybitStream::public(client(&m), subs);
    let e = until(&mut s, |e| matches!(e, StreamEvent::Refused { .. })).await;
    let StreamEvent::Refused { message } = e else {
        unreachable!()
    };
    assert!(message.contains("handler not found"), "{message}");
    let e = until(&mut s, |e| matches!(e, StreamEvent::Disconnected { .. })).await;
    assert!(matches!(&e, StreamEvent::Disconnected { reason } if reason.contains("subscribe refused")));
    until(
        &mut s,
        |e| matches!(e, StreamEvent::Connected { attempt } if *attempt > 0),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    m.step();
    until(&mut s, |e| matches!(e, StreamEvent::Market(Event::Candle(_)))).await;
}

#[tokio::test]
async fn private_reconnect_reconciles_missed_fills_exactly_once() {
    let m = mock(live()).await;
    let (c, mut s) = private(&m).await;
    let mut fills = Vec::new();
    c.create_order(&market(1)).await.unwrap();
    let e = until(&mut s, |e| fill_id(e).is_some()).await;
    fills.extend(fill_id(&e));
    // The socket dies right after the next push ("order New"): the execution
    // of order 2 is never pushed to a live connection.
    m.faults().drop_ws_after(0);
    c.create_order(&market(2)).await.unwrap();
    let mut reconnected = false;
    let mut position = None;
    while !(reconnected && fills.len() >= 2 && position.is_some()) {
        let e = until(&mut s, |_| true).await;
        fills.extend(fill_id(&e));
        reconnected |= matches!(e, StreamEvent::Connected { attempt } if attempt > 0);
        if let (true, StreamEvent::Position(p)) = (reconnected, &e) {
            position = Some(p.size);
        }
    }
    assert_eq!(
        position,
        Some(Quantity::parse("0.02").unwrap()),
        "position reconciled"
    );
    // Later fills still flow, and nothing was reported twice.
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.create_order(&market(3)).await.unwrap();
    loop {
        let e = until(&mut s, |_| true).await;
        fills.extend(fill_id(&e));
        if matches!(e, StreamEvent::Wallet(_)) {
            break;
        }
    }
    assert_eq!(fills, [1, 2, 3].map(ClientOrderId).to_vec());
}
