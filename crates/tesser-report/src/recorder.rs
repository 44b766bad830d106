//! Recorders that feed reports from a running backtest.

use tesser_backtester::Recorder;
use tesser_core::{Cash, Fill, Timestamp};
use tesser_portfolio::RoundTrip;

use crate::curve::EquityCurve;
use crate::html::{render_html, HtmlReport};
use crate::metrics::{Metrics, MetricsBuilder};
use crate::monthly::MonthlyReturn;

impl Recorder for MetricsBuilder {
    fn fill(&mut self, fill: &Fill) -> std::io::Result<()> {
        self.on_fill(fill);
        Ok(())
    }
    fn round_trip(&mut self, trip: &RoundTrip) -> std::io::Result<()> {
        self.on_trip(trip);
        Ok(())
    }
    fn equity(&mut self, ts: Timestamp, equity: Cash) -> std::io::Result<()> {
        self.on_equity(ts, equity);
        Ok(())
    }
}

/// Sends every record to two recorders, the first one first.
pub struct Tee<'a> {
    first: &'a mut dyn Recorder,
    second: &'a mut dyn Recorder,
}

impl<'a> Tee<'a> {
    /// Both recorders receive every record.
    pub fn new(first: &'a mut dyn Recorder, second: &'a mut dyn Recorder) -> Self {
        Self { first, second }
    }
}

impl Recorder for Tee<'_> {
    fn fill(&mut self, fill: &Fill) -> std::io::Result<()> {
        self.first.fill(fill)?;
        self.second.fill(fill)
    }
    fn round_trip(&mut self, trip: &RoundTrip) -> std::io::Result<()> {
        self.first.round_trip(trip)?;
        self.second.round_trip(trip)
    }
    fn equity(&mut self, ts: Timestamp, equity: Cash) -> std::io::Result<()> {
        self.first.equity(ts, equity)?;
        self.second.equity(ts, equity)
    }
}

/// Trades listed in an HTML report by default; the CSV keeps them all.
pub const DEFAULT_TRADE_ROWS: usize = 1000;

/// Collects what an HTML report needs in bounded memory: streaming metrics,
/// a downsampled equity curve and the first `trade_rows` trades.
#[derive(Debug, Clone)]
pub struct ReportRecorder {
    metrics: MetricsBuilder,
    curve: EquityCurve,
    trades: Vec<RoundTrip>,
    trade_rows: usize,
    total_trades: u64,
}

/// A finished report, ready to render.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The run's metrics.
    pub metrics: Metrics,
    /// The downsampled equity curve.
    pub curve: EquityCurve,
    /// Monthly returns.
    pub monthly: Vec<MonthlyReturn>,
    /// The first trades.
    pub trades: Vec<RoundTrip>,
    /// All closed round trips.
    pub total_trades: u64,
}

impl ReportRecorder {
    /// A recorder for a run starting with `initial` cash, charting at most
    /// `buckets` buckets and listing at most `trade_rows` trades.
    #[must_use]
    pub fn new(initial: Cash, buckets: usize, trade_rows: usize) -> Self {
        Self {
            metrics: MetricsBuilder::new(initial),
            curve: EquityCurve::new(buckets),
            trades: Vec::new(),
            trade_rows,
            total_trades: 0,
        }
    }

    /// Finishes the report; see [`MetricsBuilder::finish`] for the arguments.
    #[must_use]
    pub fn finish(self, bars_per_year: f64, funding_paid: Cash) -> RunReport {
        RunReport {
            metrics: self.metrics.finish(bars_per_year, funding_paid),
            monthly: self.metrics.monthly(),
            curve: self.curve,
            trades: self.trades,
            total_trades: self.total_trades,
        }
    }
}

impl RunReport {
    /// Renders the HTML page with `title` and the run's `config` rows.
    #[must_use]
    pub fn html(&self, title: &str, config: &[(String, String)]) -> String {
        render_html(&HtmlReport {
            title,
            config,
            metrics: &self.metrics,
            curve: &self.curve,
            monthly: &self.monthly,
            trades: &self.trades,
            total_trades: self.total_trades,
        })
    }
}

impl Recorder for ReportRecorder {
    fn fill(&mut self, fill: &Fill) -> std::io::Result<()> {
        self.metrics.on_fill(fill);
        Ok(())
    }
    fn round_trip(&mut self, trip: &RoundTrip) -> std::io::Result<()> {
        self.metrics.on_trip(trip);
        self.total_trades += 1;
        if self.trades.len() < self.trade_rows {
            self.trades.push(*trip);
        }
        Ok(())
    }
    fn equity(&mut self, ts: Timestamp, equity: Cash) -> std::io::Result<()> {
        self.metrics.on_equity(ts, equity);
        self.curve.push(ts, equity);
        Ok(())
    }
}
