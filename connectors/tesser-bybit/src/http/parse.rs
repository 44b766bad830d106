//! Wire types to core and connector types, at the edge.

use tesser_core::{
    BookLevel, BookUpdate, BookUpdateKind, Candle, ClientOrderId, Interval, OrderStatus, Price, Quantity,
    Side, Symbol, Timestamp, Trade,
};

use super::error::BybitError;
use super::models::{
    BybitCoin, BybitExecution, BybitInstrument, BybitOrder, BybitOrderbook, BybitPosition, BybitRecentTrade,
    BybitTicker,
};
use crate::common::parse::{self as p, FieldError};
use crate::types::{CoinBalance, Execution, Instrument, OrderState, Position, Ticker};

impl From<FieldError> for BybitError {
    fn from(e: FieldError) -> Self {
        BybitError::decode("field", e)
    }
}

/// Our `orderLinkId` is the decimal `ClientOrderId`; others are not ours.
pub(crate) fn client_id(link: &str) -> Option<ClientOrderId> {
    link.parse::<u64>().ok().map(ClientOrderId)
}

pub(crate) fn kline_row(symbol: Symbol, interval: Interval, row: &[String]) -> Result<Candle, BybitError> {
    let [start, open, high, low, close, volume, ..] = row else {
        return Err(BybitError::decode("kline row", format!("{} fields", row.len())));
    };
    Ok(Candle {
        symbol,
        interval,
        open_time: p::millis("start", start)?,
        open: p::price("open", open)?,
        high: p::price("high", high)?,
        low: p::price("low", low)?,
        close: p::price("close", close)?,
        volume: p::qty("volume", volume)?,
    })
}

pub(crate) fn instrument(w: &BybitInstrument) -> Result<Instrument, BybitError> {
    let lot = &w.lot_size_filter;
    let step = lot
        .qty_step
        .as_deref()
        .or(lot.base_precision.as_deref())
        .unwrap_or("0");
    Ok(Instrument {
        symbol: Symbol::new(&w.symbol),
        status: w.status.clone(),
        base_coin: w.base_coin.clone(),
        quote_coin: w.quote_coin.clone(),
        tick_size: p::price("tickSize", &w.price_filter.tick_size)?,
        qty_step: p::qty("qtyStep", step)?,
        min_qty: p::qty(
            "minOrderQty",
            if lot.min_order_qty.is_empty() {
                "0"
            } else {
                &lot.min_order_qty
            },
        )?,
        max_qty: if lot.max_order_qty.is_empty() {
            None
        } else {
            Some(p::qty("maxOrderQty", &lot.max_order_qty)?)
        },
    })
}

pub(crate) fn ticker(w: &BybitTicker) -> Result<Ticker, BybitError> {
    Ok(Ticker {
        symbol: Symbol::new(&w.symbol),
        last_price: p::opt_price("lastPrice", &w.last_price)?,
        bid: p::opt_price("bid1Price", &w.bid1_price)?,
        ask: p::opt_price("ask1Price", &w.ask1_price)?,
        mark_price: p::opt_price("markPrice", &w.mark_price)?,
    })
}

pub(crate) fn levels(raw: &[[String; 2]]) -> Result<Vec<BookLevel>, BybitError> {
    raw.iter()
        .map(|[price, qty]| {
            Ok(BookLevel {
                price: p::price("price", price)?,
                qty: p::qty("size", qty)?,
            })
        })
        .collect()
}

pub(crate) fn orderbook(w: &BybitOrderbook) -> Result<BookUpdate, BybitError> {
    Ok(BookUpdate {
        symbol: Symbol::new(&w.s),
        ts: Timestamp::from_millis(w.ts),
        kind: BookUpdateKind::Snapshot,
        update_id: w.u,
        bids: levels(&w.b)?,
        asks: levels(&w.a)?,
    })
}

pub(crate) fn recent_trade(w: &BybitRecentTrade) -> Result<Trade, BybitError> {
    Ok(Trade {
        symbol: Symbol::new(&w.symbol),
        ts: p::millis("time", &w.time)?,
        price: p::price("price", &w.price)?,
        qty: p::qty("size", &w.size)?,
        taker_side: w.side.into(),
    })
}

pub(crate) fn order(w: &BybitOrder) -> Result<OrderState, BybitError> {
    let reason = match w.reject_reason.as_str() {
        "" | "EC_NoError" => None,
        other => Some(other.to_owned()),
    };
    let zero_is_none = |x: Option<Price>| x.filter(|v| !v.is_zero());
    Ok(OrderState {
        order_id: w.order_id.clone(),
        client_id: client_id(&w.order_link_id),
        symbol: Symbol::new(&w.symbol),
        side: w.side.into(),
        status: OrderStatus::from(w.order_status),
        qty: p::qty("qty", &w.qty)?,
        filled_qty: if w.cum_exec_qty.is_empty() {
            Quantity::ZERO
        } else {
            p::qty("cumExecQty", &w.cum_exec_qty)?
        },
        price: zero_is_none(p::opt_price("price", &w.price)?),
        avg_price: zero_is_none(p::opt_price("avgPrice", &w.avg_price)?),
        reason,
        updated: if w.updated_time.is_empty() {
            Timestamp::default()
        } else {
            p::millis("updatedTime", &w.updated_time)?
        },
    })
}

pub(crate) fn execution(w: &BybitExecution) -> Result<Execution, BybitError> {
    Ok(Execution {
        exec_id: w.exec_id.clone(),
        order_id: w.order_id.clone(),
        client_id: client_id(&w.order_link_id),
        symbol: Symbol::new(&w.symbol),
        side: w.side.into(),
        qty: p::qty("execQty", &w.exec_qty)?,
        price: p::price("execPrice", &w.exec_price)?,
        fee: p::cash("execFee", &w.exec_fee)?,
        ts: p::millis("execTime", &w.exec_time)?,
        is_maker: w.is_maker,
    })
}

pub(crate) fn position(w: &BybitPosition) -> Result<Position, BybitError> {
    let side = match w.side.as_str() {
        "Buy" => Some(Side::Buy),
        "Sell" => Some(Side::Sell),
        "" | "None" => None,
        other => return Err(BybitError::decode("position side", other)),
    };
    Ok(Position {
        symbol: Symbol::new(&w.symbol),
        side,
        size: p::qty("size", &w.size)?,
        avg_price: p::opt_price("avgPrice", &w.avg_price)?.filter(|v| !v.is_zero()),
        unrealised_pnl: p::cash("unrealisedPnl", &w.unrealised_pnl)?,
    })
}

pub(crate) fn coin(w: &BybitCoin) -> Result<CoinBalance, BybitError> {
    Ok(CoinBalance {
        coin: w.coin.clone(),
        wallet_balance: p::cash("walletBalance", &w.wallet_balance)?,
        equity: p::cash("equity", &w.equity)?,
        locked: p::cash("locked", &w.locked)?,
    })
}

/// Formats an exact price for a request body.
pub(crate) fn fmt_price(p: Price) -> String {
    p.to_string()
}

/// Formats an exact quantity for a request body.
pub(crate) fn fmt_qty(q: Quantity) -> String {
    q.to_string()
}
