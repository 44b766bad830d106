//! Fills against candles: resting orders meet each new bar (open, then the
//! bar's range), and close-mode orders fill at the signal bar's close.

use tesser_core::{Candle, Decimal, OrderKind, OrderStatus, Price, Quantity, Side, TimeInForce, Timestamp};

use crate::config::Role;
use crate::exchange::{PaperExchange, Resting};

const POST_ONLY: &str = "post-only order would take liquidity";

impl PaperExchange {
    /// A resting order meets a new bar; returns what is left to rest.
    pub(crate) fn bar_match(
        &mut self,
        r: Resting,
        bar: &Candle,
        out: &mut Vec<tesser_core::Event>,
    ) -> Option<Resting> {
        let req = r.request;
        let (o, h, l) = (bar.open, bar.high, bar.low);
        let hit = match (req.kind, req.side) {
            (OrderKind::Market, _) => Some((o, true, Role::Taker)),
            (OrderKind::Limit { price, post_only }, side) => {
                let gap = if side == Side::Buy { o <= price } else { o >= price };
                let touch = if side == Side::Buy { l <= price } else { h >= price };
                if gap && post_only && !r.seen {
                    self.update(&req, OrderStatus::Rejected, bar.open_time, Some(POST_ONLY), out);
                    return None;
                }
                // Marketable at its first bar: it crossed on arrival (taker).
                let role = if r.seen { Role::Maker } else { Role::Taker };
                if gap {
                    Some((o, false, role))
                } else {
                    touch.then_some((price, false, Role::Maker))
                }
            }
            (OrderKind::StopMarket { trigger }, Side::Buy) if o >= trigger => Some((o, true, Role::Taker)),
            (OrderKind::StopMarket { trigger }, Side::Buy) => {
                (h >= trigger).then_some((trigger, true, Role::Taker))
            }
            (OrderKind::StopMarket { trigger }, Side::Sell) if o <= trigger => Some((o, true, Role::Taker)),
            (OrderKind::StopMarket { trigger }, Side::Sell) => {
                (l <= trigger).then_some((trigger, true, Role::Taker))
            }
        };
        match hit {
            Some((price, slip, role)) => self.fill_on_bar(r, price, slip, role, bar, out),
            None => self.unfilled(r, bar.open_time, out),
        }
    }

    /// Close-mode arrival: fills at the bar's close when marketable there.
    pub(crate) fn close_match(
        &mut self,
        r: Resting,
        bar: &Candle,
        out: &mut Vec<tesser_core::Event>,
    ) -> Option<Resting> {
        let req = r.request;
        let c = bar.close;
        let hit = match (req.kind, req.side) {
            (OrderKind::Market, _) => Some((c, true)),
            (OrderKind::Limit { price, .. }, Side::Buy) if c <= price => Some((c, false)),
            (OrderKind::Limit { price, .. }, Side::Sell) if c >= price => Some((c, false)),
            (OrderKind::StopMarket { trigger }, Side::Buy) if c >= trigger => Some((c, true)),
            (OrderKind::StopMarket { trigger }, Side::Sell) if c <= trigger => Some((c, true)),
            _ => None,
        };
        let Some((price, slip)) = hit else {
            return self.unfilled(r, bar.open_time, out);
        };
        if matches!(req.kind, OrderKind::Limit { post_only: true, .. }) {
            self.update(&req, OrderStatus::Rejected, bar.open_time, Some(POST_ONLY), out);
            return None;
        }
        self.fill_on_bar(r, price, slip, Role::Taker, bar, out)
    }

    /// Nothing filled this time: one-shot orders end, others keep resting.
    fn unfilled(&mut self, r: Resting, ts: Timestamp, out: &mut Vec<tesser_core::Event>) -> Option<Resting> {
        if matches!(r.request.tif, TimeInForce::Ioc | TimeInForce::Fok) {
            self.update(
                &r.request,
                OrderStatus::Canceled,
                ts,
                Some("IOC/FOK not filled"),
                out,
            );
            return None;
        }
        Some(r)
    }

    /// Fills as much of `r` as reduce-only and the volume cap allow at `price`.
    fn fill_on_bar(
        &mut self,
        r: Resting,
        price: Price,
        slip: bool,
        role: Role,
        bar: &Candle,
        out: &mut Vec<tesser_core::Event>,
    ) -> Option<Resting> {
        let req = r.request;
        let ts = bar.open_time;
        let Some(allowed) = self.capped(&req, req.qty) else {
            let why = Some("reduce-only order with no position to reduce");
            self.update(&req, OrderStatus::Canceled, ts, why, out);
            return None;
        };
        let mut qty = allowed;
        if let Some(fraction) = self.config.max_volume_fraction {
            let used = self.current.get(bar.symbol).map_or(Decimal::ZERO, |c| c.used);
            let room = (fraction * bar.volume.get() - used).max(Decimal::ZERO);
            qty = qty.min(Quantity::new(room).unwrap_or(Quantity::ZERO));
            if req.tif == TimeInForce::Fok && qty < req.qty {
                self.update(&req, OrderStatus::Canceled, ts, Some("FOK: bar volume cap"), out);
                return None;
            }
        }
        if qty.is_zero() {
            return self.unfilled(r, ts, out);
        }
        let price = match (slip, req.side) {
            (false, _) => price,
            (true, Side::Buy) => price.scaled(Decimal::ONE + self.slip),
            (true, Side::Sell) => price.scaled(Decimal::ONE - self.slip),
        };
        self.record_fill(&req, price, qty, role, ts, out);
        if let Some(current) = self.current.get_mut(bar.symbol) {
            current.used += qty.get();
        }
        let cancel_rest = (allowed < req.qty).then_some("reduce-only: position smaller than the order");
        self.settle(r, qty, ts, cancel_rest, out)
    }
}
