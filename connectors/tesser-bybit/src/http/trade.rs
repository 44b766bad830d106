//! Signed trade, position and account endpoints.

use tesser_core::{
    ClientOrderId, OrderKind, OrderRequest, Price, Quantity, Side, Symbol, TimeInForce, Timestamp,
};

use super::client::{BybitHttpClient, Method};
use super::error::BybitError;
use super::models::{
    BybitAmendOrder, BybitCancelOrder, BybitCreateOrder, BybitExecutions, BybitOrderAck, BybitOrders,
    BybitPositions, BybitWallets,
};
use super::parse::{self, fmt_price, fmt_qty};
use super::query::Query;
use crate::common::consts::RET_DUPLICATE_LINK_ID;
use crate::common::enums::BybitSide;
use crate::common::urls;
use crate::types::{CoinBalance, Execution, OrderAck, OrderState, Position};

fn json<T: serde::Serialize>(value: &T) -> Result<String, BybitError> {
    serde_json::to_string(value).map_err(|e| BybitError::Invalid(e.to_string()))
}

fn ack(a: BybitOrderAck) -> OrderAck {
    OrderAck {
        order_id: a.order_id,
        order_link_id: a.order_link_id,
    }
}

impl BybitHttpClient {
    fn cat(&self) -> &'static str {
        self.config().category.as_str()
    }

    /// `POST /v5/order/create`; `orderLinkId` is the decimal client id.
    ///
    /// # Errors
    /// API rejections (`retCode`), transport or decode failures.
    pub async fn create_order(&self, req: &OrderRequest) -> Result<OrderAck, BybitError> {
        let tif = |t: TimeInForce| match t {
            TimeInForce::Gtc => "GTC",
            TimeInForce::Ioc => "IOC",
            TimeInForce::Fok => "FOK",
        };
        let (order_type, price, time_in_force, trigger_price, trigger_direction) = match req.kind {
            OrderKind::Market => ("Market", None, None, None, None),
            OrderKind::Limit { price, post_only } => (
                "Limit",
                Some(fmt_price(price)),
                Some(if post_only { "PostOnly" } else { tif(req.tif) }),
                None,
                None,
            ),
            OrderKind::StopMarket { trigger } => {
                let dir = match req.side {
                    Side::Buy => 1,
                    Side::Sell => 2,
                };
                ("Market", None, None, Some(fmt_price(trigger)), Some(dir))
            }
        };
        let body = json(&BybitCreateOrder {
            category: self.cat(),
            symbol: req.symbol.as_str(),
            side: BybitSide::from(req.side).as_str(),
            order_type,
            qty: fmt_qty(req.qty),
            price,
            time_in_force,
            order_link_id: req.id.0.to_string(),
            reduce_only: req.reduce_only.then_some(true),
            trigger_price,
            trigger_direction,
        })?;
        let link_id = req.id.0.to_string();
        let mut sent = 0;
        let result: Result<BybitOrderAck, BybitError> = self
            .call_counted(
                Method::Post,
                urls::ORDER_CREATE,
                &Query::new(),
                Some(body),
                true,
                &mut sent,
            )
            .await;
        match result {
            Ok(a) => Ok(ack(a)),
            Err(e) if sent > 1 && e.ret_code() == Some(RET_DUPLICATE_LINK_ID) => {
                // A retry of ours met our own first attempt (it landed but
                // its answer was lost): confirm it instead of a rejection.
                tracing::info!(link_id, "create retry hit 110072; confirming the first attempt");
                match self.find_order(req.symbol, &link_id).await? {
                    Some(o) => Ok(OrderAck {
                        order_id: o.order_id,
                        order_link_id: link_id,
                    }),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The order with client id `link_id`, open (`order/realtime`) or
    /// finished (`order/history`), if Bybit knows it.
    async fn find_order(&self, symbol: Symbol, link_id: &str) -> Result<Option<OrderState>, BybitError> {
        for path in [urls::ORDER_REALTIME, urls::ORDER_HISTORY] {
            let found = self.orders(path, Some(symbol), Some(link_id)).await?;
            if let Some(o) = found.into_iter().next() {
                return Ok(Some(o));
            }
        }
        Ok(None)
    }

    /// `POST /v5/order/amend` by client id.
    ///
    /// # Errors
    /// API rejections, transport or decode failures.
    pub async fn amend_order(
        &self,
        symbol: Symbol,
        id: ClientOrderId,
        qty: Option<Quantity>,
        price: Option<Price>,
    ) -> Result<OrderAck, BybitError> {
        let body = json(&BybitAmendOrder {
            category: self.cat(),
            symbol: symbol.as_str(),
            order_link_id: id.0.to_string(),
            qty: qty.map(fmt_qty),
            price: price.map(fmt_price),
        })?;
        let a: BybitOrderAck = self
            .call(Method::Post, urls::ORDER_AMEND, &Query::new(), Some(body), true)
            .await?;
        Ok(ack(a))
    }

    /// `POST /v5/order/cancel` by client id.
    ///
    /// # Errors
    /// API rejections (110001 unknown order), transport or decode failures.
    pub async fn cancel_order(&self, symbol: Symbol, id: ClientOrderId) -> Result<OrderAck, BybitError> {
        let body = json(&BybitCancelOrder {
            category: self.cat(),
            symbol: symbol.as_str(),
            order_link_id: id.0.to_string(),
        })?;
        let a: BybitOrderAck = self
            .call(Method::Post, urls::ORDER_CANCEL, &Query::new(), Some(body), true)
            .await?;
        Ok(ack(a))
    }

    async fn orders(
        &self,
        path: &'static str,
        symbol: Option<Symbol>,
        link_id: Option<&str>,
    ) -> Result<Vec<OrderState>, BybitError> {
        let mut out = Vec::new();
        let mut cursor = String::new();
        loop {
            let mut q = Query::new().push("category", self.cat());
            q = match symbol {
                Some(s) => q.push("symbol", s.as_str()),
                None => q.push("settleCoin", "USDT"),
            };
            q = q.opt("orderLinkId", link_id).push("limit", "50");
            if !cursor.is_empty() {
                q = q.raw("cursor", &cursor);
            }
            let page: BybitOrders = self.call(Method::Get, path, &q, None, true).await?;
            for o in &page.list {
                out.push(parse::order(o)?);
            }
            if page.next_page_cursor.is_empty() || page.list.is_empty() {
                return Ok(out);
            }
            cursor = page.next_page_cursor;
        }
    }

    /// `GET /v5/order/realtime`: open orders (all pages).
    ///
    /// # Errors
    /// API, transport or decode failures.
    pub async fn open_orders(&self, symbol: Option<Symbol>) -> Result<Vec<OrderState>, BybitError> {
        self.orders(urls::ORDER_REALTIME, symbol, None).await
    }

    /// `GET /v5/order/history` (all pages).
    ///
    /// # Errors
    /// API, transport or decode failures.
    pub async fn order_history(&self, symbol: Option<Symbol>) -> Result<Vec<OrderState>, BybitError> {
        self.orders(urls::ORDER_HISTORY, symbol, None).await
    }

    /// `GET /v5/execution/list` since `start` (all pages, deduplicated on `execId`).
    ///
    /// # Errors
    /// API, transport or decode failures.
    pub async fn executions(
        &self,
        symbol: Option<Symbol>,
        start: Option<Timestamp>,
    ) -> Result<Vec<Execution>, BybitError> {
        let mut out: Vec<Execution> = Vec::new();
        let mut cursor = String::new();
        loop {
            let mut q = Query::new()
                .push("category", self.cat())
                .opt("symbol", symbol.map(|s| s.as_str()))
                .opt("startTime", start.map(|s| s.as_millis().to_string()))
                .push("limit", "100");
            if !cursor.is_empty() {
                q = q.raw("cursor", &cursor);
            }
            let page: BybitExecutions = self
                .call(Method::Get, urls::EXECUTION_LIST, &q, None, true)
                .await?;
            for e in &page.list {
                let e = parse::execution(e)?;
                if !out.iter().any(|x| x.exec_id == e.exec_id) {
                    out.push(e);
                }
            }
            if page.next_page_cursor.is_empty() || page.list.is_empty() {
                return Ok(out);
            }
            cursor = page.next_page_cursor;
        }
    }

    /// `GET /v5/position/list`.
    ///
    /// # Errors
    /// API, transport or decode failures.
    pub async fn positions(&self, symbol: Option<Symbol>) -> Result<Vec<Position>, BybitError> {
        let q = Query::new().push("category", self.cat());
        let q = match symbol {
            Some(s) => q.push("symbol", s.as_str()),
            None => q.push("settleCoin", "USDT"),
        };
        let p: BybitPositions = self
            .call(Method::Get, urls::POSITION_LIST, &q, None, true)
            .await?;
        p.list.iter().map(parse::position).collect()
    }

    /// `GET /v5/account/wallet-balance?accountType=UNIFIED`.
    ///
    /// # Errors
    /// API, transport or decode failures.
    pub async fn wallet_balance(&self, coin: Option<&str>) -> Result<Vec<CoinBalance>, BybitError> {
        let q = Query::new().push("accountType", "UNIFIED").opt("coin", coin);
        let w: BybitWallets = self
            .call(Method::Get, urls::WALLET_BALANCE, &q, None, true)
            .await?;
        w.list
            .iter()
            .flat_map(|acct| acct.coin.iter())
            .map(parse::coin)
            .collect()
    }
}
