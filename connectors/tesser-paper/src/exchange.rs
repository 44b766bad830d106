//! The paper exchange's state machine: order intake, resting orders and the
//! bookkeeping every fill shares (fees, venue-side positions, volume caps).

use tesser_core::{
    BookUpdate, Candle, Cash, ClientOrderId, Command, Decimal, Event, Fill, Interval, OrderBook,
    OrderRequest, OrderStatus, OrderUpdate, Price, Quantity, Side, SymbolMap, TimeInForce, Timestamp, Trade,
};

use crate::bars::CurrentBars;
use crate::config::{FillModel, PaperConfig, Role};

/// An order waiting at the venue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resting {
    /// The order, with `qty` reduced to what is left after partial fills.
    pub(crate) request: OrderRequest,
    /// False until the order has met its first bar or book (post-only, IOC).
    pub(crate) seen: bool,
    /// Events before this time cannot fill it (latency).
    pub(crate) active_from: Timestamp,
}

/// A simulated venue that fills orders against candles or order books.
#[derive(Debug, Clone)]
pub struct PaperExchange {
    pub(crate) config: PaperConfig,
    taker_rate: Decimal,
    maker_rate: Decimal,
    pub(crate) slip: Decimal,
    pub(crate) resting: Vec<Resting>,
    pub(crate) scratch: Vec<Resting>,
    pub(crate) current: CurrentBars,
    positions: SymbolMap<Decimal>,
    pub(crate) books: SymbolMap<OrderBook>,
    liquidations: u64,
}

impl PaperExchange {
    /// A paper venue with the given frictions.
    #[must_use]
    pub fn new(config: PaperConfig) -> Self {
        let bps = Decimal::from(10_000);
        Self {
            config,
            taker_rate: config.fee_bps / bps,
            maker_rate: config.maker_fee_bps.unwrap_or(config.fee_bps) / bps,
            slip: config.slippage_bps / bps,
            resting: Vec::new(),
            scratch: Vec::new(),
            current: CurrentBars::default(),
            positions: SymbolMap::default(),
            books: SymbolMap::default(),
            liquidations: 0,
        }
    }

    /// Orders still resting.
    #[must_use]
    pub fn resting(&self) -> usize {
        self.resting.len()
    }

    /// Restores venue state after a restart (live paper trading): the
    /// position of each symbol and the orders still resting, each with its
    /// remaining size in `request.qty`. Restored orders can fill from the
    /// next bar on.
    pub fn restore(
        &mut self,
        positions: impl IntoIterator<Item = (tesser_core::Symbol, Decimal)>,
        resting: impl IntoIterator<Item = OrderRequest>,
    ) {
        for (symbol, net) in positions {
            self.positions.insert(symbol, net);
        }
        for request in resting {
            self.resting.push(Resting {
                request,
                seen: true,
                active_from: request.created,
            });
        }
    }

    /// Carries out an engine command.
    pub fn execute(&mut self, command: &Command, out: &mut Vec<Event>) {
        match command {
            Command::Submit(request) => self.submit(*request, out),
            Command::Cancel { id, .. } => self.cancel(*id, out),
        }
    }

    /// Matches resting orders of the bar's symbol against it, then makes it
    /// the symbol's current bar. Call before the engine sees the bar.
    pub fn on_candle(&mut self, candle: &Candle, out: &mut Vec<Event>) {
        self.current.set(*candle, false);
        self.work_resting(candle.symbol, candle.open_time, out, |x, r, out| {
            x.bar_match(r, candle, out)
        });
    }

    /// Works resting orders of the print's symbol against it, as a bar whose
    /// open, high, low and close are the print's price and whose volume is its
    /// size (so the volume cap applies per print). Symbols with an order book
    /// are worked against the book instead; their prints only pass by.
    pub fn on_trade(&mut self, trade: &Trade, out: &mut Vec<Event>) {
        if self.books.contains_key(&trade.symbol) {
            return;
        }
        let print = Candle {
            volume: trade.qty,
            ..Candle::flat(trade.symbol, Interval::M1, trade.ts, trade.price)
        };
        self.current.set(print, true);
        self.work_resting(trade.symbol, trade.ts, out, |x, r, out| {
            x.bar_match(r, &print, out)
        });
    }

    /// Applies an order-book update, then works resting orders of its symbol
    /// against the new book in submission order.
    pub fn on_book(&mut self, update: &BookUpdate, out: &mut Vec<Event>) {
        let book = self
            .books
            .entry(update.symbol)
            .or_insert_with(|| OrderBook::new(update.symbol));
        if book.apply(update).is_err() {
            // A gap leaves the simulated book stale; the engine reports it and
            // orders wait for the next snapshot.
            return;
        }
        self.work_resting(update.symbol, update.ts, out, |x, r, out| {
            x.book_match(r, update.ts, out)
        });
    }

    /// Offers every active resting order of `symbol` to `matcher` in
    /// submission order; the matcher returns what is left to keep resting.
    fn work_resting(
        &mut self,
        symbol: tesser_core::Symbol,
        now: Timestamp,
        out: &mut Vec<Event>,
        mut matcher: impl FnMut(&mut Self, Resting, &mut Vec<Event>) -> Option<Resting>,
    ) {
        if self.resting.is_empty() {
            return;
        }
        let mut orders = std::mem::replace(&mut self.resting, std::mem::take(&mut self.scratch));
        for r in orders.drain(..) {
            if r.request.symbol != symbol || now < r.active_from {
                self.resting.push(r);
                continue;
            }
            if let Some(left) = matcher(self, r, out) {
                self.resting.push(Resting { seen: true, ..left });
            }
        }
        self.scratch = orders;
    }

    fn submit(&mut self, request: OrderRequest, out: &mut Vec<Event>) {
        let has_book = self.books.contains_key(&request.symbol);
        let current = self.current.get(request.symbol).copied();
        let bar = current.map(|c| c.bar);
        let ts = match (has_book, bar) {
            (true, _) => self
                .books
                .get(&request.symbol)
                .map_or(request.created, OrderBook::ts),
            (false, Some(b)) => b.open_time,
            (false, None) => request.created,
        };
        if request.qty.is_zero() {
            self.update(&request, OrderStatus::Rejected, ts, Some("zero quantity"), out);
            return;
        }
        // A decision on a candle is made at the close of the current bar.
        let ticks = current.is_some_and(|c| c.ticks);
        let decided = match (has_book, bar) {
            (false, Some(b)) if !ticks => b.open_time.plus_millis(b.interval.millis()),
            _ => request.created,
        };
        let latency = i64::try_from(self.config.latency_ms).unwrap_or(i64::MAX);
        let resting = Resting {
            request,
            seen: false,
            active_from: decided.plus_millis(latency),
        };
        if self.config.fill == FillModel::Close && latency == 0 {
            let left = match (has_book, bar) {
                (true, _) => self.book_match(resting, ts, out),
                (false, Some(b)) => self.close_match(resting, &b, out),
                (false, None) => Some(resting),
            };
            if let Some(left) = left {
                if left.request.qty == request.qty {
                    self.update(&request, OrderStatus::Open, ts, None, out);
                }
                self.resting.push(Resting { seen: true, ..left });
            }
            return;
        }
        self.update(&request, OrderStatus::Open, ts, None, out);
        self.resting.push(resting);
    }

    fn cancel(&mut self, id: ClientOrderId, out: &mut Vec<Event>) {
        if let Some(pos) = self.resting.iter().position(|r| r.request.id == id) {
            let r = self.resting.remove(pos);
            let ts = self
                .current
                .get(r.request.symbol)
                .map_or(r.request.created, |c| c.bar.open_time);
            self.update(
                &r.request,
                OrderStatus::Canceled,
                ts,
                Some("cancelled on request"),
                out,
            );
        }
    }

    /// Liquidation: cancels the symbol's resting orders and closes its whole
    /// venue-side position at `price` as a taker fill (no slippage: `price`
    /// is already the adverse extreme). Fills carry ids counting down from
    /// `u64::MAX`, which no order manager issues.
    pub fn force_close(
        &mut self,
        symbol: tesser_core::Symbol,
        price: Price,
        ts: Timestamp,
        out: &mut Vec<Event>,
    ) {
        let resting = std::mem::take(&mut self.resting);
        for r in resting {
            if r.request.symbol == symbol {
                self.update(&r.request, OrderStatus::Canceled, ts, Some("liquidation"), out);
            } else {
                self.resting.push(r);
            }
        }
        let net = self.positions.get(&symbol).copied().unwrap_or_default();
        let Ok(qty) = Quantity::new(net.abs()) else { return };
        if qty.is_zero() {
            return;
        }
        self.liquidations += 1;
        let request = OrderRequest {
            id: ClientOrderId(u64::MAX - self.liquidations),
            symbol,
            side: if net > Decimal::ZERO {
                Side::Sell
            } else {
                Side::Buy
            },
            qty,
            kind: tesser_core::OrderKind::Market,
            tif: TimeInForce::Ioc,
            reduce_only: true,
            created: ts,
        };
        self.record_fill(&request, price, qty, Role::Taker, ts, out);
    }

    /// The size a reduce-only order may still fill (its own size otherwise);
    /// `None` when there is no position to reduce.
    pub(crate) fn capped(&self, req: &OrderRequest, qty: Quantity) -> Option<Quantity> {
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

    /// Emits one fill of `qty` at `price`, charging the role's fee and
    /// tracking the venue-side position.
    pub(crate) fn record_fill(
        &mut self,
        req: &OrderRequest,
        price: Price,
        qty: Quantity,
        role: Role,
        ts: Timestamp,
        out: &mut Vec<Event>,
    ) {
        let rate = match role {
            Role::Maker => self.maker_rate,
            Role::Taker => self.taker_rate,
        };
        let fee = Cash::new(rate * qty.get() * price.get());
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
            exec_id: None,
        }));
    }

    /// Finishes a fill of `filled` out of the order: a full fill ends it; a
    /// partial one keeps the rest resting unless the order is IOC/FOK (or
    /// `cancel_rest`), in which case the rest is cancelled with `why`.
    pub(crate) fn settle(
        &mut self,
        mut r: Resting,
        filled: Quantity,
        ts: Timestamp,
        cancel_rest: Option<&str>,
        out: &mut Vec<Event>,
    ) -> Option<Resting> {
        let left = r.request.qty.checked_sub(filled).unwrap_or(Quantity::ZERO);
        if left.is_zero() {
            self.update(&r.request, OrderStatus::Filled, ts, None, out);
            return None;
        }
        let one_shot = matches!(r.request.tif, TimeInForce::Ioc | TimeInForce::Fok);
        if one_shot || cancel_rest.is_some() {
            let why = cancel_rest.unwrap_or("IOC/FOK not filled");
            self.update(&r.request, OrderStatus::Canceled, ts, Some(why), out);
            return None;
        }
        r.request.qty = left;
        if !filled.is_zero() {
            self.update(&r.request, OrderStatus::PartiallyFilled, ts, None, out);
        }
        Some(r)
    }

    pub(crate) fn update(
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
mod realism_tests;
#[cfg(test)]
mod tests;
