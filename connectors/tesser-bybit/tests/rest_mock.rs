//! REST client against the loopback mock, including injected faults.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

mod common;

use common::{client, mock, profile};
use tesser_broker::{BrokerError, ExecutionClient, HistoricalData};
use tesser_bybit::{BybitError, BybitHttpClient};
use tesser_core::{
    ClientOrderId, Interval, OrderKind, OrderRequest, OrderStatus, Price, Quantity, Side, Symbol,
    TimeInForce, Timestamp,
};
use tesser_mock_bybit::MockConfig;

fn sym() -> Symbol {
    Symbol::new("BTCUSDT")
}

fn order(id: u64, side: Side, kind: OrderKind) -> OrderRequest {
    OrderRequest {
        id: ClientOrderId(id),
        symbol: sym(),
        side,
        qty: Quantity::parse("0.01").unwrap(),
        kind,
        tif: TimeInForce::Gtc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    }
}

#[tokio::test]
async fn market_data_endpoints() {
    let m = mock(MockConfig::default()).await;
    let c = client(&m);
    let t = c.server_time().await.unwrap();
    assert!(t.as_millis() > 1_700_000_000_000);
    let inst = c.instruments(Some(sym())).await.unwrap();
    assert_eq!(inst[0].qty_step, Quantity::parse("0.001").unwrap());
    let book = c.orderbook(sym(), 50).await.unwrap();
    assert!(book.bids[0].price < book.asks[0].price);
    assert_eq!(c.tickers(Some(sym())).await.unwrap().len(), 1);
    assert_eq!(c.recent_trades(sym(), 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn klines_paginate_exactly() {
    let m = mock(MockConfig::default()).await; // 2000 one-minute bars
    let c = client(&m);
    let bars = m.bars().bars.clone();
    let start = Timestamp::from_millis(bars[0].start);
    let end = Timestamp::from_millis(bars[bars.len() - 1].start + 60_000);
    let got = c
        .closed_klines(sym(), Interval::parse("1m").unwrap(), start, end, usize::MAX)
        .await
        .unwrap();
    assert_eq!(got.len(), bars.len());
    for (g, b) in got.iter().zip(&bars) {
        assert_eq!(g.open_time.as_millis(), b.start);
        assert_eq!(g.close.get(), b.close);
        assert_eq!(g.volume.get(), b.volume);
    }
    let hist = tesser_bybit::BybitHistorical::new(c);
    let page = hist
        .candles(
            sym(),
            Interval::parse("1m").unwrap(),
            start.plus_millis(60_000 * 10),
            end,
            25,
        )
        .await
        .unwrap();
    assert_eq!(page.len(), 25);
    assert_eq!(page[0].open_time.as_millis(), bars[10].start);
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried() {
    let m = mock(MockConfig::default()).await;
    let c = client(&m);
    m.faults().fail_http(&[500, 502, 503]);
    assert!(
        c.server_time().await.is_ok(),
        "three 5xx then success within 3 retries"
    );
    m.faults().fail_http(&[429]);
    m.faults().rate_limit(2);
    assert!(c.wallet_balance(None).await.is_ok(), "429 and 10006 retried");
    m.faults().fail_http(&[500, 500, 500, 500]);
    let err = c.server_time().await.unwrap_err();
    assert_eq!(
        err,
        BybitError::Http {
            status: 500,
            body: err_body(&err)
        }
    );
    assert!(matches!(BrokerError::from(err), BrokerError::Connectivity { .. }));
}

fn err_body(e: &BybitError) -> String {
    match e {
        BybitError::Http { body, .. } => body.clone(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn clock_skew_resyncs_once_on_10002() {
    let m = mock(MockConfig::default()).await;
    let c = client(&m);
    m.faults().set_clock_skew(60_000);
    let coins = c.wallet_balance(None).await.unwrap();
    assert_eq!(coins[0].coin, "USDT");
    assert!(c.clock_offset_ms() > 55_000, "offset {}", c.clock_offset_ms());
}

#[tokio::test]
async fn bad_credentials_are_rejected() {
    let m = mock(MockConfig::default()).await;
    let mut p = profile(&m);
    p.api_secret = tesser_bybit::Secret::new("wrong");
    let c = BybitHttpClient::new(p).unwrap();
    let err = c.open_orders(Some(sym())).await.unwrap_err();
    assert_eq!(err.ret_code(), Some(10_004));
    let mut p = profile(&m);
    p.api_key = "nobody".into();
    let err = BybitHttpClient::new(p)
        .unwrap()
        .positions(None)
        .await
        .unwrap_err();
    assert_eq!(err.ret_code(), Some(10_003));
}

#[tokio::test]
async fn order_lifecycle() {
    let m = mock(MockConfig::default()).await;
    let c = client(&m);
    let exec = tesser_bybit::BybitExecution::new(c.clone());
    // A resting limit far below the market.
    let limit = OrderKind::Limit {
        price: Price::parse("100").unwrap(),
        post_only: false,
    };
    exec.submit_order(order(1, Side::Buy, limit)).await.unwrap();
    let open = c.open_orders(Some(sym())).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].client_id, Some(ClientOrderId(1)));
    assert_eq!(open[0].status, OrderStatus::Open);
    c.amend_order(sym(), ClientOrderId(1), None, Some(Price::parse("101").unwrap()))
        .await
        .unwrap();
    exec.cancel_order(sym(), ClientOrderId(1)).await.unwrap();
    let err = exec.cancel_order(sym(), ClientOrderId(1)).await.unwrap_err();
    assert!(
        matches!(err, BrokerError::Rejected { code: 110_001, .. }),
        "{err:?}"
    );
    let hist = c.order_history(Some(sym())).await.unwrap();
    assert_eq!(hist[0].status, OrderStatus::Canceled);
    // Duplicate orderLinkId.
    let err = c
        .create_order(&order(1, Side::Buy, OrderKind::Market))
        .await
        .unwrap_err();
    assert_eq!(err.ret_code(), Some(110_072));
    // A market buy fills at once.
    exec.submit_order(order(2, Side::Buy, OrderKind::Market))
        .await
        .unwrap();
    let fills = c.executions(Some(sym()), None).await.unwrap();
    assert_eq!(fills.len(), 1);
    assert_eq!(fills[0].client_id, Some(ClientOrderId(2)));
    let pos = c.positions(Some(sym())).await.unwrap();
    assert_eq!(pos[0].side, Some(Side::Buy));
    assert_eq!(pos[0].size, Quantity::parse("0.01").unwrap());
    // PostOnly that would cross is cancelled with Bybit's reason.
    let crossing = OrderKind::Limit {
        price: Price::parse("1000000").unwrap(),
        post_only: true,
    };
    exec.submit_order(order(3, Side::Buy, crossing)).await.unwrap();
    let hist = c.order_history(Some(sym())).await.unwrap();
    let po = hist
        .iter()
        .find(|o| o.client_id == Some(ClientOrderId(3)))
        .unwrap();
    assert_eq!(po.reason.as_deref(), Some("EC_PostOnlyWillTakeLiquidity"));
    // Too small.
    let mut tiny = order(4, Side::Buy, OrderKind::Market);
    tiny.qty = Quantity::parse("0.0001").unwrap();
    assert_eq!(c.create_order(&tiny).await.unwrap_err().ret_code(), Some(10_001));
}
