//! REST wire types (`Bybit*`), each mirroring one v5 page. They stay
//! `pub(crate)` and become core or connector types in [`super::parse`].

use serde::{Deserialize, Deserializer, Serialize};

use crate::common::enums::{BybitOrderStatus, BybitSide};

/// The response envelope; `result` is `{}` or `null` on errors.
/// See <https://bybit-exchange.github.io/docs/v5/intro#response-parameters>.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitEnvelope {
    pub(crate) ret_code: i64,
    #[serde(default)]
    pub(crate) ret_msg: String,
    #[serde(default)]
    pub(crate) result: serde_json::Value,
}

/// Accepts a JSON string or number as a `String` (Bybit mixes them).
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// `GET /v5/market/time`. See <https://bybit-exchange.github.io/docs/v5/market/time>.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitServerTime {
    pub(crate) time_second: String,
    #[serde(default)]
    pub(crate) time_nano: String,
}

/// `GET /v5/market/kline`: rows `[start, open, high, low, close, volume, turnover]`, newest first.
/// See <https://bybit-exchange.github.io/docs/v5/market/kline>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitKlines {
    #[serde(default)]
    pub(crate) list: Vec<Vec<String>>,
}

/// `GET /v5/market/instruments-info`. See <https://bybit-exchange.github.io/docs/v5/market/instrument>.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitInstruments {
    #[serde(default)]
    pub(crate) list: Vec<BybitInstrument>,
    #[serde(default)]
    pub(crate) next_page_cursor: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitInstrument {
    pub(crate) symbol: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) base_coin: String,
    #[serde(default)]
    pub(crate) quote_coin: String,
    pub(crate) price_filter: BybitPriceFilter,
    pub(crate) lot_size_filter: BybitLotSizeFilter,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitPriceFilter {
    pub(crate) tick_size: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitLotSizeFilter {
    #[serde(default)]
    pub(crate) min_order_qty: String,
    #[serde(default)]
    pub(crate) max_order_qty: String,
    #[serde(default)]
    pub(crate) qty_step: Option<String>,
    #[serde(default)]
    pub(crate) base_precision: Option<String>,
}

/// `GET /v5/market/tickers`. See <https://bybit-exchange.github.io/docs/v5/market/tickers>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitTickers {
    #[serde(default)]
    pub(crate) list: Vec<BybitTicker>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct BybitTicker {
    pub(crate) symbol: String,
    pub(crate) last_price: String,
    pub(crate) bid1_price: String,
    pub(crate) ask1_price: String,
    pub(crate) mark_price: String,
    pub(crate) volume24h: String,
}

/// `GET /v5/market/orderbook`. See <https://bybit-exchange.github.io/docs/v5/market/orderbook>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitOrderbook {
    pub(crate) s: String,
    #[serde(default)]
    pub(crate) b: Vec<[String; 2]>,
    #[serde(default)]
    pub(crate) a: Vec<[String; 2]>,
    pub(crate) ts: i64,
    pub(crate) u: u64,
}

/// `GET /v5/market/recent-trade`. See <https://bybit-exchange.github.io/docs/v5/market/recent-trade>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitRecentTrades {
    #[serde(default)]
    pub(crate) list: Vec<BybitRecentTrade>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitRecentTrade {
    pub(crate) symbol: String,
    pub(crate) price: String,
    pub(crate) size: String,
    pub(crate) side: BybitSide,
    pub(crate) time: String,
}

/// `POST /v5/order/create` body. See <https://bybit-exchange.github.io/docs/v5/order/create-order>.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitCreateOrder<'a> {
    pub(crate) category: &'a str,
    pub(crate) symbol: &'a str,
    pub(crate) side: &'a str,
    pub(crate) order_type: &'a str,
    pub(crate) qty: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) time_in_force: Option<&'a str>,
    pub(crate) order_link_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reduce_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) trigger_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) trigger_direction: Option<u8>,
}

/// `POST /v5/order/amend` body. See <https://bybit-exchange.github.io/docs/v5/order/amend-order>.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitAmendOrder<'a> {
    pub(crate) category: &'a str,
    pub(crate) symbol: &'a str,
    pub(crate) order_link_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) qty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) price: Option<String>,
}

/// `POST /v5/order/cancel` body. See <https://bybit-exchange.github.io/docs/v5/order/cancel-order>.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitCancelOrder<'a> {
    pub(crate) category: &'a str,
    pub(crate) symbol: &'a str,
    pub(crate) order_link_id: String,
}

/// Create/amend/cancel ack.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitOrderAck {
    #[serde(default)]
    pub(crate) order_id: String,
    #[serde(default)]
    pub(crate) order_link_id: String,
}

/// `GET /v5/order/realtime` and `/v5/order/history`.
/// See <https://bybit-exchange.github.io/docs/v5/order/open-order>.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitOrders {
    #[serde(default)]
    pub(crate) list: Vec<BybitOrder>,
    #[serde(default)]
    pub(crate) next_page_cursor: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitOrder {
    pub(crate) order_id: String,
    #[serde(default)]
    pub(crate) order_link_id: String,
    pub(crate) symbol: String,
    pub(crate) side: BybitSide,
    #[serde(default)]
    pub(crate) price: String,
    pub(crate) qty: String,
    pub(crate) order_status: BybitOrderStatus,
    #[serde(default)]
    pub(crate) cum_exec_qty: String,
    #[serde(default)]
    pub(crate) avg_price: String,
    #[serde(default)]
    pub(crate) reject_reason: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) updated_time: String,
}

/// `GET /v5/execution/list`. See <https://bybit-exchange.github.io/docs/v5/order/execution>.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitExecutions {
    #[serde(default)]
    pub(crate) list: Vec<BybitExecution>,
    #[serde(default)]
    pub(crate) next_page_cursor: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitExecution {
    pub(crate) exec_id: String,
    pub(crate) order_id: String,
    #[serde(default)]
    pub(crate) order_link_id: String,
    pub(crate) symbol: String,
    pub(crate) side: BybitSide,
    pub(crate) exec_price: String,
    pub(crate) exec_qty: String,
    #[serde(default)]
    pub(crate) exec_fee: String,
    #[serde(deserialize_with = "lenient_string")]
    pub(crate) exec_time: String,
    #[serde(default)]
    pub(crate) is_maker: bool,
}

/// `GET /v5/position/list`. See <https://bybit-exchange.github.io/docs/v5/position>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitPositions {
    #[serde(default)]
    pub(crate) list: Vec<BybitPosition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitPosition {
    pub(crate) symbol: String,
    #[serde(default)]
    pub(crate) side: String,
    pub(crate) size: String,
    /// REST spells it `avgPrice`, the WS push `entryPrice`.
    #[serde(default, alias = "entryPrice")]
    pub(crate) avg_price: String,
    #[serde(default)]
    pub(crate) unrealised_pnl: String,
}

/// `GET /v5/account/wallet-balance`. See <https://bybit-exchange.github.io/docs/v5/account/wallet-balance>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitWallets {
    #[serde(default)]
    pub(crate) list: Vec<BybitWallet>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitWallet {
    #[serde(default)]
    pub(crate) coin: Vec<BybitCoin>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BybitCoin {
    pub(crate) coin: String,
    #[serde(default)]
    pub(crate) wallet_balance: String,
    #[serde(default)]
    pub(crate) equity: String,
    #[serde(default)]
    pub(crate) locked: String,
}
