//! Accounts, orders and a simple matcher against the replayed price.
//! Linear USDT contracts, one-way mode, 10x margin, taker 0.055 %, maker 0.02 %.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde_json::{json, Value};

/// `(retCode, retMsg)` of a refused request.
pub(crate) type Refusal = (i64, String);

/// A private push for one account: `(api_key, topic, data items)`.
pub(crate) type Push = (String, &'static str, Vec<Value>);

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) order_id: String,
    pub(crate) link_id: String,
    pub(crate) symbol: String,
    pub(crate) side: &'static str,
    pub(crate) order_type: &'static str,
    pub(crate) price: Option<Decimal>,
    pub(crate) qty: Decimal,
    pub(crate) filled: Decimal,
    pub(crate) avg_price: Decimal,
    pub(crate) status: &'static str,
    pub(crate) tif: String,
    pub(crate) reject_reason: &'static str,
    pub(crate) reduce_only: bool,
    pub(crate) created: i64,
    pub(crate) updated: i64,
}

impl Order {
    fn is_open(&self) -> bool {
        matches!(self.status, "New" | "PartiallyFilled")
    }

    pub(crate) fn json(&self) -> Value {
        let s = |d: Decimal| d.normalize().to_string();
        json!({
            "orderId": self.order_id, "orderLinkId": self.link_id, "symbol": self.symbol, "category": "linear",
            "side": self.side, "orderType": self.order_type, "price": self.price.map(s).unwrap_or_else(|| "0".into()),
            "qty": s(self.qty), "cumExecQty": s(self.filled), "leavesQty": s(self.qty - self.filled),
            "avgPrice": if self.filled.is_zero() { String::new() } else { s(self.avg_price) },
            "orderStatus": self.status, "timeInForce": self.tif, "rejectReason": self.reject_reason,
            "reduceOnly": self.reduce_only, "positionIdx": 0,
            "createdTime": self.created.to_string(), "updatedTime": self.updated.to_string(),
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct Account {
    pub(crate) secret: String,
    pub(crate) usdt: Decimal,
    pub(crate) orders: Vec<Order>,
    pub(crate) executions: Vec<Value>,
    /// Signed size and average entry per symbol.
    pub(crate) positions: HashMap<String, (Decimal, Decimal)>,
}

/// All accounts, keyed by API key.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    pub(crate) accounts: HashMap<String, Account>,
    seq: u64,
}

/// A new order as parsed from `POST /v5/order/create`.
#[derive(Debug)]
pub(crate) struct NewOrder {
    pub(crate) symbol: String,
    pub(crate) side: String,
    pub(crate) order_type: String,
    pub(crate) qty: String,
    pub(crate) price: Option<String>,
    pub(crate) tif: Option<String>,
    pub(crate) link_id: String,
    pub(crate) reduce_only: bool,
}

fn dec(text: &str) -> Option<Decimal> {
    Decimal::from_str_exact(text.trim()).ok()
}

fn params(msg: &str) -> Refusal {
    (10_001, format!("params error: {msg}"))
}

impl Exchange {
    fn next_id(&mut self) -> String {
        self.seq += 1;
        format!("mock-{:012}", self.seq)
    }

    pub(crate) fn secret_of(&self, key: &str) -> Option<String> {
        self.accounts.get(key).map(|a| a.secret.clone())
    }

    /// Places an order; returns the ack `(orderId, orderLinkId)` and pushes.
    pub(crate) fn create(
        &mut self,
        key: &str,
        o: NewOrder,
        market: Decimal,
        now: i64,
    ) -> Result<((String, String), Vec<Push>), Refusal> {
        let side: &'static str = match o.side.as_str() {
            "Buy" => "Buy",
            "Sell" => "Sell",
            _ => return Err(params("side invalid")),
        };
        let order_type: &'static str = match o.order_type.as_str() {
            "Market" => "Market",
            "Limit" => "Limit",
            _ => return Err(params("orderType invalid")),
        };
        let qty = dec(&o.qty).ok_or_else(|| params("qty invalid"))?;
        if qty < Decimal::new(1, 3) {
            return Err((
                10_001,
                "The number of contracts exceeds minimum limit allowed".into(),
            ));
        }
        let price = match (&o.price, order_type) {
            (Some(p), "Limit") => Some(
                dec(p)
                    .filter(|p| p.is_sign_positive())
                    .ok_or_else(|| params("price invalid"))?,
            ),
            (None, "Limit") => return Err(params("price is required for Limit")),
            _ => None,
        };
        let order_id = self.next_id();
        let acct = self
            .accounts
            .get_mut(key)
            .ok_or((10_003, "API key is invalid.".into()))?;
        if !o.link_id.is_empty() && acct.orders.iter().any(|x| x.link_id == o.link_id) {
            return Err((110_072, "OrderLinkedID is duplicate".into()));
        }
        let (pos, _) = acct.positions.get(&o.symbol).copied().unwrap_or_default();
        let signed = if side == "Buy" { qty } else { -qty };
        if o.reduce_only
            && (pos.is_zero()
                || pos.is_sign_positive() == signed.is_sign_positive()
                || signed.abs() > pos.abs())
        {
            return Err((110_017, "Reduce-only rule not satisfied".into()));
        }
        let notional = qty * price.unwrap_or(market);
        if !o.reduce_only && notional / Decimal::TEN > acct.usdt {
            return Err((110_007, "ab not enough for new order".into()));
        }
        let tif = o.tif.clone().unwrap_or_else(|| {
            if order_type == "Market" {
                "IOC".into()
            } else {
                "GTC".into()
            }
        });
        let mut order = Order {
            order_id: order_id.clone(),
            link_id: o.link_id.clone(),
            symbol: o.symbol,
            side,
            order_type,
            price,
            qty,
            filled: Decimal::ZERO,
            avg_price: Decimal::ZERO,
            status: "New",
            tif: tif.clone(),
            reject_reason: "EC_NoError",
            reduce_only: o.reduce_only,
            created: now,
            updated: now,
        };
        let mut pushes = vec![(key.to_owned(), "order", vec![order.json()])];
        let crosses = match price {
            None => true,
            Some(p) => (side == "Buy" && p >= market) || (side == "Sell" && p <= market),
        };
        if crosses && tif == "PostOnly" {
            order.status = "Cancelled";
            order.reject_reason = "EC_PostOnlyWillTakeLiquidity";
            pushes.push((key.to_owned(), "order", vec![order.json()]));
        } else if crosses {
            self.fill(key, &mut order, market, false, now, &mut pushes);
        } else if tif == "IOC" || tif == "FOK" {
            order.status = "Cancelled";
            order.reject_reason = "EC_NoImmediateQtyToFill";
            pushes.push((key.to_owned(), "order", vec![order.json()]));
        }
        let ack = (order.order_id.clone(), order.link_id.clone());
        if let Some(acct) = self.accounts.get_mut(key) {
            acct.orders.push(order);
        }
        Ok((ack, pushes))
    }

    fn fill(
        &mut self,
        key: &str,
        order: &mut Order,
        price: Decimal,
        maker: bool,
        now: i64,
        pushes: &mut Vec<Push>,
    ) {
        let exec_id = self.next_id();
        let Some(acct) = self.accounts.get_mut(key) else {
            return;
        };
        let qty = order.qty - order.filled;
        let rate = if maker {
            Decimal::new(2, 4)
        } else {
            Decimal::new(55, 5)
        };
        let fee = (qty * price * rate).round_dp(8);
        order.avg_price = price;
        order.filled = order.qty;
        order.status = "Filled";
        order.updated = now;
        let signed = if order.side == "Buy" { qty } else { -qty };
        let (size, entry) = acct.positions.get(&order.symbol).copied().unwrap_or_default();
        let new_size = size + signed;
        let mut realised = Decimal::ZERO;
        let new_entry = if size.is_zero() || size.is_sign_positive() == signed.is_sign_positive() {
            (size.abs() * entry + qty * price) / new_size.abs().max(Decimal::new(1, 12))
        } else {
            let closed = qty.min(size.abs());
            realised = closed
                * (price - entry)
                * if size.is_sign_positive() {
                    Decimal::ONE
                } else {
                    -Decimal::ONE
                };
            if new_size.is_zero() {
                Decimal::ZERO
            } else if new_size.is_sign_positive() == size.is_sign_positive() {
                entry
            } else {
                price
            }
        };
        acct.positions.insert(order.symbol.clone(), (new_size, new_entry));
        acct.usdt += realised - fee;
        let exec = json!({
            "category": "linear", "symbol": order.symbol, "execId": exec_id, "orderId": order.order_id,
            "orderLinkId": order.link_id, "side": order.side, "orderType": order.order_type,
            "execPrice": price.normalize().to_string(), "execQty": qty.normalize().to_string(),
            "execFee": fee.normalize().to_string(), "execType": "Trade", "execTime": now.to_string(),
            "isMaker": maker, "execPnl": realised.normalize().to_string(), "seq": self.seq,
        });
        acct.executions.push(exec.clone());
        let k = key.to_owned();
        pushes.push((k.clone(), "execution", vec![exec]));
        pushes.push((k.clone(), "order", vec![order.json()]));
        pushes.push((
            k.clone(),
            "position",
            vec![position_json(&order.symbol, new_size, new_entry, false)],
        ));
        pushes.push((k, "wallet", vec![wallet_json(acct.usdt)]));
    }

    /// Fills resting limit orders that the new price crosses (as maker).
    pub(crate) fn on_price(&mut self, price: Decimal, now: i64) -> Vec<Push> {
        let mut pushes = Vec::new();
        let keys: Vec<String> = self.accounts.keys().cloned().collect();
        for key in keys {
            let Some(acct) = self.accounts.get_mut(&key) else {
                continue;
            };
            let mut crossing: Vec<Order> = Vec::new();
            acct.orders.retain(|o| {
                let hit = o.is_open()
                    && o.price
                        .is_some_and(|p| (o.side == "Buy" && price <= p) || (o.side == "Sell" && price >= p));
                if hit {
                    crossing.push(o.clone());
                }
                !hit
            });
            for mut o in crossing {
                let px = o.price.unwrap_or(price);
                self.fill(&key, &mut o, px, true, now, &mut pushes);
                if let Some(acct) = self.accounts.get_mut(&key) {
                    acct.orders.push(o);
                }
            }
        }
        pushes
    }

    fn find_open(
        &mut self,
        key: &str,
        order_id: Option<&str>,
        link_id: Option<&str>,
    ) -> Result<&mut Order, Refusal> {
        if order_id.is_none() && link_id.is_none() {
            return Err(params("OrderId or orderLinkId is required"));
        }
        let acct = self
            .accounts
            .get_mut(key)
            .ok_or((10_003, "API key is invalid.".into()))?;
        acct.orders
            .iter_mut()
            .find(|o| {
                o.is_open()
                    && match order_id {
                        Some(id) => o.order_id == id,
                        None => Some(o.link_id.as_str()) == link_id,
                    }
            })
            .ok_or((110_001, "Order does not exist".into()))
    }

    pub(crate) fn cancel(
        &mut self,
        key: &str,
        order_id: Option<&str>,
        link_id: Option<&str>,
        now: i64,
    ) -> Result<((String, String), Vec<Push>), Refusal> {
        let o = self.find_open(key, order_id, link_id)?;
        o.status = "Cancelled";
        o.updated = now;
        Ok((
            (o.order_id.clone(), o.link_id.clone()),
            vec![(key.to_owned(), "order", vec![o.json()])],
        ))
    }

    pub(crate) fn amend(
        &mut self,
        key: &str,
        ids: (Option<&str>, Option<&str>),
        qty: Option<Decimal>,
        price: Option<Decimal>,
        now: i64,
    ) -> Result<((String, String), Vec<Push>), Refusal> {
        let o = self.find_open(key, ids.0, ids.1)?;
        if let Some(q) = qty {
            o.qty = q;
        }
        if price.is_some() {
            o.price = price;
        }
        o.updated = now;
        Ok((
            (o.order_id.clone(), o.link_id.clone()),
            vec![(key.to_owned(), "order", vec![o.json()])],
        ))
    }
}

pub(crate) fn position_json(symbol: &str, size: Decimal, entry: Decimal, rest: bool) -> Value {
    let side = if size.is_zero() {
        ""
    } else if size.is_sign_positive() {
        "Buy"
    } else {
        "Sell"
    };
    let price_key = if rest { "avgPrice" } else { "entryPrice" };
    json!({
        "category": "linear", "symbol": symbol, "side": side, "size": size.abs().normalize().to_string(),
        price_key: entry.normalize().to_string(), "positionIdx": 0, "unrealisedPnl": "0", "liqPrice": "",
    })
}

pub(crate) fn wallet_json(usdt: Decimal) -> Value {
    let u = usdt.normalize().to_string();
    json!({
        "accountType": "UNIFIED", "totalEquity": u, "totalWalletBalance": u, "totalAvailableBalance": u,
        "coin": [{"coin": "USDT", "walletBalance": u, "equity": u, "locked": "0"}],
    })
}
