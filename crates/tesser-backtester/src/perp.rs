//! Perpetual-futures venue rules for backtests: funding payments, initial
//! margin on new exposure, and liquidation below maintenance margin.
//!
//! - **Funding** is charged at every multiple of `funding_interval_ms` since
//!   the epoch (Bybit: 00:00, 08:00, 16:00 UTC). Before the first event at or
//!   after a funding time, each open position pays `size x mark x rate` (longs
//!   pay a positive rate, shorts receive it) at the last mark known then. The
//!   rate is the series' last rate published at or before the funding time,
//!   else the constant rate, else nothing.
//! - **Initial margin**: an order that increases exposure is rejected by the
//!   venue when `Σ |position + working orders| x mark / leverage` over all
//!   symbols (each at its own leverage) would exceed equity.
//! - **Liquidation**: when a bar's adverse extreme (low for a long, high for a
//!   short) takes equity below `Σ |position| x price x maintenance_margin_rate`,
//!   the position is closed at that extreme as a taker fill.
//!
//! Spot mode (no [`PerpConfig`]) keeps none of these rules.

use std::collections::HashMap;
use std::sync::Arc;

use tesser_core::{
    Candle, Cash, Decimal, Event, OrderRequest, OrderStatus, OrderUpdate, Price, Side, Symbol, Timestamp,
};
use tesser_data::FundingRates;
use tesser_engine::Engine;
use tesser_paper::PaperExchange;

/// Perpetual-futures settings of a backtest.
#[derive(Debug, Clone)]
pub struct PerpConfig {
    /// Largest leverage: initial margin is notional / leverage.
    pub leverage: Decimal,
    /// Per-symbol leverage overriding `leverage`.
    pub leverage_by_symbol: HashMap<Symbol, Decimal>,
    /// Maintenance margin as a fraction of notional.
    pub maintenance_margin_rate: Decimal,
    /// Constant funding rate per interval, used where the series has none.
    pub funding_rate: Option<Decimal>,
    /// Funding-rate series by symbol.
    pub funding_rates: Option<Arc<FundingRates>>,
    /// Time between funding payments (Bybit: 8 hours).
    pub funding_interval_ms: i64,
}

impl PerpConfig {
    /// Bybit-like defaults: funding every 8 hours, 0.5% maintenance margin.
    #[must_use]
    pub fn new(leverage: Decimal) -> Self {
        Self {
            leverage,
            leverage_by_symbol: HashMap::new(),
            maintenance_margin_rate: Decimal::new(5, 3),
            funding_rate: None,
            funding_rates: None,
            funding_interval_ms: 8 * 3_600_000,
        }
    }
}

/// The venue-side state of the perpetual rules during one run.
#[derive(Debug)]
pub(crate) struct PerpVenue {
    cfg: PerpConfig,
    last: Option<Timestamp>,
    pub(crate) funding_paid: Cash,
    pub(crate) liquidations: u64,
}

impl PerpVenue {
    pub(crate) fn new(cfg: PerpConfig) -> Self {
        Self {
            cfg,
            last: None,
            funding_paid: Cash::ZERO,
            liquidations: 0,
        }
    }

    /// Charges every funding time in `(last event, now]`.
    pub(crate) fn charge_funding(&mut self, now: Timestamp, engine: &mut Engine) {
        let step = self.cfg.funding_interval_ms.max(1);
        if let Some(last) = self.last.filter(|l| *l < now) {
            let mut mark = (last.as_millis().div_euclid(step) + 1) * step;
            while mark <= now.as_millis() {
                let at = Timestamp::from_millis(mark);
                for position in engine.portfolio().open_positions() {
                    let rate = self
                        .cfg
                        .funding_rates
                        .as_ref()
                        .and_then(|r| r.rate_at(position.symbol, at))
                        .or(self.cfg.funding_rate);
                    if let Some(rate) = rate {
                        self.funding_paid += engine.apply_funding(position.symbol, rate);
                    }
                }
                mark += step;
            }
        }
        if self.last.is_none_or(|l| l < now) {
            self.last = Some(now);
        }
    }

    /// `None` when the venue accepts `order`; otherwise the rejection event.
    /// The order manager already counts `order` among the working orders.
    pub(crate) fn check_margin(&self, order: &OrderRequest, engine: &Engine) -> Option<Event> {
        let p = engine.portfolio();
        let exposure = |s: Symbol| p.net_position(s) + engine.orders().pending(s);
        let signed = if order.side == Side::Buy {
            order.qty.get()
        } else {
            -order.qty.get()
        };
        let after = exposure(order.symbol);
        if after.abs() <= (after - signed).abs() {
            return None; // reduces exposure: always allowed
        }
        let mut symbols: Vec<Symbol> = p.open_positions().iter().map(|x| x.symbol).collect();
        symbols.extend(engine.orders().working().map(|o| o.symbol));
        symbols.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        symbols.dedup();
        let leverage = |s: Symbol| {
            self.cfg
                .leverage_by_symbol
                .get(&s)
                .copied()
                .unwrap_or(self.cfg.leverage)
        };
        let required: Decimal = symbols
            .iter()
            .map(|s| {
                let notional = exposure(*s).abs() * p.mark_of(*s).map_or(Decimal::ZERO, Price::get);
                notional / leverage(*s).max(Decimal::ONE)
            })
            .sum();
        let equity = p.equity().get();
        (required > equity).then(|| {
            Event::OrderUpdate(OrderUpdate {
                id: order.id,
                symbol: order.symbol,
                status: OrderStatus::Rejected,
                ts: order.created,
                reason: Some(format!(
                    "insufficient margin: {} needed at {}x leverage on {}, equity {}",
                    required.round_dp(2),
                    leverage(order.symbol),
                    order.symbol,
                    equity.round_dp(2)
                )),
            })
        })
    }

    /// Liquidates the bar's symbol when its adverse extreme breaches
    /// maintenance margin; fills go to `out`.
    pub(crate) fn check_liquidation(
        &mut self,
        bar: &Candle,
        engine: &Engine,
        paper: &mut PaperExchange,
        out: &mut Vec<Event>,
    ) {
        let p = engine.portfolio();
        let net = p.net_position(bar.symbol);
        if net.is_zero() {
            return;
        }
        let adverse = if net > Decimal::ZERO { bar.low } else { bar.high };
        let mark = p.mark_of(bar.symbol).unwrap_or(bar.open);
        let equity = p.equity().get() + net * (adverse.get() - mark.get());
        let maintenance: Decimal = p
            .open_positions()
            .iter()
            .map(|x| {
                let price = if x.symbol == bar.symbol {
                    adverse
                } else {
                    p.mark_of(x.symbol).unwrap_or(x.avg_entry)
                };
                x.net.abs() * price.get() * self.cfg.maintenance_margin_rate
            })
            .sum();
        if equity < maintenance {
            self.liquidations += 1;
            paper.force_close(bar.symbol, adverse, bar.open_time, out);
        }
    }
}
