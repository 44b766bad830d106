//! The synchronous heart of a live run: the engine plus, in paper mode, the
//! simulated venue. No I/O and no clock: the runtime feeds it candles and venue
//! events and carries out the commands it leaves in its outbox.

use std::collections::HashSet;

use tesser_core::{Candle, Command, Event, Fill, OrderStatus, Symbol, SymbolMap, Timestamp};
use tesser_engine::{Engine, Notice};
use tesser_paper::PaperExchange;

/// Identity of a fill across restarts: the venue may report an execution
/// again after a reconnect, and a replayed bar re-creates the same fill. The
/// venue's execution id keeps two equal executions of one order apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FillKey {
    order: u64,
    ts: i64,
    qty: tesser_core::Decimal,
    price: tesser_core::Decimal,
    exec: Option<u64>,
}

impl FillKey {
    pub(crate) fn of(fill: &Fill) -> Self {
        Self {
            order: fill.order_id.0,
            ts: fill.ts.as_millis(),
            qty: fill.qty.get().normalize(),
            price: fill.price.get().normalize(),
            exec: fill.exec_id,
        }
    }
}

/// What one step changed, for metrics, alerts and the state journal.
#[derive(Debug, Default)]
pub struct StepOutput {
    /// Fills booked in this step (journal them with the snapshot).
    pub fills: Vec<Fill>,
    /// Orders handed to the venue (paper) or left in the outbox (live).
    pub orders: u64,
    /// Orders refused by the risk checks or rejected by the venue.
    pub rejected: u64,
    /// Engine notices (risk rejections, ended orders, kill switch).
    pub notices: Vec<Notice>,
}

/// The engine and, in paper mode, the simulated venue it trades against.
pub struct Session {
    engine: Engine,
    paper: Option<PaperExchange>,
    events: Vec<Event>,
    commands: Vec<Command>,
    outbox: Vec<Command>,
    last_candles: SymbolMap<Timestamp>,
    booked: HashSet<FillKey>,
    output: StepOutput,
}

impl Session {
    /// A session around `engine`; `paper` is the simulated venue, `None` when
    /// orders go to a real one (they wait in [`take_outbox`](Self::take_outbox)).
    #[must_use]
    pub fn new(engine: Engine, paper: Option<PaperExchange>) -> Self {
        Self {
            engine,
            paper,
            events: Vec::new(),
            commands: Vec::new(),
            outbox: Vec::new(),
            last_candles: SymbolMap::default(),
            booked: HashSet::new(),
            output: StepOutput::default(),
        }
    }

    /// The engine.
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, to restore state before the run starts.
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// The simulated venue, in paper mode.
    pub fn paper_mut(&mut self) -> Option<&mut PaperExchange> {
        self.paper.as_mut()
    }

    /// Open time of the last candle processed for `symbol`.
    #[must_use]
    pub fn last_candle(&self, symbol: Symbol) -> Option<Timestamp> {
        self.last_candles.get(&symbol).copied()
    }

    /// Last processed candle per symbol, sorted by symbol name.
    #[must_use]
    pub fn last_candles(&self) -> Vec<(Symbol, Timestamp)> {
        let mut v: Vec<(Symbol, Timestamp)> = self.last_candles.iter().map(|(s, t)| (*s, *t)).collect();
        v.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        v
    }

    /// Records that candles of `symbol` up to `open_time` were processed
    /// (restored state).
    pub fn set_last_candle(&mut self, symbol: Symbol, open_time: Timestamp) {
        self.last_candles.insert(symbol, open_time);
    }

    /// Remembers fills already booked (restored from the journal) so a venue
    /// that reports them again does not book them twice.
    pub fn remember_fills<'a>(&mut self, fills: impl IntoIterator<Item = &'a Fill>) {
        self.booked.extend(fills.into_iter().map(FillKey::of));
    }

    /// True when `candle` is newer than the last one processed for its symbol.
    #[must_use]
    pub fn is_new(&self, candle: &Candle) -> bool {
        self.last_candle(candle.symbol)
            .is_none_or(|last| candle.open_time > last)
    }

    /// Shows a historical candle to the strategy (indicators only, no
    /// orders); live bars up to it will not be processed again.
    pub fn warm_up(&mut self, candle: &Candle) {
        self.engine.warm_up(candle);
        if self.is_new(candle) {
            self.last_candles.insert(candle.symbol, candle.open_time);
        }
    }

    /// Processes a closed candle: in paper mode the venue first matches
    /// resting orders against it (as in a backtest), then the engine and the
    /// strategy see it. Returns `false` (and does nothing) for a candle not
    /// newer than the last one of its symbol.
    pub fn on_candle(&mut self, candle: &Candle) -> bool {
        if !self.is_new(candle) {
            return false;
        }
        if let Some(paper) = self.paper.as_mut() {
            paper.on_candle(candle, &mut self.events);
            self.pump();
        }
        self.engine.on_candle(candle, &mut self.commands);
        self.pump();
        self.last_candles.insert(candle.symbol, candle.open_time);
        true
    }

    /// Processes a public trade or order-book update: in paper mode the
    /// venue first works resting orders against it, then the engine and the
    /// strategy see it. Other events are ignored.
    pub fn on_market_event(&mut self, event: &Event) {
        match (event, self.paper.as_mut()) {
            (Event::Trade(trade), Some(paper)) => paper.on_trade(trade, &mut self.events),
            (Event::Book(update), Some(paper)) => paper.on_book(update, &mut self.events),
            (Event::Trade(_) | Event::Book(_), None) => {}
            _ => return,
        }
        self.pump();
        self.engine.handle(event, &mut self.commands);
        self.pump();
    }

    /// Books an event reported by a real venue (fill or order update); a fill
    /// booked before, or an event about an order this session did not place
    /// (another session or a hand-placed order on the same account), is
    /// ignored. Returns `false` when it was ignored.
    pub fn on_venue_event(&mut self, event: &Event) -> bool {
        let id = match event {
            Event::Fill(f) => Some(f.order_id),
            Event::OrderUpdate(u) => Some(u.id),
            _ => None,
        };
        if let Some(id) = id.filter(|id| !self.engine.orders().is_own(*id)) {
            tracing::warn!(
                order = id.0,
                "venue event about an order this session did not place; not booked"
            );
            return false;
        }
        if let Event::Fill(fill) = event {
            if !self.booked.insert(FillKey::of(fill)) {
                return false;
            }
            self.output.fills.push(*fill);
        }
        self.engine.handle(event, &mut self.commands);
        self.pump();
        true
    }

    /// True when nothing waits in the outbox or the step output (no orders,
    /// fills or notices since the last [`take_output`](Self::take_output)).
    #[must_use]
    pub fn is_quiet(&self) -> bool {
        self.outbox.is_empty()
            && self.output.fills.is_empty()
            && self.output.orders == 0
            && !self.engine.has_output()
    }

    /// Commands waiting for a real venue (always empty in paper mode).
    pub fn take_outbox(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.outbox)
    }

    /// What happened since the last call.
    pub fn take_output(&mut self) -> StepOutput {
        let mut out = std::mem::take(&mut self.output);
        out.notices = self.engine.drain_notices().collect();
        out.rejected += out
            .notices
            .iter()
            .filter(|n| match n {
                Notice::RiskRejected { .. } => true,
                Notice::OrderEnded(update) => update.status == OrderStatus::Rejected,
                Notice::Book(_) | Notice::KillSwitch { .. } => false,
            })
            .count() as u64;
        // Round trips are visible through the fills journal and the portfolio.
        self.engine.drain_round_trips().for_each(drop);
        out
    }

    /// Feeds venue events to the engine and engine commands to the venue (or
    /// the outbox) until both are quiet.
    fn pump(&mut self) {
        while !self.events.is_empty() || !self.commands.is_empty() {
            for event in std::mem::take(&mut self.events) {
                if let Event::Fill(fill) = &event {
                    self.booked.insert(FillKey::of(fill));
                    self.output.fills.push(*fill);
                }
                self.engine.handle(&event, &mut self.commands);
            }
            for command in std::mem::take(&mut self.commands) {
                if matches!(command, Command::Submit(_)) {
                    self.output.orders += 1;
                }
                match self.paper.as_mut() {
                    Some(paper) => paper.execute(&command, &mut self.events),
                    None => self.outbox.push(command),
                }
            }
        }
    }
}
