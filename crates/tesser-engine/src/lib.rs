//! The sans-IO engine: `handle(event) -> commands`.
//!
//! One synchronous state machine owns the strategy, the portfolio, the order
//! manager and the pre-trade risk checks. It does no I/O and reads no clock:
//! time comes from events. The backtester drives it in a plain loop and the
//! live runtime drives the same code from async tasks, so the two cannot drift
//! apart.

use tesser_core::SymbolMap;
use tesser_core::{
    BookError, Candle, Cash, Command, Decimal, Event, Fill, InstrumentSpec, OrderBook, OrderRequest,
    OrderStatus, OrderUpdate, Signal, Symbol, Target,
};
use tesser_execution::{OrderManager, RiskLimits, RiskRejection, SignalContext, Sizer};
use tesser_portfolio::{Portfolio, RoundTrip};
use tesser_strategy::{Context, Strategy};

/// Settings of an engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Starting cash.
    pub initial_equity: Cash,
    /// Order size when a signal names none.
    pub sizer: Sizer,
    /// Pre-trade limits and the kill switch.
    pub limits: RiskLimits,
    /// Tick, lot and minimum-order rules per symbol; orders of symbols not
    /// listed are sent unrounded.
    pub instruments: SymbolMap<InstrumentSpec>,
}

/// Something the driver should report (log, alert, count).
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A signal's order failed a pre-trade risk check.
    RiskRejected {
        /// The signal.
        signal: Signal,
        /// Why.
        reason: RiskRejection,
    },
    /// The venue rejected or cancelled an order.
    OrderEnded(OrderUpdate),
    /// An order-book update could not be applied (resync needed).
    Book(BookError),
    /// Drawdown passed the limit: only exposure-reducing orders from now on.
    KillSwitch {
        /// Drawdown from the peak as a fraction.
        drawdown: Decimal,
    },
}

/// The trading engine.
pub struct Engine {
    strategy: Box<dyn Strategy>,
    portfolio: Portfolio,
    oms: OrderManager,
    books: SymbolMap<OrderBook>,
    signals: Vec<Signal>,
    trips: Vec<RoundTrip>,
    notices: Vec<Notice>,
    peak: Cash,
}

impl Engine {
    /// An engine running `strategy` with a fresh portfolio.
    #[must_use]
    pub fn new(strategy: Box<dyn Strategy>, config: EngineConfig) -> Self {
        let portfolio = Portfolio::new(config.initial_equity);
        Self::with_state(strategy, config, portfolio, 0)
    }

    /// An engine resuming from a restored portfolio and order-id counter.
    #[must_use]
    pub fn with_state(
        strategy: Box<dyn Strategy>,
        config: EngineConfig,
        portfolio: Portfolio,
        last_id: u64,
    ) -> Self {
        let peak = portfolio.equity().max(config.initial_equity);
        Self {
            strategy,
            portfolio,
            oms: OrderManager::new(config.sizer, config.limits, last_id).with_instruments(config.instruments),
            books: SymbolMap::default(),
            signals: Vec::with_capacity(8),
            trips: Vec::new(),
            notices: Vec::new(),
            peak,
        }
    }

    /// Lets the strategy see one event and routes its signals.
    fn dispatch(&mut self, event: &Event, out: &mut Vec<Command>) {
        let now = event.ts();
        let portfolio = &self.portfolio;
        let positions = |s: Symbol| portfolio.net_position(s);
        let ctx = Context::new(now, &positions);
        match event {
            Event::Candle(candle) => {
                self.strategy.on_candle(&ctx, candle, &mut self.signals);
            }
            Event::Trade(trade) => {
                self.strategy.on_trade(&ctx, trade, &mut self.signals);
            }
            Event::Book(update) => {
                let book = self
                    .books
                    .entry(update.symbol)
                    .or_insert_with(|| OrderBook::new(update.symbol));
                match book.apply(update) {
                    Ok(()) => self.strategy.on_book(&ctx, book, &mut self.signals),
                    Err(e) => self.notices.push(Notice::Book(e)),
                }
            }
            Event::Fill(fill) => {
                self.strategy.on_fill(&ctx, fill, &mut self.signals);
            }
            Event::OrderUpdate(update) => {
                self.oms.on_update(update);
                if matches!(update.status, OrderStatus::Rejected | OrderStatus::Canceled) {
                    self.notices.push(Notice::OrderEnded(update.clone()));
                }
            }
        }
        if !self.signals.is_empty() {
            self.route_signals(out);
        }
    }

    /// Marks a price before the strategy sees the event; call for market events.
    fn mark(&mut self, event: &Event) {
        match event {
            Event::Candle(candle) => {
                self.portfolio.mark(candle.symbol, candle.close);
                self.oms.on_candle(candle);
            }
            Event::Trade(t) => self.portfolio.mark(t.symbol, t.price),
            Event::Book(u) => {
                if let Some(book) = self.books.get(&u.symbol) {
                    if let (Some(b), Some(a)) = (book.best_bid(), book.best_ask()) {
                        let mid = (b.price.get() + a.price.get()) / Decimal::TWO;
                        if let Ok(mid) = tesser_core::Price::new(mid) {
                            self.portfolio.mark(u.symbol, mid);
                        }
                    }
                }
            }
            Event::Fill(_) | Event::OrderUpdate(_) => {}
        }
    }

    /// Books a fill in the portfolio and the order manager, then lets the
    /// strategy react.
    fn handle_fill(&mut self, fill: &Fill, out: &mut Vec<Command>) {
        if let Some(trip) = self.portfolio.apply_fill(fill) {
            self.trips.push(trip);
        }
        self.oms.on_fill(fill);
        self.dispatch(&Event::Fill(*fill), out);
    }

    /// Handles one event and appends the resulting commands to `out`. Fills
    /// are booked before the strategy sees them; market events mark prices
    /// and check the kill switch first.
    pub fn handle(&mut self, event: &Event, out: &mut Vec<Command>) {
        match event {
            Event::Fill(fill) => self.handle_fill(fill, out),
            Event::Candle(candle) => self.on_candle(candle, out),
            Event::Book(_) => {
                self.dispatch(event, out);
                self.mark(event);
                self.check_drawdown();
            }
            _ => {
                self.mark(event);
                self.check_drawdown();
                self.dispatch(event, out);
            }
        }
    }

    /// Shows a historical candle to the strategy to build up its indicators
    /// (live start-up): marks the price, discards any signal, sends no order.
    pub fn warm_up(&mut self, candle: &Candle) {
        self.portfolio.mark(candle.symbol, candle.close);
        self.oms.on_candle(candle);
        let portfolio = &self.portfolio;
        let positions = |s: Symbol| portfolio.net_position(s);
        let ctx = Context::new(candle.open_time, &positions);
        self.strategy.on_candle(&ctx, candle, &mut self.signals);
        self.signals.clear();
    }

    /// Tells the strategy what is actually held (after a warm-up, where its
    /// signals went nowhere, or a restart); see [`Strategy::sync_positions`].
    pub fn sync_strategy(&mut self) {
        let portfolio = &self.portfolio;
        self.strategy.sync_positions(&|s| portfolio.net_position(s));
    }

    /// Highest equity seen (the drawdown kill switch's reference).
    #[must_use]
    pub fn peak_equity(&self) -> Cash {
        self.peak
    }

    /// Restores persisted risk state: the equity peak and whether the kill
    /// switch had fired (it stays on across restarts).
    pub fn restore_risk(&mut self, peak: Cash, liquidate_only: bool) {
        self.peak = self.peak.max(peak);
        if liquidate_only {
            self.oms.set_liquidate_only();
        }
    }

    /// Tracks a working order restored from persisted state.
    pub fn restore_order(&mut self, request: OrderRequest, remaining: Decimal) {
        self.oms.restore_working(request, remaining);
    }

    /// Restores where the resumed session's order ids started (see
    /// [`OrderManager::is_own`]).
    pub fn restore_first_order_id(&mut self, first_id: u64) {
        self.oms.restore_first_id(first_id);
    }

    /// Handles one candle, like [`handle`](Self::handle) with
    /// `Event::Candle` but without wrapping it (the backtest's per-bar path).
    #[inline]
    pub fn on_candle(&mut self, candle: &Candle, out: &mut Vec<Command>) {
        self.portfolio.mark(candle.symbol, candle.close);
        self.oms.on_candle(candle);
        self.check_drawdown();
        let portfolio = &self.portfolio;
        let positions = |s: Symbol| portfolio.net_position(s);
        let ctx = Context::new(candle.open_time, &positions);
        self.strategy.on_candle(&ctx, candle, &mut self.signals);
        if !self.signals.is_empty() {
            self.route_signals(out);
        }
    }

    #[inline]
    fn check_drawdown(&mut self) {
        if self.oms.limits().max_drawdown.is_some() {
            self.track_drawdown();
        }
    }

    fn track_drawdown(&mut self) {
        let equity = self.portfolio.equity();
        if equity > self.peak {
            self.peak = equity;
            return;
        }
        let (Some(limit), false) = (self.oms.limits().max_drawdown, self.oms.is_liquidate_only()) else {
            return;
        };
        if self.peak.is_positive() {
            let drawdown = Decimal::ONE - equity.get() / self.peak.get();
            if drawdown > limit {
                self.oms.set_liquidate_only();
                self.notices.push(Notice::KillSwitch { drawdown });
            }
        }
    }

    fn route_signals(&mut self, out: &mut Vec<Command>) {
        for signal in self.signals.drain(..) {
            let ctx = SignalContext {
                position: self.portfolio.net_position(signal.symbol),
                price: self.portfolio.mark_of(signal.symbol),
                equity: self.portfolio.equity(),
            };
            if let Err(reason) = self.oms.on_signal(&signal, ctx, out) {
                self.notices.push(Notice::RiskRejected { signal, reason });
            }
        }
    }

    /// Flattens every open position with market orders (used on shutdown or
    /// by an operator); cancels working orders first.
    pub fn flatten_all(&mut self, now: tesser_core::Timestamp, out: &mut Vec<Command>) {
        for position in self.portfolio.open_positions() {
            self.oms.cancel_all(position.symbol, out);
            self.signals
                .push(Signal::market(position.symbol, Target::Flat, now));
        }
        self.route_signals(out);
    }

    /// Books a perpetual-futures funding payment at `rate` on the open
    /// position of `symbol` (see [`Portfolio::apply_funding`]); returns the
    /// amount paid.
    pub fn apply_funding(&mut self, symbol: Symbol, rate: Decimal) -> Cash {
        self.portfolio.apply_funding(symbol, rate)
    }

    /// The portfolio.
    #[must_use]
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
    }

    /// The order manager.
    #[must_use]
    pub fn orders(&self) -> &OrderManager {
        &self.oms
    }

    /// The strategy.
    #[must_use]
    pub fn strategy(&self) -> &dyn Strategy {
        self.strategy.as_ref()
    }

    /// True when round trips or notices wait to be drained.
    #[inline]
    #[must_use]
    pub fn has_output(&self) -> bool {
        !self.trips.is_empty() || !self.notices.is_empty()
    }

    /// Round trips closed since the last call.
    pub fn drain_round_trips(&mut self) -> std::vec::Drain<'_, RoundTrip> {
        self.trips.drain(..)
    }

    /// Notices raised since the last call.
    pub fn drain_notices(&mut self) -> std::vec::Drain<'_, Notice> {
        self.notices.drain(..)
    }
}

#[cfg(test)]
mod tests;
