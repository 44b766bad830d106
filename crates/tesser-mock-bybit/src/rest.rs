//! REST routes of §6–7 with the §2 envelope: HTTP 200 for business errors.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::auth;
use crate::exchange::{position_json, wallet_json, NewOrder, Push};
use crate::http::{Request, Response};
use crate::state::State;

fn envelope(state: &State, code: i64, msg: &str, result: Value) -> Response {
    let body =
        json!({"retCode": code, "retMsg": msg, "result": result, "retExtInfo": {}, "time": state.now_ms()});
    Response::json(body.to_string())
}

fn ok(state: &State, result: Value) -> Response {
    envelope(state, 0, "OK", result)
}

fn refuse(state: &State, (code, msg): (i64, String)) -> Response {
    envelope(state, code, &msg, json!({}))
}

/// Routes one request.
pub(crate) fn handle(state: &State, req: &Request) -> Response {
    state.faults.count_request();
    if let Some(status) = state.faults.take_http_error() {
        return Response::html(status);
    }
    if state.faults.take_forbidden() {
        return Response::forbidden();
    }
    if state.faults.take_rate_limit() {
        let mut r = refuse(state, (10_006, "Too many visits!".into()));
        r.headers.push(("X-Bapi-Limit", "10".into()));
        r.headers.push(("X-Bapi-Limit-Status", "0".into()));
        r.headers
            .push(("X-Bapi-Limit-Reset-Timestamp", (state.now_ms() + 200).to_string()));
        return r;
    }
    let p = req.params();
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/v5/market/time") => {
            let now = state.now_ms();
            ok(
                state,
                json!({"timeSecond": (now / 1000).to_string(), "timeNano": format!("{now}000000")}),
            )
        }
        ("GET", "/v5/market/kline") => kline(state, &p),
        ("GET", "/v5/market/instruments-info") => ok(state, instruments(state)),
        ("GET", "/v5/market/tickers") => {
            let (bid, ask, last) = state.top_of_book();
            ok(
                state,
                json!({"category": "linear", "list": [{
                "symbol": state.symbol, "lastPrice": last, "bid1Price": bid, "ask1Price": ask,
                "markPrice": last, "indexPrice": last, "volume24h": "0", "turnover24h": "0"}]}),
            )
        }
        ("GET", "/v5/market/orderbook") => ok(state, state.book_snapshot_data()),
        ("GET", "/v5/market/recent-trade") => {
            let (_, _, last) = state.top_of_book();
            ok(
                state,
                json!({"category": "linear", "list": [{
                "execId": "mock-trade-1", "symbol": state.symbol, "price": last, "size": "0.01",
                "side": "Buy", "time": state.now_ms().to_string(), "isBlockTrade": false, "seq": "1"}]}),
            )
        }
        (method, path)
            if path.starts_with("/v5/order/")
                || path.starts_with("/v5/execution/")
                || path.starts_with("/v5/position/")
                || path.starts_with("/v5/account/") =>
        {
            let payload = if method == "GET" {
                req.query.as_str()
            } else {
                req.body.as_str()
            };
            let key = {
                let ex = state.lock_exchange();
                auth::verify(|k| ex.secret_of(k), |h| req.header(h), payload, state.now_ms())
            };
            match key {
                Err(refusal) => refuse(state, refusal),
                Ok(key) => private(state, &key, method, path, &p, &req.body),
            }
        }
        _ => Response {
            status: 404,
            content_type: "text/plain",
            headers: Vec::new(),
            body: "not found".into(),
        },
    }
}

fn kline(state: &State, p: &HashMap<String, String>) -> Response {
    if p.get("symbol").map(String::as_str) != Some(state.symbol.as_str()) {
        return refuse(state, (10_001, "params error: symbol invalid".into()));
    }
    let limit = p
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(200)
        .clamp(1, 1000);
    let wanted = p.get("interval").cloned().unwrap_or_default();
    if wanted != state.bars.interval.bybit_name() {
        return ok(
            state,
            json!({"symbol": state.symbol, "category": "linear", "list": []}),
        );
    }
    let start = p.get("start").and_then(|v| v.parse::<i64>().ok());
    let mut end = p.get("end").and_then(|v| v.parse::<i64>().ok());
    if state.live {
        // Live replay: bars not yet pushed do not exist yet.
        let pos = state.lock_market().index;
        let last = pos
            .checked_sub(1)
            .and_then(|i| state.bars.bars.get(i))
            .map_or(i64::MIN, |b| b.start);
        end = Some(end.map_or(last, |e| e.min(last)));
    }
    let rows = match (start, end) {
        (Some(s), None) => {
            let r = state.bars.range(s, i64::MAX);
            &r[..r.len().min(limit)]
        }
        (s, e) => {
            let r = state.bars.range(s.unwrap_or(i64::MIN), e.unwrap_or(i64::MAX));
            &r[r.len().saturating_sub(limit)..]
        }
    };
    let s = |d: Decimal| d.normalize().to_string();
    let list: Vec<Value> = rows
        .iter()
        .rev()
        .map(|b| {
            json!([
                b.start.to_string(),
                s(b.open),
                s(b.high),
                s(b.low),
                s(b.close),
                s(b.volume),
                s(b.volume * b.close)
            ])
        })
        .collect();
    ok(
        state,
        json!({"symbol": state.symbol, "category": "linear", "list": list}),
    )
}

fn instruments(state: &State) -> Value {
    json!({"category": "linear", "nextPageCursor": "", "list": [{
        "symbol": state.symbol, "contractType": "LinearPerpetual", "status": "Trading",
        "baseCoin": "BTC", "quoteCoin": "USDT", "priceScale": "2",
        "priceFilter": {"minPrice": "0.10", "maxPrice": "1999999.80", "tickSize": "0.10"},
        "lotSizeFilter": {"maxOrderQty": "1190.000", "minOrderQty": "0.001", "qtyStep": "0.001",
                          "postOnlyMaxOrderQty": "1190.000", "maxMktOrderQty": "500.000", "minNotionalValue": "5"}}]})
}

/// An order ack `(orderId, orderLinkId)` with its pushes, or a refusal.
type Outcome = Result<((String, String), Vec<Push>), (i64, String)>;

fn field(body: &Value, k: &str) -> Option<String> {
    match body.get(k)? {
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn private(
    state: &State,
    key: &str,
    method: &str,
    path: &str,
    p: &HashMap<String, String>,
    body: &str,
) -> Response {
    let now = state.now_ms();
    let b: Value = if method == "POST" {
        match serde_json::from_str(body) {
            Ok(v) => v,
            Err(_) => return refuse(state, (10_001, "params error: body is not JSON".into())),
        }
    } else {
        Value::Null
    };
    let limited = |r: Response| {
        let mut r = r;
        r.headers.push(("X-Bapi-Limit", "10".into()));
        r.headers.push(("X-Bapi-Limit-Status", "9".into()));
        r.headers
            .push(("X-Bapi-Limit-Reset-Timestamp", (now + 1000).to_string()));
        r
    };
    let ack = |state: &State, r: Outcome| match r {
        Ok(((id, link), pushes)) => {
            state.publish_private(pushes);
            ok(state, json!({"orderId": id, "orderLinkId": link}))
        }
        Err(e) => refuse(state, e),
    };
    match (method, path) {
        ("POST", "/v5/order/create") => {
            let order = NewOrder {
                symbol: field(&b, "symbol").unwrap_or_default(),
                side: field(&b, "side").unwrap_or_default(),
                order_type: field(&b, "orderType").unwrap_or_default(),
                qty: field(&b, "qty").unwrap_or_default(),
                price: field(&b, "price"),
                tif: field(&b, "timeInForce"),
                link_id: field(&b, "orderLinkId").unwrap_or_default(),
                reduce_only: b.get("reduceOnly").and_then(Value::as_bool).unwrap_or(false),
            };
            let (_, _, last) = state.top_of_book();
            let market = Decimal::from_str_exact(&last).unwrap_or(Decimal::ONE);
            let r = state.lock_exchange().create(key, order, market, now);
            limited(ack(state, r))
        }
        ("POST", "/v5/order/cancel") => {
            let (id, link) = (field(&b, "orderId"), field(&b, "orderLinkId"));
            let r = state
                .lock_exchange()
                .cancel(key, id.as_deref(), link.as_deref(), now);
            limited(ack(state, r))
        }
        ("POST", "/v5/order/amend") => {
            let (id, link) = (field(&b, "orderId"), field(&b, "orderLinkId"));
            let qty = field(&b, "qty").and_then(|q| Decimal::from_str_exact(&q).ok());
            let price = field(&b, "price").and_then(|q| Decimal::from_str_exact(&q).ok());
            let r = state
                .lock_exchange()
                .amend(key, (id.as_deref(), link.as_deref()), qty, price, now);
            limited(ack(state, r))
        }
        ("GET", "/v5/order/realtime" | "/v5/order/history") => {
            let open = path.ends_with("realtime");
            let ex = state.lock_exchange();
            let list: Vec<Value> = ex.accounts.get(key).map_or_else(Vec::new, |a| {
                a.orders
                    .iter()
                    .rev()
                    .filter(|o| matches!(o.status, "New" | "PartiallyFilled") == open)
                    .filter(|o| p.get("symbol").is_none_or(|s| *s == o.symbol))
                    .filter(|o| p.get("orderLinkId").is_none_or(|s| *s == o.link_id))
                    .map(|o| o.json())
                    .collect()
            });
            drop(ex);
            limited(ok(
                state,
                json!({"category": "linear", "list": list, "nextPageCursor": ""}),
            ))
        }
        ("GET", "/v5/execution/list") => {
            let ex = state.lock_exchange();
            let list: Vec<Value> = ex
                .accounts
                .get(key)
                .map_or_else(Vec::new, |a| a.executions.iter().rev().cloned().collect());
            drop(ex);
            limited(ok(
                state,
                json!({"category": "linear", "list": list, "nextPageCursor": ""}),
            ))
        }
        ("GET", "/v5/position/list") => {
            let ex = state.lock_exchange();
            let list: Vec<Value> = ex.accounts.get(key).map_or_else(Vec::new, |a| {
                a.positions
                    .iter()
                    .map(|(s, (size, entry))| position_json(s, *size, *entry, true))
                    .collect()
            });
            drop(ex);
            limited(ok(
                state,
                json!({"category": "linear", "list": list, "nextPageCursor": ""}),
            ))
        }
        ("GET", "/v5/account/wallet-balance") => {
            let usdt = state
                .lock_exchange()
                .accounts
                .get(key)
                .map_or(Decimal::ZERO, |a| a.usdt);
            limited(ok(state, json!({"list": [wallet_json(usdt)]})))
        }
        _ => Response {
            status: 404,
            content_type: "text/plain",
            headers: Vec::new(),
            body: "not found".into(),
        },
    }
}
