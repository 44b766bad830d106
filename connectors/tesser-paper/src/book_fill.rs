//! Fills against an L2 order book: orders walk the levels, taking each
//! level's size at its price, and the liquidity they take is removed from the
//! simulated book until the venue's next update rewrites those levels.

use tesser_core::{
    Event, OrderBook, OrderKind, OrderRequest, OrderStatus, Price, Quantity, Side, TimeInForce, Timestamp,
};

use crate::config::Role;
use crate::exchange::{PaperExchange, Resting};

/// The worst price an order accepts (`Some(None)` = any price), or `None`
/// when it is not marketable at all (an untriggered stop, an empty side).
fn bound(req: &OrderRequest, book: &OrderBook) -> Option<Option<Price>> {
    match req.kind {
        OrderKind::Market => Some(None),
        OrderKind::Limit { price, .. } => Some(Some(price)),
        OrderKind::StopMarket { trigger } => {
            let touch = book.opposite(req.side).next()?.price;
            let triggered = match req.side {
                Side::Buy => touch >= trigger,
                Side::Sell => touch <= trigger,
            };
            triggered.then_some(None)
        }
    }
}

fn within(side: Side, price: Price, limit: Option<Price>) -> bool {
    match (limit, side) {
        (None, _) => true,
        (Some(l), Side::Buy) => price <= l,
        (Some(l), Side::Sell) => price >= l,
    }
}

/// Size available to `req` within its price bound.
fn depth_for(req: &OrderRequest, book: &OrderBook) -> Quantity {
    let Some(limit) = bound(req, book) else {
        return Quantity::ZERO;
    };
    book.opposite(req.side)
        .take_while(|l| within(req.side, l.price, limit))
        .fold(Quantity::ZERO, |acc, l| acc + l.qty)
}

impl PaperExchange {
    /// Works a resting order against the current book of its symbol; returns
    /// what is left to rest.
    pub(crate) fn book_match(&mut self, r: Resting, ts: Timestamp, out: &mut Vec<Event>) -> Option<Resting> {
        let req = r.request;
        let Some(book) = self.books.get(&req.symbol) else {
            return Some(r);
        };
        let depth = depth_for(&req, book);
        let one_shot = matches!(req.tif, TimeInForce::Ioc | TimeInForce::Fok);
        if !r.seen && !depth.is_zero() && matches!(req.kind, OrderKind::Limit { post_only: true, .. }) {
            self.update(
                &req,
                OrderStatus::Rejected,
                ts,
                Some("post-only order would take liquidity"),
                out,
            );
            return None;
        }
        if depth.is_zero() {
            if one_shot {
                self.update(&req, OrderStatus::Canceled, ts, Some("IOC/FOK not filled"), out);
                return None;
            }
            return Some(r);
        }
        let Some(allowed) = self.capped(&req, req.qty) else {
            let why = Some("reduce-only order with no position to reduce");
            self.update(&req, OrderStatus::Canceled, ts, why, out);
            return None;
        };
        if req.tif == TimeInForce::Fok && depth < allowed {
            self.update(
                &req,
                OrderStatus::Canceled,
                ts,
                Some("FOK: not enough depth"),
                out,
            );
            return None;
        }
        let role = if r.seen && matches!(req.kind, OrderKind::Limit { .. }) {
            Role::Maker
        } else {
            Role::Taker
        };
        let filled = self.walk(&req, allowed, role, ts, out);
        let cancel_rest = if allowed < req.qty {
            Some("reduce-only: position smaller than the order")
        } else if matches!(req.kind, OrderKind::Limit { .. }) {
            None
        } else {
            Some("book depth exhausted")
        };
        let cancel_rest = cancel_rest.filter(|_| filled < req.qty);
        self.settle(r, filled, ts, cancel_rest, out)
    }

    /// Takes up to `qty` from the opposite side within the order's price
    /// bound, one fill per level; returns the size filled.
    fn walk(
        &mut self,
        req: &OrderRequest,
        qty: Quantity,
        role: Role,
        ts: Timestamp,
        out: &mut Vec<Event>,
    ) -> Quantity {
        let Some(book) = self.books.get_mut(&req.symbol) else {
            return Quantity::ZERO;
        };
        let Some(limit) = bound(req, book) else {
            return Quantity::ZERO;
        };
        let mut takes: Vec<(Price, Quantity)> = Vec::new();
        let mut left = qty;
        for level in book.opposite(req.side) {
            if left.is_zero() || !within(req.side, level.price, limit) {
                break;
            }
            let take = left.min(level.qty);
            takes.push((level.price, take));
            left = left.checked_sub(take).unwrap_or(Quantity::ZERO);
        }
        for (price, take) in &takes {
            book.consume(req.side, *price, *take);
        }
        for (price, take) in takes {
            self.record_fill(req, price, take, role, ts, out);
        }
        qty.checked_sub(left).unwrap_or(qty)
    }
}
