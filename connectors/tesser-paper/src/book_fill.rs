//! Fills against an L2 order book: orders walk the levels, taking each
//! level's size at its price, and the liquidity they take is removed from the
//! simulated book until the venue's next update rewrites those levels.

use tesser_core::{Event, OrderBook, OrderKind, OrderRequest, Price, Quantity, Side, Timestamp};

use crate::PaperExchange;

/// What a walk of the book did to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walk {
    /// Not marketable against this book: nothing filled.
    Untouched,
    /// Filled this much, less than the order's size.
    Partial(Quantity),
    /// Completely filled.
    Done,
}

/// The worst price an order accepts, or `None` for any price. A stop is
/// marketable (with no price bound) once the touch crosses its trigger.
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

impl PaperExchange {
    /// True when `req` would take liquidity from `book` right now.
    pub(crate) fn crosses_book(req: &OrderRequest, book: &OrderBook) -> bool {
        let Some(limit) = bound(req, book) else { return false };
        book.opposite(req.side).next().is_some_and(|best| within(req.side, best.price, limit))
    }

    /// Size available to `req` within its price bound.
    pub(crate) fn depth_for(req: &OrderRequest, book: &OrderBook) -> Quantity {
        let Some(limit) = bound(req, book) else { return Quantity::ZERO };
        book.opposite(req.side)
            .take_while(|l| within(req.side, l.price, limit))
            .fold(Quantity::ZERO, |acc, l| acc + l.qty)
    }

    /// Walks the book of `req.symbol` for up to `qty` and emits one fill per
    /// level touched.
    pub(crate) fn walk_book(&mut self, req: &OrderRequest, qty: Quantity, ts: Timestamp, out: &mut Vec<Event>) -> Walk {
        let Some(book) = self.books.get(&req.symbol) else { return Walk::Untouched };
        let Some(limit) = bound(req, book) else { return Walk::Untouched };
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
        if takes.is_empty() {
            return Walk::Untouched;
        }
        if let Some(book) = self.books.get_mut(&req.symbol) {
            for (price, take) in &takes {
                book.consume(req.side, *price, *take);
            }
        }
        for (price, take) in takes {
            self.record_fill(req, price, take, ts, out);
        }
        if left.is_zero() {
            Walk::Done
        } else {
            Walk::Partial(qty.checked_sub(left).unwrap_or(qty))
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
