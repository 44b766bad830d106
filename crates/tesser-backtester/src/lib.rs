//! The backtest driver: replays candles, trades and order books through the sans-IO engine against the
//! paper exchange in one plain loop (no async, no channels), streaming fills,
//! round trips and per-bar equity to a [`Recorder`] so memory stays flat
//! whatever the number of bars.
//!
//! Per bar: resting orders are matched against the bar (fills at its open or
//! within its range), the engine marks the close and lets the strategy decide,
//! new orders go to the paper exchange (filled at once at the close in
//! close-fill mode), and equity is recorded once per timestamp after all bars
//! of that timestamp were handled.

mod csv_out;
mod perp;
mod report;

use tesser_core::{BookUpdate, Candle, Cash, Command, Event, Fill, OrderStatus, Timestamp, Trade};
use tesser_data::DataError;
use tesser_engine::{Engine, EngineConfig, Notice};
use tesser_paper::{PaperConfig, PaperExchange};
use tesser_portfolio::{EquityStats, RoundTrip};
use tesser_strategy::Strategy;

pub use csv_out::CsvRecorder;
pub use perp::PerpConfig;
pub use report::BacktestReport;

/// Settings of one backtest.
#[derive(Debug, Clone)]
pub struct BacktestConfig {
    /// Engine settings (cash, sizing, risk).
    pub engine: EngineConfig,
    /// Paper-exchange frictions and fill timing.
    pub paper: PaperConfig,
    /// Bars per year, to annualise the Sharpe ratio; zero or less infers it
    /// from the average spacing of the equity rows (event-driven runs).
    pub bars_per_year: f64,
    /// Perpetual-futures rules (funding, margin, liquidation); `None` = spot.
    pub perp: Option<PerpConfig>,
}

/// Receives the run's records as they happen.
pub trait Recorder {
    /// A fill.
    ///
    /// # Errors
    /// Whatever writing the record failed with.
    fn fill(&mut self, fill: &Fill) -> std::io::Result<()>;
    /// A closed round trip.
    ///
    /// # Errors
    /// Whatever writing the record failed with.
    fn round_trip(&mut self, trip: &RoundTrip) -> std::io::Result<()>;
    /// Equity at the close of a bar (one row per timestamp).
    ///
    /// # Errors
    /// Whatever writing the record failed with.
    fn equity(&mut self, ts: Timestamp, equity: Cash) -> std::io::Result<()>;
}

/// A recorder that keeps nothing (benchmarks, sweeps).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullRecorder;

impl Recorder for NullRecorder {
    fn fill(&mut self, _: &Fill) -> std::io::Result<()> {
        Ok(())
    }
    fn round_trip(&mut self, _: &RoundTrip) -> std::io::Result<()> {
        Ok(())
    }
    fn equity(&mut self, _: Timestamp, _: Cash) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why a backtest stopped.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    /// The market data was bad.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A record could not be written.
    #[error("writing results: {0}")]
    Output(#[from] std::io::Error),
}

struct Loop<'r> {
    engine: Engine,
    paper: PaperExchange,
    stats: EquityStats,
    recorder: &'r mut dyn Recorder,
    events: Vec<Event>,
    commands: Vec<Command>,
    spare_events: Vec<Event>,
    spare_commands: Vec<Command>,
    fills: u64,
    rejected: u64,
    perp: Option<perp::PerpVenue>,
}

impl Loop<'_> {
    /// Feeds queued exchange events to the engine and engine commands to the
    /// exchange until both are quiet, then drains the engine's outputs.
    #[inline]
    fn pump(&mut self) -> std::io::Result<()> {
        // Most bars leave nothing to do: keep that check inline and cheap.
        if self.events.is_empty() && self.commands.is_empty() && !self.engine.has_output() {
            return Ok(());
        }
        self.pump_busy()
    }

    fn pump_busy(&mut self) -> std::io::Result<()> {
        while !self.events.is_empty() || !self.commands.is_empty() {
            // Swap buffers instead of allocating: the hot loop stays allocation-free.
            std::mem::swap(&mut self.events, &mut self.spare_events);
            for event in self.spare_events.drain(..) {
                if let Event::Fill(fill) = &event {
                    self.fills += 1;
                    self.recorder.fill(fill)?;
                }
                self.engine.handle(&event, &mut self.commands);
            }
            std::mem::swap(&mut self.commands, &mut self.spare_commands);
            for command in self.spare_commands.drain(..) {
                if let (Command::Submit(order), Some(perp)) = (&command, &self.perp) {
                    if let Some(rejection) = perp.check_margin(order, &self.engine) {
                        self.events.push(rejection);
                        continue;
                    }
                }
                self.paper.execute(&command, &mut self.events);
            }
        }
        if self.engine.has_output() {
            for trip in self.engine.drain_round_trips() {
                self.stats.on_trip(&trip);
                self.recorder.round_trip(&trip)?;
            }
            for notice in self.engine.drain_notices() {
                let refused = match &notice {
                    Notice::RiskRejected { .. } => true,
                    Notice::OrderEnded(update) => update.status == OrderStatus::Rejected,
                    Notice::Book(_) | Notice::KillSwitch { .. } => false,
                };
                self.rejected += u64::from(refused);
            }
        }
        Ok(())
    }

    fn bar(&mut self, candle: &Candle) -> std::io::Result<()> {
        self.paper.on_candle(candle, &mut self.events);
        self.pump()?;
        if let Some(perp) = self.perp.as_mut() {
            perp.check_liquidation(candle, &self.engine, &mut self.paper, &mut self.events);
            self.pump()?;
        }
        self.engine.on_candle(candle, &mut self.commands);
        self.pump()
    }

    fn book(&mut self, update: &BookUpdate) -> std::io::Result<()> {
        self.paper.on_book(update, &mut self.events);
        self.pump()?;
        self.engine
            .handle(&Event::Book(update.clone()), &mut self.commands);
        self.pump()
    }

    fn trade(&mut self, trade: &Trade) -> std::io::Result<()> {
        self.paper.on_trade(trade, &mut self.events);
        self.pump()?;
        self.engine.handle(&Event::Trade(*trade), &mut self.commands);
        self.pump()
    }

    fn record_equity(&mut self, ts: Timestamp) -> std::io::Result<()> {
        let equity = self.engine.portfolio().equity();
        self.stats.on_equity(ts, equity);
        self.recorder.equity(ts, equity)
    }
}

/// A market record the loop replays: a candle, or any market event.
trait Replay {
    fn ts(&self) -> Timestamp;
    /// Feeds the record to the loop; false when it is not market data.
    fn replay(&self, lp: &mut Loop<'_>) -> std::io::Result<bool>;
}

impl Replay for Candle {
    #[inline]
    fn ts(&self) -> Timestamp {
        self.open_time
    }

    #[inline]
    fn replay(&self, lp: &mut Loop<'_>) -> std::io::Result<bool> {
        lp.bar(self).map(|()| true)
    }
}

impl Replay for Event {
    fn ts(&self) -> Timestamp {
        Event::ts(self)
    }

    fn replay(&self, lp: &mut Loop<'_>) -> std::io::Result<bool> {
        match self {
            Event::Candle(candle) => lp.bar(candle)?,
            Event::Book(update) => lp.book(update)?,
            Event::Trade(trade) => lp.trade(trade)?,
            Event::Fill(_) | Event::OrderUpdate(_) => return Ok(false),
        }
        Ok(true)
    }
}

/// Runs `strategy` over `feed` (candles in time order).
///
/// # Errors
/// [`BacktestError::Data`] for bad market data (naming file and line),
/// [`BacktestError::Output`] when a record cannot be written.
pub fn run(
    strategy: Box<dyn Strategy>,
    feed: impl Iterator<Item = Result<Candle, DataError>>,
    config: &BacktestConfig,
    recorder: &mut dyn Recorder,
) -> Result<BacktestReport, BacktestError> {
    drive(strategy, feed, config, recorder)
}

/// Runs `strategy` over a time-ordered stream of market events: candles,
/// public trades and order-book updates (fills and order updates in the
/// stream are ignored: the paper exchange makes its own).
///
/// # Errors
/// As [`run`].
pub fn run_events(
    strategy: Box<dyn Strategy>,
    feed: impl Iterator<Item = Result<Event, DataError>>,
    config: &BacktestConfig,
    recorder: &mut dyn Recorder,
) -> Result<BacktestReport, BacktestError> {
    drive(strategy, feed, config, recorder)
}

fn drive<T: Replay>(
    strategy: Box<dyn Strategy>,
    feed: impl Iterator<Item = Result<T, DataError>>,
    config: &BacktestConfig,
    recorder: &mut dyn Recorder,
) -> Result<BacktestReport, BacktestError> {
    let mut lp = Loop {
        engine: Engine::new(strategy, config.engine.clone()),
        paper: PaperExchange::new(config.paper),
        stats: EquityStats::default(),
        recorder,
        events: Vec::with_capacity(16),
        commands: Vec::with_capacity(16),
        spare_events: Vec::with_capacity(16),
        spare_commands: Vec::with_capacity(16),
        fills: 0,
        rejected: 0,
        perp: config.perp.clone().map(perp::PerpVenue::new),
    };
    let mut pending: Option<Timestamp> = None;
    for record in feed {
        let record = record?;
        let ts = record.ts();
        if let Some(prev) = pending.filter(|p| *p != ts) {
            lp.record_equity(prev)?;
        }
        if let Some(perp) = lp.perp.as_mut() {
            perp.charge_funding(ts, &mut lp.engine);
        }
        if record.replay(&mut lp)? {
            pending = Some(ts);
        }
    }
    if let Some(ts) = pending {
        lp.record_equity(ts)?;
    }
    let (funding, liquidations) = lp
        .perp
        .as_ref()
        .map_or((Cash::ZERO, 0), |p| (p.funding_paid, p.liquidations));
    let mut report = BacktestReport::new(&lp.engine, &lp.stats, config, lp.fills, lp.rejected);
    report.funding_paid = funding;
    report.liquidations = liquidations;
    Ok(report)
}
