//! Signal-to-order translation and working-order tracking.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tesser_core::{
    ClientOrderId, Command, Decimal, Fill, OrderRequest, OrderUpdate, Quantity, Side, Signal, Symbol, Target,
    TimeInForce,
};

use crate::{RiskLimits, RiskRejection};

/// How big a position a signal asks for when it names no size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sizer {
    /// A fixed number of base units.
    FixedQuantity(Quantity),
}

impl Sizer {
    fn size(&self) -> Quantity {
        match self {
            Sizer::FixedQuantity(q) => *q,
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
    next_id: u64,
    working: HashMap<ClientOrderId, Working>,
    liquidate_only: bool,
}

impl OrderManager {
    /// A manager with the given sizer and limits; ids start after `first_id`.
    #[must_use]
    pub fn new(sizer: Sizer, limits: RiskLimits, first_id: u64) -> Self {
        Self {
            sizer,
            limits,
            next_id: first_id,
            working: HashMap::new(),
            liquidate_only: false,
        }
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

    /// Translates `signal` into at most one order that moves the symbol's
    /// exposure (position plus working orders) to the target, after the risk
    /// checks. Returns the order sent, if any.
    ///
    /// # Errors
    /// The [`RiskRejection`] when the order fails a pre-trade check.
    pub fn on_signal(
        &mut self,
        signal: &Signal,
        position: Decimal,
        out: &mut Vec<Command>,
    ) -> Result<Option<OrderRequest>, RiskRejection> {
        let size = signal.size.unwrap_or_else(|| self.sizer.size()).get();
        let target = match signal.target {
            Target::Long => size,
            Target::Short => -size,
            Target::Flat => Decimal::ZERO,
        };
        let exposure = position + self.pending(signal.symbol);
        let delta = target - exposure;
        if delta.is_zero() {
            return Ok(None);
        }
        let side = if delta > Decimal::ZERO {
            Side::Buy
        } else {
            Side::Sell
        };
        let Ok(qty) = Quantity::new(delta.abs()) else {
            return Ok(None);
        };
        let request = OrderRequest {
            id: ClientOrderId(self.next_id + 1),
            symbol: signal.symbol,
            side,
            qty,
            kind: signal.kind,
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

    /// The id of the last order created (for persistence).
    #[must_use]
    pub fn last_id(&self) -> u64 {
        self.next_id
    }
}

#[cfg(test)]
mod tests;
