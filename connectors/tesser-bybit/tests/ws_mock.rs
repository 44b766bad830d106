//! WebSocket streams against the loopback mock, including every fault.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

mod common;

use std::time::Duration;

use common::{client, mock, until};
use tesser_broker::MarketStream;
use tesser_bybit::{BybitStream, StreamEvent, Subscription};
use tesser_core::{
    ClientOrderId, Event, Interval, OrderKind, OrderRequest, OrderStatus, Quantity, Side, Symbol,
    TimeInForce, Timestamp,
};
use tesser_mock_bybit::{MockBybit, MockConfig};

fn sym() -> Symbol {
    Symbol::new("BTCUSDT")
}

fn subs() -> Vec<Subscription> {
    vec![
        Subscription::Kline {
            symbol: sym(),
            interval: Interval::parse("1m").unwrap(),
        },
        Subscription::Trades(sym()),
        Subscription::OrderBook {
            symbol: sym(),
            depth: 50,
        },
        Subscription::Ticker(sym()),
    ]
}

fn live() -> MockConfig {
    MockConfig {
        live: true,
        ..MockConfig::default()
    }
}

fn is_snapshot(e: &StreamEvent) -> bool {
    matches!(e, StreamEvent::Market(Event::Book(b)) if b.kind == tesser_core::BookUpdateKind::Snapshot)
}

/// Starts a public stream and waits until it is subscribed (book snapshot seen).
async fn public(m: &MockBybit) -> BybitStream {
    let mut s = BybitStream::public(client(m), subs());
    until(&mut s, is_snapshot).await;
    s
}

fn candle_start(e: &StreamEvent) -> Option<i64> {
    match e {
        StreamEvent::Market(Event::Candle(c)) => Some(c.open_time.as_millis()),
        _ => None,
    }
}

/// Collects candle starts until `n` have arrived.
async fn candles(s: &mut BybitStream, n: usize) -> Vec<i64> {
    let mut out = Vec::new();
    while out.len() < n {
        let e = until(s, |e| candle_start(e).is_some()).await;
        out.extend(candle_start(&e));
    }
    out
}

#[tokio::test]
async fn public_topics_flow() {
    let m = mock(live()).await;
    let mut s = public(&m).await;
    m.step();
    let mut seen = [false; 4];
    while seen.iter().any(|x| !x) {
        match until(&mut s, |_| true).await {
            StreamEvent::Market(Event::Candle(c)) => {
                assert_eq!(c.open_time.as_millis(), m.bars().bars[0].start);
                seen[0] = true;
            }
            StreamEvent::Market(Event::Trade(_)) => seen[1] = true,
            StreamEvent::Market(Event::Book(b)) => {
                assert_eq!(b.kind, tesser_core::BookUpdateKind::Delta);
                seen[2] = true;
            }
            StreamEvent::Ticker(t) => {
                assert!(t.bid < t.ask);
                seen[3] = true;
            }
            _ => {}
        }
    }
    // The MarketStream trait yields only core events.
    m.step();
    let e = s.next_event().await.unwrap().unwrap();
    assert!(matches!(e, Event::Candle(_) | Event::Trade(_) | Event::Book(_)));
}

#[tokio::test]
async fn dropped_socket_reconnects_and_backfills_without_gaps_or_dups() {
    let m = mock(live()).await;
    let mut s = public(&m).await;
    for _ in 0..3 {
        m.step();
    }
    let mut got = candles(&mut s, 3).await;
    m.faults().drop_ws_after(0);
    for _ in 0..3 {
        m.step(); // bar 3 may arrive before the drop; bars 4, 5 are missed live
    }
    // Record every candle while waiting for the reconnect and the backfill.
    let (mut reconnected, mut snapshot) = (false, false);
    while !(reconnected && snapshot && got.len() >= 6) {
        let e = until(&mut s, |_| true).await;
        got.extend(candle_start(&e));
        reconnected |= matches!(e, StreamEvent::Connected { attempt } if attempt > 0);
        snapshot |= reconnected && is_snapshot(&e);
    }
    m.step();
    got.extend(candles(&mut s, 1).await);
    let want: Vec<i64> = m.bars().bars[..7].iter().map(|b| b.start).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn stalled_socket_is_declared_dead() {
    let m = mock(live()).await;
    let mut s = public(&m).await;
    m.faults().stall_ws_after(0);
    m.step();
    let e = until(&mut s, |e| matches!(e, StreamEvent::Disconnected { .. })).await;
    let StreamEvent::Disconnected { reason } = e else {
        unreachable!()
    };
    assert!(
        reason.contains("pong missing") || reason.contains("no frame"),
        "{reason}"
    );
    until(&mut s, |e| matches!(e, StreamEvent::Connected { .. })).await;
}

#[tokio::test]
async fn late_pongs_kill_the_socket() {
    let m = mock(live()).await;
    let mut s = public(&m).await;
    m.faults().delay_pongs(Some(Duration::from_millis(1_000)));
    let e = until(&mut s, |e| matches!(e, StreamEvent::Disconnected { .. })).await;
    let StreamEvent::Disconnected { reason } = e else {
        unreachable!()
    };
    assert!(reason.contains("pong") || reason.contains("no frame"), "{reason}");
    m.faults().delay_pongs(None);
    until(&mut s, |e| matches!(e, StreamEvent::Connected { .. })).await;
}

#[tokio::test]
async fn malformed_frames_are_skipped() {
    let m = mock(live()).await;
    let mut s = public(&m).await;
    m.faults().malformed_frames(8);
    for _ in 0..3 {
        m.step();
    }
    assert_eq!(candles(&mut s, 3).await.len(), 3);
}

#[tokio::test]
async fn book_gap_and_reorder_trigger_resync() {
    for gap in [true, false] {
        let m = mock(live()).await;
        let mut s = public(&m).await;
        if gap {
            m.faults().book_gaps(1);
        } else {
            m.faults().reorder_deltas(1);
        }
        m.step();
        m.step();
        until(&mut s, |e| matches!(e, StreamEvent::BookResync { .. })).await;
        until(&mut s, is_snapshot).await;
        m.step();
        let e = until(&mut s, |e| matches!(e, StreamEvent::Market(Event::Book(_)))).await;
        let StreamEvent::Market(Event::Book(b)) = e else {
            unreachable!()
        };
        assert_eq!(
            b.kind,
            tesser_core::BookUpdateKind::Delta,
            "book continues after resync"
        );
    }
}

#[tokio::test]
async fn private_stream_reports_orders_and_fills() {
    let m = mock(live()).await;
    let c = client(&m);
    let mut s = BybitStream::private(c.clone());
    until(&mut s, |e| matches!(e, StreamEvent::Connected { .. })).await;
    tokio::time::sleep(Duration::from_millis(100)).await; // let the subscribe land
    let req = OrderRequest {
        id: ClientOrderId(77),
        symbol: sym(),
        side: Side::Buy,
        qty: Quantity::parse("0.01").unwrap(),
        kind: OrderKind::Market,
        tif: TimeInForce::Gtc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    };
    c.create_order(&req).await.unwrap();
    let e = until(&mut s, |e| matches!(e, StreamEvent::Market(Event::Fill(_)))).await;
    let StreamEvent::Market(Event::Fill(f)) = e else {
        unreachable!()
    };
    assert_eq!(f.order_id, ClientOrderId(77));
    until(
        &mut s,
        |e| matches!(e, StreamEvent::Market(Event::OrderUpdate(u)) if u.status == OrderStatus::Filled),
    )
    .await;
    until(&mut s, |e| matches!(e, StreamEvent::Position(_))).await;
    until(&mut s, |e| matches!(e, StreamEvent::Wallet(_))).await;
}

#[tokio::test]
async fn private_auth_failure_is_reported() {
    let m = mock(live()).await;
    let mut p = common::profile(&m);
    p.api_secret = tesser_bybit::Secret::new("wrong");
    let mut s = BybitStream::private(tesser_bybit::BybitHttpClient::new(p).unwrap());
    let e = until(&mut s, |e| matches!(e, StreamEvent::Disconnected { .. })).await;
    let StreamEvent::Disconnected { reason } = e else {
        unreachable!()
    };
    assert!(reason.contains("Params Error"), "{reason}");
}
