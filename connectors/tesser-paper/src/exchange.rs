//! The paper exchange's state machine.

use serde::{Deserialize, Serialize};
use tesser_core::{BookUpdate, OrderBook, SymbolMap};

use crate::book_fill::Walk;
use tesser_core::{
    Candle, Cash, ClientOrderId, Command, Decimal, Event, Fill, OrderKind, OrderRequest, OrderStatus,
    OrderUpdate, Price, Quantity, Side, TimeInForce, Timestamp,
};

/// When market orders decided on a bar get filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FillModel {
    /// At the next bar's open.
    #[default]
    NextOpen,
    /// At the signal bar's close.
    Close,
}

/// Frictions and timing of the paper exchange.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperConfig {
    /// Fill timing.
    pub fill: FillModel,
    /// Fee in basis points of notional, charged on every fill.
    pub fee_bps: Decimal,
    /// Adverse slippage in basis points on market and stop fills.
    pub slippage_bps: Decimal,
}

#[derive(Debug, Clone, Copy)]
struct Resting {
    request: OrderRequest,
    /// False until the order has met its first bar (for IOC/FOK).
    seen_bar: bool,
}

/// A simulated venue that fills orders against candles.
#[derive(Debug, Clone)]
pub struct PaperExchange {
    fee_rate: Decimal,
    slip: Decimal,
    fill: FillModel,
    resting: Vec<Resting>,
    scratch: Vec<Resting>,
    current: SymbolMap<Candle>,
    positions: SymbolMap<Decimal>,
    pub(crate) books: SymbolMap<OrderBook>,
}

impl PaperExchange {
    /// A paper venue with the given frictions.
    #[must_use]
    pub fn new(config: PaperConfig) -> Self {
        let bps = Decimal::from(10_000);
        Self {
            fee_rate: config.fee_bps / bps,
            slip: config.slippage_bps / bps,
            fill: config.fill,
            resting: Vec::new(),
            scratch: Vec::new(),
            current: SymbolMap::default(),
            positions: SymbolMap::default(),
            books: SymbolMap::default(),
        }
    }

    /// Orders still resting.
    #[must_use]
    pub fn resting(&self) -> usize {
        self.resting.len()
    }

    /// Matches resting orders of the bar's symbol against it, then makes it
    /// the symbol's current bar. Call before the engine sees the bar.
    pub fn on_candle(&mut self, candle: &Candle, out: &mut Vec<Event>) {
        if !self.resting.is_empty() {
            // Orders are matched in submission order; survivors keep that order.
            let mut orders = std::mem::replace(&mut self.resting, std::mem::take(&mut self.scratch));
            for mut r in orders.drain(..) {
                if r.request.symbol != candle.symbol {
                    self.resting.push(r);
                    continue;
                }
                let done = self.match_bar(&r.request, r.seen_bar, candle, out);
                if done {
                    continue;
                }
                if matches!(r.request.tif, TimeInForce::Ioc | TimeInForce::Fok) {
                    self.update(
                        &r.request,
                        OrderStatus::Canceled,
                        candle.open_time,
                        Some("IOC/FOK not filled"),
                        out,
                    );
                    continue;
                }
                r.seen_bar = true;
                self.resting.push(r);
            }
            self.scratch = orders;
        }
        self.current.insert(candle.symbol, *candle);
    }

    /// Carries out an engine command.
    pub fn execute(&mut self, command: &Command, out: &mut Vec<Event>) {
        match command {
            Command::Submit(request) => self.submit(*request, out),
            Command::Cancel { id, .. } => self.cancel(*id, out),
        }
    }

    fn submit(&mut self, request: OrderRequest, out: &mut Vec<Event>) {
        let bar = self.current.get(&request.symbol).copied();
        let ts = bar.map_or(request.created, |b| b.open_time);
        if request.qty.is_zero() {
            self.update(&request, OrderStatus::Rejected, ts, Some("zero quantity"), out);
            return;
        }
        if self.books.contains_key(&request.symbol) {
            let ts = self.books.get(&request.symbol).map_or(ts, OrderBook::ts);
            if self.fill == FillModel::Close {
                if let Some(rest) = self.book_match(request, true, ts, out) {
                    if rest.qty == request.qty {
                        self.update(&rest, OrderStatus::Open, ts, None, out);
                    }
                    self.resting.push(Resting { request: rest, seen_bar: true });
                }
            } else {
                self.update(&request, OrderStatus::Open, ts, None, out);
                self.resting.push(Resting { request, seen_bar: false });
            }
            return;
        }
        if self.fill == FillModel::Close {
            if let Some(bar) = bar {
                if self.match_close(&request, &bar, out) {
                    return;
                }
                if matches!(request.tif, TimeInForce::Ioc | TimeInForce::Fok) {
                    self.update(
                        &request,
                        OrderStatus::Canceled,
                        ts,
                        Some("IOC/FOK not filled"),
                        out,
                    );
                    return;
                }
            }
        }
        self.update(&request, OrderStatus::Open, ts, None, out);
        self.resting.push(Resting {
            request,
            seen_bar: false,
        });
    }

    fn cancel(&mut self, id: ClientOrderId, out: &mut Vec<Event>) {
        if let Some(pos) = self.resting.iter().position(|r| r.request.id == id) {
            let r = self.resting.remove(pos);
            let ts = self
                .current
                .get(&r.request.symbol)
                .map_or(r.request.created, |b| b.open_time);
            self.update(
                &r.request,
                OrderStatus::Canceled,
                ts,
                Some("cancelled on request"),
                out,
            );
        }
    }

    /// Close-mode arrival: fills at the bar's close when marketable.
    fn match_close(&mut self, req: &OrderRequest, bar: &Candle, out: &mut Vec<Event>) -> bool {
        let c = bar.close;
        let (price, slip) = match (req.kind, req.side) {
            (OrderKind::Market, _) => (c, true),
            (OrderKind::Limit { price, .. }, Side::Buy) if c <= price => (c, false),
            (OrderKind::Limit { price, .. }, Side::Sell) if c >= price => (c, false),
            (OrderKind::StopMarket { trigger }, Side::Buy) if c >= trigger => (c, true),
            (OrderKind::StopMarket { trigger }, Side::Sell) if c <= trigger => (c, true),
            _ => return false,
        };
        if matches!(req.kind, OrderKind::Limit { post_only: true, .. }) {
            self.update(
                req,
                OrderStatus::Rejected,
                bar.open_time,
                Some("post-only order would take liquidity"),
                out,
            );
            return true;
        }
        self.fill(req, price, slip, bar.open_time, out);
        true
    }

    /// Matches a resting order against a bar; true when the order is done.
    fn match_bar(&mut self, req: &OrderRequest, seen_bar: bool, bar: &Candle, out: &mut Vec<Event>) -> bool {
        let (o, h, l) = (bar.open, bar.high, bar.low);
        let hit = match (req.kind, req.side) {
            (OrderKind::Market, _) => Some((o, true)),
            (OrderKind::Limit { price, post_only }, side) => {
                let gap = if side == Side::Buy { o <= price } else { o >= price };
                let touch = if side == Side::Buy { l <= price } else { h >= price };
                if gap && post_only && !seen_bar {
                    let msg = Some("post-only order would take liquidity");
                    self.update(req, OrderStatus::Rejected, bar.open_time, msg, out);
                    return true;
                }
                if gap {
                    Some((o, false))
                } else {
                    touch.then_some((price, false))
                }
            }
            (OrderKind::StopMarket { trigger }, Side::Buy) => {
                if o >= trigger {
                    Some((o, true))
                } else {
                    (h >= trigger).then_some((trigger, true))
                }
            }
            (OrderKind::StopMarket { trigger }, Side::Sell) => {
                if o <= trigger {
                    Some((o, true))
                } else {
                    (l <= trigger).then_some((trigger, true))
                }
            }
        };
        match hit {
            Some((price, slip)) => {
                self.fill(req, price, slip, bar.open_time, out);
                true
            }
            None => false,
        }
    }

    /// The size a reduce-only order may still fill (its own size otherwise);
    /// `None` when there is no position to reduce.
    fn capped(&self, req: &OrderRequest, qty: Quantity) -> Option<Quantity> {
        if !req.reduce_only {
            return Some(qty);
        }
        let position = self.positions.get(&req.symbol).copied().unwrap_or_default();
        let reducible = match req.side {
            Side::Buy if position < Decimal::ZERO => -position,
            Side::Sell if position > Decimal::ZERO => position,
            _ => Decimal::ZERO,
        };
        (!reducible.is_zero()).then(|| qty.min(Quantity::new(reducible).unwrap_or(qty)))
    }

    /// Emits one fill of `qty` at `price`, charging the fee and tracking the
    /// venue-side position.
    pub(crate) fn record_fill(
        &mut self,
        req: &OrderRequest,
        price: Price,
        qty: Quantity,
        ts: Timestamp,
        out: &mut Vec<Event>,
    ) {
        let fee = Cash::new(self.fee_rate * qty.get() * price.get());
        let signed = if req.side == Side::Buy { qty.get() } else { -qty.get() };
        *self.positions.entry(req.symbol).or_default() += signed;
        out.push(Event::Fill(Fill { order_id: req.id, symbol: req.symbol, side: req.side, qty, price, fee, ts }));
    }

    fn fill(&mut self, req: &OrderRequest, price: Price, slip: bool, ts: Timestamp, out: &mut Vec<Event>) {
        let Some(qty) = self.capped(req, req.qty) else {
            self.update(req, OrderStatus::Canceled, ts, Some("reduce-only order with no position to reduce"), out);
            return;
        };
        let price = match (slip, req.side) {
            (false, _) => price,
            (true, Side::Buy) => price.scaled(Decimal::ONE + self.slip),
            (true, Side::Sell) => price.scaled(Decimal::ONE - self.slip),
        };
        self.record_fill(req, price, qty, ts, out);
        self.update(req, OrderStatus::Filled, ts, None, out);
    }

    /// Works `req` against the current book of its symbol. Returns the order
    /// to keep resting (with its remaining size), or `None` when it is done.
    fn book_match(&mut self, mut req: OrderRequest, first: bool, ts: Timestamp, out: &mut Vec<Event>) -> Option<OrderRequest> {
        let crosses = self.books.get(&req.symbol).is_some_and(|b| Self::crosses_book(&req, b));
        let one_shot = matches!(req.tif, TimeInForce::Ioc | TimeInForce::Fok);
        if first && crosses && matches!(req.kind, OrderKind::Limit { post_only: true, .. }) {
            self.update(&req, OrderStatus::Rejected, ts, Some("post-only order would take liquidity"), out);
            return None;
        }
        if !crosses {
            if one_shot {
                self.update(&req, OrderStatus::Canceled, ts, Some("IOC/FOK not filled"), out);
                return None;
            }
            return Some(req);
        }
        let Some(qty) = self.capped(&req, req.qty) else {
            self.update(&req, OrderStatus::Canceled, ts, Some("reduce-only order with no position to reduce"), out);
            return None;
        };
        if req.tif == TimeInForce::Fok && self.books.get(&req.symbol).is_some_and(|b| Self::depth_for(&req, b) < qty) {
            self.update(&req, OrderStatus::Canceled, ts, Some("FOK: not enough depth"), out);
            return None;
        }
        match self.walk_book(&req, qty, ts, out) {
            Walk::Done => {
                self.update(&req, OrderStatus::Filled, ts, None, out);
                None
            }
            Walk::Partial(done) if !one_shot && matches!(req.kind, OrderKind::Limit { .. }) => {
                req.qty = req.qty.checked_sub(done).unwrap_or(Quantity::ZERO);
                self.update(&req, OrderStatus::PartiallyFilled, ts, None, out);
                Some(req)
            }
            Walk::Partial(_) | Walk::Untouched => {
                self.update(&req, OrderStatus::Canceled, ts, Some("book depth exhausted"), out);
                None
            }
        }
    }

    /// Applies an order-book update, then works resting orders of its symbol
    /// against the new book in submission order.
    pub fn on_book(&mut self, update: &BookUpdate, out: &mut Vec<Event>) {
        let book = self.books.entry(update.symbol).or_insert_with(|| OrderBook::new(update.symbol));
        if book.apply(update).is_err() {
            // A gap leaves the simulated book stale; the engine reports it and
            // orders wait for the next snapshot.
            return;
        }
        let mut orders = std::mem::replace(&mut self.resting, std::mem::take(&mut self.scratch));
        for r in orders.drain(..) {
            if r.request.symbol != update.symbol {
                self.resting.push(r);
                continue;
            }
            if let Some(request) = self.book_match(r.request, !r.seen_bar, update.ts, out) {
                self.resting.push(Resting { request, seen_bar: true });
            }
        }
        self.scratch = orders;
    }

    fn update(
        &self,
        req: &OrderRequest,
        status: OrderStatus,
        ts: Timestamp,
        why: Option<&str>,
        out: &mut Vec<Event>,
    ) {
        out.push(Event::OrderUpdate(OrderUpdate {
            id: req.id,
            symbol: req.symbol,
            status,
            ts,
            reason: why.map(str::to_owned),
        }));
    }
}

#[cfg(test)]
mod tests;
