//! WebSocket wire types. See <https://bybit-exchange.github.io/docs/v5/ws/connect>.

use serde::Deserialize;

use crate::common::enums::BybitSide;

/// Any frame: control replies carry `op`, data pushes carry `topic`.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitWsFrame {
    #[serde(default)]
    pub(crate) op: Option<String>,
    #[serde(default)]
    pub(crate) success: Option<bool>,
    #[serde(default)]
    pub(crate) ret_msg: Option<String>,
    #[serde(default)]
    pub(crate) topic: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) ts: Option<i64>,
    #[serde(default)]
    pub(crate) data: serde_json::Value,
}

/// `kline.{interval}.{symbol}` item. See <https://bybit-exchange.github.io/docs/v5/websocket/public/kline>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitWsKline {
    pub(crate) start: i64,
    pub(crate) interval: String,
    pub(crate) open: String,
    pub(crate) close: String,
    pub(crate) high: String,
    pub(crate) low: String,
    pub(crate) volume: String,
    pub(crate) confirm: bool,
}

/// `publicTrade.{symbol}` item. See <https://bybit-exchange.github.io/docs/v5/websocket/public/trade>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitWsTrade {
    #[serde(rename = "T")]
    pub(crate) time: i64,
    pub(crate) s: String,
    #[serde(rename = "S")]
    pub(crate) side: BybitSide,
    pub(crate) v: String,
    pub(crate) p: String,
}

/// `orderbook.{depth}.{symbol}` data. See <https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>.
#[derive(Debug, Deserialize)]
pub(crate) struct BybitWsBook {
    pub(crate) s: String,
    #[serde(default)]
    pub(crate) b: Vec<[String; 2]>,
    #[serde(default)]
    pub(crate) a: Vec<[String; 2]>,
    pub(crate) u: u64,
}
