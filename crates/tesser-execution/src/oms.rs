//! Signal-to-order translation and working-order tracking.

use std::collections::HashMap;

use tesser_core::{
    Candle, Cash, ClientOrderId, Command, Decimal, Fill, InstrumentSpec, OrderRequest, OrderUpdate, Price,
    Quantity, Side, Signal, Symbol, SymbolMap, Target, TimeInForce,
};

use crate::sizing::VolTracker;
use crate::{RiskLimits, RiskRejection, Sizer};

/// What the order manager knows of the market when a signal arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalContext {
    /// Signed position of the signal's symbol.
    pub position: Decimal,
    /// Last marked price of the symbol, if any (sizers that convert quote
    /// amounts to base units and the `min_notional` check need it).
    pub price: Option<Price>,
    /// Current portfolio equity (percent-of-equity and vol-target sizers).
    pub equity: Cash,
}

impl SignalContext {
    /// A context that knows only the position (enough for fixed-quantity
    /// sizing without instrument specs).
    #[must_use]
    pub fn position(position: Decimal) -> Self {
        Self {
            position,
            price: None,
            equity: Cash::ZERO,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Working {
    request: OrderRequest,
    remaining: Decimal,
}

/// Tracks working orders and turns target-position signals into orders.
#[derive(Debug, Clone)]
pub struct OrderManager {
    sizer: Sizer,
    limits: RiskLimits,
    /// Ids above this one and up to `next_id` were issued by this manager
    /// (or the session it resumes).
    first_id: u64,
    next_id: u64,
    working: HashMap<ClientOrderId, Working>,
    liquidate_only: bool,
    instruments: SymbolMap<InstrumentSpec>,
    vol: VolTracker,
}

impl OrderManager {
    /// A manager with the given sizer and limits; ids start after `first_id`.
    #[must_use]
    pub fn new(sizer: Sizer, limits: RiskLimits, first_id: u64) -> Self {
        Self {
            sizer,
            limits,
            first_id,
            next_id: first_id,
            working: HashMap::new(),
            liquidate_only: false,
            instruments: SymbolMap::default(),
            vol: VolTracker::new(match sizer {
                Sizer::VolTarget { lookback, .. } => lookback,
                _ => 0,
            }),
        }
    }

    /// The same manager rounding orders of the listed symbols to their
    /// instrument specs (symbols not listed are sent unrounded).
    #[must_use]
    pub fn with_instruments(mut self, instruments: SymbolMap<InstrumentSpec>) -> Self {
        self.instruments = instruments;
        self
    }

    /// The instrument spec of `symbol`, if one was given.
    #[must_use]
    pub fn instrument(&self, symbol: Symbol) -> Option<&InstrumentSpec> {
        self.instruments.get(&symbol)
    }

    /// Feeds a candle close to the vol-target sizer (a no-op for other sizers).
    pub fn on_candle(&mut self, candle: &Candle) {
        self.vol.on_candle(candle);
    }

    /// The risk limits in force.
    #[must_use]
    pub fn limits(&self) -> &RiskLimits {
        &self.limits
    }

    /// Turns on liquidate-only mode (stays on until restart).
    pub fn set_liquidate_only(&mut self) {
        self.liquidate_only = true;
    }

    /// True once the kill switch has fired.
    #[must_use]
    pub fn is_liquidate_only(&self) -> bool {
        self.liquidate_only
    }

    /// Signed size still to fill of working orders of `symbol`.
    #[must_use]
    pub fn pending(&self, symbol: Symbol) -> Decimal {
        self.working
            .values()
            .filter(|w| w.request.symbol == symbol)
            .map(|w| match w.request.side {
                Side::Buy => w.remaining,
                Side::Sell => -w.remaining,
            })
            .sum()
    }

    /// The working orders, by id.
    pub fn working(&self) -> impl Iterator<Item = &OrderRequest> {
        self.working.values().map(|w| &w.request)
    }

    /// The working orders with the size each still has to fill, sorted by id
    /// (for persistence).
    #[must_use]
    pub fn working_with_remaining(&self) -> Vec<(OrderRequest, Decimal)> {
        let mut v: Vec<(OrderRequest, Decimal)> =
            self.working.values().map(|w| (w.request, w.remaining)).collect();
        v.sort_by_key(|(r, _)| r.id);
        v
    }

    /// Tracks a working order restored from persisted state, with
    /// `remaining` still to fill.
    pub fn restore_working(&mut self, request: OrderRequest, remaining: Decimal) {
        self.next_id = self.next_id.max(request.id.0);
        self.working.insert(request.id, Working { request, remaining });
    }

    /// Translates `signal` into at most one order that moves the symbol's
    /// exposure (position plus working orders) to the target, after the risk
    /// checks. Returns the order sent, if any.
    ///
    /// A signal without a size is sized by the [`Sizer`] from `ctx` (price,
    /// equity). With an instrument spec for the symbol, the target and the
    /// order quantity are floored to the lot size, limit prices and stop
    /// triggers are rounded to the tick (see [`InstrumentSpec::round_kind`]),
    /// and an order under `min_qty` or `min_notional` is refused (except a
    /// `Flat` close, so a position can always be closed).
    ///
    /// # Errors
    /// The [`RiskRejection`] when the order fails a pre-trade check, cannot
    /// be sized, or is under the instrument's minimum.
    pub fn on_signal(
        &mut self,
        signal: &Signal,
        ctx: SignalContext,
        out: &mut Vec<Command>,
    ) -> Result<Option<OrderRequest>, RiskRejection> {
        let spec = self.instruments.get(&signal.symbol).copied();
        let size = match (signal.target, signal.size) {
            (Target::Flat, _) => Decimal::ZERO,
            (_, Some(size)) => size.get(),
            (_, None) => self
                .sizer
                .size(signal.symbol, ctx.price, ctx.equity, &self.vol)
                .map_err(RiskRejection::Sizing)?,
        };
        let size = spec.map_or(size, |s| s.floor_qty(size).get());
        let target = match signal.target {
            Target::Long => size,
            Target::Short => -size,
            Target::Flat => Decimal::ZERO,
        };
        let exposure = ctx.position + self.pending(signal.symbol);
        let delta = target - exposure;
        let side = if delta > Decimal::ZERO {
            Side::Buy
        } else {
            Side::Sell
        };
        let qty = match spec {
            // Closing orders take the whole position: a venue accepts a
            // reduce-only close of any size it let us open.
            Some(s) if signal.target != Target::Flat => s.floor_qty(delta.abs()),
            _ => Quantity::new(delta.abs()).unwrap_or(Quantity::ZERO),
        };
        if qty.is_zero() {
            return Ok(None);
        }
        let mut kind = signal.kind;
        if let Some(s) = spec {
            kind = s.round_kind(kind, side);
        }
        if let Some(s) = spec.filter(|_| signal.target != Target::Flat) {
            let price = match kind {
                tesser_core::OrderKind::Limit { price, .. } => Some(price),
                tesser_core::OrderKind::StopMarket { trigger } => Some(trigger),
                tesser_core::OrderKind::Market => ctx.price,
            };
            s.check_order(qty, price).map_err(RiskRejection::Instrument)?;
        }
        let request = OrderRequest {
            id: ClientOrderId(self.next_id + 1),
            symbol: signal.symbol,
            side,
            qty,
            kind,
            tif: TimeInForce::Gtc,
            reduce_only: signal.target == Target::Flat,
            created: signal.ts,
        };
        self.limits.check(&request, exposure, self.liquidate_only)?;
        self.next_id += 1;
        self.working.insert(
            request.id,
            Working {
                request,
                remaining: qty.get(),
            },
        );
        out.push(Command::Submit(request));
        Ok(Some(request))
    }

    /// Cancels every working order of `symbol`.
    pub fn cancel_all(&mut self, symbol: Symbol, out: &mut Vec<Command>) {
        let mut ids: Vec<ClientOrderId> = self
            .working
            .values()
            .filter(|w| w.request.symbol == symbol)
            .map(|w| w.request.id)
            .collect();
        ids.sort();
        out.extend(ids.into_iter().map(|id| Command::Cancel { symbol, id }));
    }

    /// Books a fill against its working order.
    pub fn on_fill(&mut self, fill: &Fill) {
        if let Some(w) = self.working.get_mut(&fill.order_id) {
            w.remaining -= fill.qty.get();
            if w.remaining <= Decimal::ZERO {
                self.working.remove(&fill.order_id);
            }
        }
    }

    /// Forgets orders that reached a terminal state.
    pub fn on_update(&mut self, update: &OrderUpdate) {
        if update.status.is_terminal() {
            self.working.remove(&update.id);
        }
    }

    /// True when `id` was issued by this manager or the session it resumes,
    /// so a venue event about it belongs to this portfolio (an account may
    /// carry other sessions' or hand-placed orders).
    #[must_use]
    pub fn is_own(&self, id: ClientOrderId) -> bool {
        id.0 > self.first_id && id.0 <= self.next_id
    }

    /// The id after which this session's ids start (for persistence).
    #[must_use]
    pub fn first_id(&self) -> u64 {
        self.first_id
    }

    /// Restores where the resumed session's ids started.
    pub fn restore_first_id(&mut self, first_id: u64) {
        self.first_id = first_id.min(self.next_id);
    }

    /// The id of the last order created (for persistence).
    #[must_use]
    pub fn last_id(&self) -> u64 {
        self.next_id
    }
}

#[cfg(test)]
mod tests;
