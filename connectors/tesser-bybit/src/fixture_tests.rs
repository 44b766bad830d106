//! Decoding tests over real v5 payloads in `tests/test_data/` (see its README).

use serde_json::Value;
use tesser_core::{Event, Interval, OrderStatus, Symbol};

use crate::common::credential::{sign_payload, ws_auth_signature};
use crate::http::models::{
    BybitEnvelope, BybitExecutions, BybitKlines, BybitOrders, BybitPositions, BybitWallets,
};
use crate::http::parse;
use crate::websocket::handler::{Handler, Output};
use crate::websocket::StreamEvent;

macro_rules! data {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/test_data/", $name))
    };
}

fn result<T: serde::de::DeserializeOwned>(text: &str) -> T {
    let env: BybitEnvelope = serde_json::from_str(text).unwrap();
    assert_eq!(env.ret_code, 0);
    serde_json::from_value(env.result).unwrap()
}

#[test]
fn signature_vectors() {
    let v: Value = serde_json::from_str(data!("signature_test_vectors.json")).unwrap();
    let key = v["api_key"].as_str().unwrap();
    let secret = v["api_secret"].as_str().unwrap();
    let cases = v["rest"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        let payload = case
            .get("query")
            .or_else(|| case.get("body"))
            .and_then(Value::as_str)
            .unwrap();
        let ts: i64 = case["X-BAPI-TIMESTAMP"].as_str().unwrap().parse().unwrap();
        let rw: u64 = case["X-BAPI-RECV-WINDOW"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            sign_payload(secret, ts, key, rw, payload),
            case["X-BAPI-SIGN"].as_str().unwrap(),
            "{case}"
        );
    }
    for case in v["negative"].as_array().unwrap() {
        let payload = case["query"].as_str().unwrap();
        let sig = sign_payload(secret, 1_700_000_000_000, key, 5000, payload);
        assert_eq!(sig, case["X-BAPI-SIGN"].as_str().unwrap());
        assert_ne!(sig, case["must_not_equal"].as_str().unwrap());
    }
    let ws = &v["ws_auth"];
    let expires = ws["expires"].as_i64().unwrap();
    assert_eq!(
        ws_auth_signature(secret, expires),
        ws["signature"].as_str().unwrap()
    );
}

#[test]
fn rest_payloads_decode() {
    let k: BybitKlines = result(data!("kline_response.json"));
    let candles: Vec<_> = k
        .list
        .iter()
        .map(|r| parse::kline_row(Symbol::new("BTCUSD"), Interval::parse("1h").unwrap(), r).unwrap())
        .collect();
    assert_eq!(candles.len(), 3);
    assert!(
        candles[0].open_time > candles[2].open_time,
        "wire is newest first"
    );
    let o: BybitOrders = result(data!("order_realtime_response.json"));
    assert_eq!(parse::order(&o.list[0]).unwrap().status, OrderStatus::Open);
    let h: BybitOrders = result(data!("order_history_response.json"));
    let hist = parse::order(&h.list[0]).unwrap();
    assert_eq!(hist.status, OrderStatus::Canceled);
    assert_eq!(hist.reason.as_deref(), Some("EC_PostOnlyWillTakeLiquidity"));
    let e: BybitExecutions = result(data!("execution_list_response.json"));
    assert!(!parse::execution(&e.list[0]).unwrap().exec_id.is_empty());
    let p: BybitPositions = result(data!("position_list_response.json"));
    parse::position(&p.list[0]).unwrap();
    let w: BybitWallets = result(data!("wallet_balance_response.json"));
    parse::coin(&w.list[0].coin[0]).unwrap();
    let err: BybitEnvelope = serde_json::from_str(data!("rest_error_110007.json")).unwrap();
    assert_eq!(err.ret_code, 110_007);
}

fn feed(h: &mut Handler, text: &str) -> Output {
    let mut out = Output::default();
    h.handle(text, &mut out);
    out
}

#[test]
fn ws_payloads_decode() {
    let mut h = Handler::default();
    // The documented kline is still forming (confirm:false): nothing emitted.
    assert!(feed(&mut h, data!("ws_kline.json")).events.is_empty());
    let confirmed = data!("ws_kline.json").replace("\"confirm\": false", "\"confirm\": true");
    assert_eq!(feed(&mut h, &confirmed).events.len(), 1);
    assert!(
        feed(&mut h, &confirmed).events.is_empty(),
        "closed candle emitted once"
    );
    let t = feed(&mut h, data!("ws_public_trade.json"));
    assert!(matches!(t.events[0], StreamEvent::Market(Event::Trade(_))));
    let snap = feed(&mut h, data!("ws_orderbook_snapshot.json"));
    assert!(matches!(snap.events[0], StreamEvent::Market(Event::Book(_))));
    assert!(h.book_of(Symbol::new("BTCUSDT")).is_some());
    // The documented delta comes from another day: its id does not chain.
    let delta = feed(&mut h, data!("ws_orderbook_delta.json"));
    assert!(!delta.resubscribe.is_empty() || delta.events.is_empty());
    let s = feed(&mut h, data!("ws_ticker_linear_snapshot.ccxt-21451.json"));
    let d = feed(&mut h, data!("ws_ticker_linear_delta.ccxt-21451.json"));
    let (StreamEvent::Ticker(a), StreamEvent::Ticker(b)) = (&s.events[0], &d.events[0]) else {
        panic!("tickers expected");
    };
    assert_eq!(
        a.last_price, b.last_price,
        "delta merged into the cached snapshot"
    );
    assert!(b.ask.is_some() && b.bid == a.bid);
    let ex = feed(&mut h, data!("ws_private_execution.json"));
    assert!(ex.events.iter().any(|e| matches!(e, StreamEvent::Execution(_))));
    assert!(
        feed(&mut h, data!("ws_private_execution.json")).events.is_empty(),
        "execId dedupe"
    );
    assert!(matches!(
        feed(&mut h, data!("ws_private_position.json")).events[0],
        StreamEvent::Position(_)
    ));
    assert!(matches!(
        feed(&mut h, data!("ws_private_wallet.json")).events[0],
        StreamEvent::Wallet(_)
    ));
    let o = feed(&mut h, data!("ws_private_order_linear.gocryptotrader.json"));
    assert!(o.events.iter().any(|e| matches!(e, StreamEvent::Order(_))));
}

#[test]
fn malformed_frames_are_skipped() {
    let mut h = Handler::default();
    for junk in [
        "{\"topic\":\"publicTrade.X\",\"data\":[{",
        "not json",
        "{\"topic\":\"mystery.X\",\"data\":{}}",
        "{}",
    ] {
        assert!(feed(&mut h, junk).events.is_empty());
    }
}
