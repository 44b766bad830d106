//! Streaming performance metrics of one run: memory does not grow with the
//! number of bars (the monthly table keeps one row per calendar month).
//!
//! Every definition is in `docs/metrics.md`. In short, with per-bar equity
//! `E_0..E_n` marked at each close and per-bar simple returns
//! `r_t = E_t / E_{t-1} - 1`:
//!
//! - Sharpe and max drawdown are [`EquityStats`]'s, unchanged;
//! - volatility is the sample standard deviation of `r_t` × √(bars per year);
//! - Sortino is `mean(r) / sqrt(mean(min(r, 0)²))` × √(bars per year);
//! - CAGR is `(final / initial)^(1 / years) - 1` with `years = bars / bars per year`;
//! - Calmar is CAGR / max drawdown.

use serde::{Deserialize, Serialize};
use tesser_core::{Cash, Decimal, Fill, Side, Symbol, Timestamp};
use tesser_portfolio::{EquityStats, RoundTrip};

use crate::monthly::{MonthlyReturn, MonthlyReturns};

/// Moments of the per-bar returns, updated one value at a time (Pébay's
/// one-pass formulas, numerically stable).
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
    downside_sq: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        let n1 = self.n as f64;
        self.n += 1;
        let n = self.n as f64;
        let delta = x - self.mean;
        let dn = delta / n;
        let dn2 = dn * dn;
        let term1 = delta * dn * n1;
        self.mean += dn;
        self.m4 += term1 * dn2 * (n * n - 3.0 * n + 3.0) + 6.0 * dn2 * self.m2 - 4.0 * dn * self.m3;
        self.m3 += term1 * dn * (n - 2.0) - 3.0 * dn * self.m2;
        self.m2 += term1;
        if x < 0.0 {
            self.downside_sq += x * x;
        }
    }

    /// Sample standard deviation (ddof 1).
    fn std(&self) -> Option<f64> {
        (self.n >= 2).then(|| (self.m2 / (self.n - 1) as f64).sqrt())
    }
}

/// Accumulates [`Metrics`] from a run's fills, round trips and per-bar equity.
#[derive(Debug, Clone)]
pub struct MetricsBuilder {
    initial: Cash,
    stats: EquityStats,
    moments: Moments,
    bars: u64,
    exposed_bars: u64,
    first: Option<Timestamp>,
    last: Option<(Timestamp, Cash)>,
    equity_sum: f64,
    peak: Option<(u64, Timestamp, Cash)>,
    longest_dd: (u64, i64),
    nets: Vec<(Symbol, Decimal)>,
    traded: Cash,
    fees: Cash,
    trips: u64,
    wins: u64,
    losses: u64,
    gross_win: Cash,
    gross_loss: Cash,
    net_sum: Cash,
    monthly: MonthlyReturns,
}

/// The metrics of a finished run. Ratios are `None` when undefined (no
/// returns, zero variance, no trades, no losses, no drawdown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Equity rows (bars) seen.
    pub bars: u64,
    /// Time of the first bar.
    pub start: Option<Timestamp>,
    /// Time of the last bar.
    pub end: Option<Timestamp>,
    /// Starting cash.
    pub initial_equity: Cash,
    /// Equity after the last bar.
    pub final_equity: Cash,
    /// `final / initial - 1`.
    pub total_return: f64,
    /// Compound annual growth rate over `bars / bars_per_year` years.
    pub cagr: Option<f64>,
    /// Annualised sample standard deviation of per-bar returns.
    pub volatility: Option<f64>,
    /// Annualised Sharpe ratio (risk-free 0), as [`EquityStats`] computes it.
    pub sharpe: Option<f64>,
    /// Annualised Sortino ratio (target 0).
    pub sortino: Option<f64>,
    /// CAGR / max drawdown.
    pub calmar: Option<f64>,
    /// Largest `1 - equity / running peak`.
    pub max_drawdown: f64,
    /// Longest time under water, in bars: from a peak to the bar that regains
    /// it, or to the last bar when it is never regained.
    pub max_drawdown_bars: u64,
    /// The same span in days of calendar time.
    pub max_drawdown_days: f64,
    /// Share of bars that ended with a position open.
    pub exposure: f64,
    /// Σ |fill notional| / mean equity over the run.
    pub turnover: f64,
    /// Σ |fill notional|.
    pub traded_notional: Cash,
    /// Closed round trips.
    pub trades: u64,
    /// Share of round trips with net PnL > 0.
    pub win_rate: Option<f64>,
    /// Σ winning net PnL / |Σ losing net PnL|.
    pub profit_factor: Option<f64>,
    /// Mean net PnL of winning trips.
    pub average_win: Option<Cash>,
    /// Mean net PnL of losing trips (negative).
    pub average_loss: Option<Cash>,
    /// Mean net PnL per trip.
    pub expectancy: Option<Cash>,
    /// Fees paid (negative for net rebates).
    pub fees: Cash,
    /// Funding paid on perpetual positions (negative when received).
    pub funding_paid: Cash,
    /// Number of per-bar returns.
    pub returns: u64,
    /// Mean / sample std of per-bar returns, not annualised (for the deflated Sharpe ratio).
    pub sharpe_per_bar: Option<f64>,
    /// Skewness of per-bar returns (population, `m3 / m2^1.5`).
    pub skewness: Option<f64>,
    /// Kurtosis of per-bar returns (population, non-excess: 3 for a normal).
    pub kurtosis: Option<f64>,
}

/// Names accepted by [`Metrics::get`], for sorting sweeps.
pub const METRIC_NAMES: &[&str] = &[
    "total_return",
    "cagr",
    "volatility",
    "sharpe",
    "sortino",
    "calmar",
    "max_drawdown",
    "max_drawdown_bars",
    "exposure",
    "turnover",
    "trades",
    "win_rate",
    "profit_factor",
    "expectancy",
    "fees",
    "final_equity",
];

const MS_PER_DAY: f64 = 86_400_000.0;

fn dec_f64(d: Decimal) -> f64 {
    Cash::new(d).to_f64()
}

impl Metrics {
    /// The metric called `name` (one of [`METRIC_NAMES`]) as a number;
    /// `None` when it is undefined for this run or the name is unknown.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<f64> {
        match name {
            "total_return" => Some(self.total_return),
            "cagr" => self.cagr,
            "volatility" => self.volatility,
            "sharpe" => self.sharpe,
            "sortino" => self.sortino,
            "calmar" => self.calmar,
            "max_drawdown" => Some(self.max_drawdown),
            "max_drawdown_bars" => Some(self.max_drawdown_bars as f64),
            "exposure" => Some(self.exposure),
            "turnover" => Some(self.turnover),
            "trades" => Some(self.trades as f64),
            "win_rate" => self.win_rate,
            "profit_factor" => self.profit_factor,
            "expectancy" => self.expectancy.map(Cash::to_f64),
            "fees" => Some(self.fees.to_f64()),
            "final_equity" => Some(self.final_equity.to_f64()),
            _ => None,
        }
    }
}

impl MetricsBuilder {
    /// A builder for a run that starts with `initial` cash.
    #[must_use]
    pub fn new(initial: Cash) -> Self {
        Self {
            initial,
            stats: EquityStats::default(),
            moments: Moments::default(),
            bars: 0,
            exposed_bars: 0,
            first: None,
            last: None,
            equity_sum: 0.0,
            peak: None,
            longest_dd: (0, 0),
            nets: Vec::new(),
            traded: Cash::ZERO,
            fees: Cash::ZERO,
            trips: 0,
            wins: 0,
            losses: 0,
            gross_win: Cash::ZERO,
            gross_loss: Cash::ZERO,
            net_sum: Cash::ZERO,
            monthly: MonthlyReturns::new(initial),
        }
    }

    /// Records a fill: its notional, its fee and the position it changes.
    pub fn on_fill(&mut self, fill: &Fill) {
        self.traded += fill.price * fill.qty;
        self.fees += fill.fee;
        let signed = match fill.side {
            Side::Buy => fill.qty.get(),
            Side::Sell => -fill.qty.get(),
        };
        match self.nets.iter_mut().find(|(s, _)| *s == fill.symbol) {
            Some((_, net)) => *net += signed,
            None => self.nets.push((fill.symbol, signed)),
        }
    }

    /// Records a closed round trip.
    pub fn on_trip(&mut self, trip: &RoundTrip) {
        self.stats.on_trip(trip);
        self.trips += 1;
        self.net_sum += trip.net_pnl;
        if trip.net_pnl.is_positive() {
            self.wins += 1;
            self.gross_win += trip.net_pnl;
        } else if trip.net_pnl.is_negative() {
            self.losses += 1;
            self.gross_loss += trip.net_pnl;
        }
    }

    /// Records the equity at the close of a bar, after that bar's fills.
    pub fn on_equity(&mut self, ts: Timestamp, equity: Cash) {
        self.stats.on_equity(ts, equity);
        let value = equity.to_f64();
        if let Some((_, prev)) = self.last {
            let prev = prev.to_f64();
            if prev != 0.0 {
                self.moments.push(value / prev - 1.0);
            }
        }
        let bar = self.bars;
        self.bars += 1;
        if self.nets.iter().any(|(_, n)| !n.is_zero()) {
            self.exposed_bars += 1;
        }
        self.equity_sum += value;
        self.first.get_or_insert(ts);
        match self.peak {
            Some((_, _, peak)) if equity < peak => {}
            Some((pbar, pts, _)) => {
                self.note_underwater(bar - pbar, ts.as_millis() - pts.as_millis());
                self.peak = Some((bar, ts, equity));
            }
            None => self.peak = Some((bar, ts, equity)),
        }
        self.monthly.on_equity(ts, equity);
        self.last = Some((ts, equity));
    }

    fn note_underwater(&mut self, bars: u64, millis: i64) {
        if bars > self.longest_dd.0 {
            self.longest_dd = (bars, millis);
        }
    }

    /// The monthly returns so far (the current month included).
    #[must_use]
    pub fn monthly(&self) -> Vec<MonthlyReturn> {
        self.monthly.rows()
    }

    /// The metrics so far. `bars_per_year` annualises; `funding_paid` is the
    /// run's funding total (zero for spot).
    #[must_use]
    pub fn finish(&self, bars_per_year: f64, funding_paid: Cash) -> Metrics {
        let summary = self.stats.summary(bars_per_year);
        let m = &self.moments;
        let ann = bars_per_year.sqrt();
        let final_equity = self.last.map_or(self.initial, |l| l.1);
        let growth = (!self.initial.get().is_zero()).then(|| final_equity.get() / self.initial.get());
        let total_return = growth.map_or(0.0, |g| dec_f64(g - Decimal::ONE));
        let years = self.bars as f64 / bars_per_year;
        let cagr = match growth {
            Some(g) if years > 0.0 && g > Decimal::ZERO => Some(dec_f64(g).powf(1.0 / years) - 1.0),
            Some(_) if years > 0.0 => Some(-1.0),
            _ => None,
        };
        let std = m.std().filter(|s| *s > 0.0);
        let downside = (m.n > 0).then(|| (m.downside_sq / m.n as f64).sqrt());
        let mut longest = self.longest_dd;
        if let (Some((pbar, pts, _)), Some((ts, _))) = (self.peak, self.last) {
            let bars = self.bars - 1 - pbar;
            if bars > longest.0 {
                longest = (bars, ts.as_millis() - pts.as_millis());
            }
        }
        let mean_equity = if self.bars > 0 {
            self.equity_sum / self.bars as f64
        } else {
            0.0
        };
        let traded = self.traded.to_f64();
        let avg = |sum: Cash, n: u64| (n > 0).then(|| Cash::new((sum.get() / Decimal::from(n)).round_dp(8)));
        let population_m2 = (m.n > 0).then(|| m.m2 / m.n as f64).filter(|v| *v > 0.0);
        Metrics {
            bars: self.bars,
            start: self.first,
            end: self.last.map(|l| l.0),
            initial_equity: self.initial,
            final_equity,
            total_return,
            cagr,
            volatility: m.std().map(|s| s * ann),
            sharpe: summary.sharpe,
            sortino: downside.filter(|d| *d > 0.0).map(|d| m.mean / d * ann),
            calmar: cagr
                .filter(|_| summary.max_drawdown > 0.0)
                .map(|c| c / summary.max_drawdown),
            max_drawdown: summary.max_drawdown,
            max_drawdown_bars: longest.0,
            max_drawdown_days: longest.1 as f64 / MS_PER_DAY,
            exposure: if self.bars > 0 {
                self.exposed_bars as f64 / self.bars as f64
            } else {
                0.0
            },
            turnover: if mean_equity > 0.0 {
                traded / mean_equity
            } else {
                0.0
            },
            traded_notional: self.traded,
            trades: self.trips,
            win_rate: summary.win_rate,
            profit_factor: summary.profit_factor,
            average_win: avg(self.gross_win, self.wins),
            average_loss: avg(self.gross_loss, self.losses),
            expectancy: avg(self.net_sum, self.trips),
            fees: self.fees,
            funding_paid,
            returns: m.n,
            sharpe_per_bar: std.map(|s| m.mean / s),
            skewness: population_m2.map(|v| m.m3 / m.n as f64 / v.powf(1.5)),
            kurtosis: population_m2.map(|v| m.m4 / m.n as f64 / (v * v)),
        }
    }
}

#[cfg(test)]
mod tests;
