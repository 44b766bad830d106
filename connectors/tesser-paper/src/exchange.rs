//! The paper exchange's state machine.

use serde::{Deserialize, Serialize};
use tesser_core::SymbolMap;
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

    fn fill(&mut self, req: &OrderRequest, price: Price, slip: bool, ts: Timestamp, out: &mut Vec<Event>) {
        let position = self.positions.get(&req.symbol).copied().unwrap_or_default();
        let mut qty = req.qty;
        if req.reduce_only {
            let reducible = match req.side {
                Side::Buy if position < Decimal::ZERO => -position,
                Side::Sell if position > Decimal::ZERO => position,
                _ => Decimal::ZERO,
            };
            if reducible.is_zero() {
                self.update(
                    req,
                    OrderStatus::Canceled,
                    ts,
                    Some("reduce-only order with no position to reduce"),
                    out,
                );
                return;
            }
            qty = qty.min(Quantity::new(reducible).unwrap_or(qty));
        }
        let price = match (slip, req.side) {
            (false, _) => price,
            (true, Side::Buy) => price.scaled(Decimal::ONE + self.slip),
            (true, Side::Sell) => price.scaled(Decimal::ONE - self.slip),
        };
        let fee = Cash::new(self.fee_rate * qty.get() * price.get());
        let signed = if req.side == Side::Buy {
            qty.get()
        } else {
            -qty.get()
        };
        *self.positions.entry(req.symbol).or_default() += signed;
        out.push(Event::Fill(Fill {
            order_id: req.id,
            symbol: req.symbol,
            side: req.side,
            qty,
            price,
            fee,
            ts,
        }));
        self.update(req, OrderStatus::Filled, ts, None, out);
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
