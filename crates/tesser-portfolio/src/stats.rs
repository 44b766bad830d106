//! Streaming performance statistics: constant memory whatever the run length.
//!
//! Definitions (per-bar equity marked at each close, after that bar's fills):
//! - max drawdown: largest `1 - equity / running peak`;
//! - Sharpe: mean / sample standard deviation (ddof 1) of per-bar simple
//!   returns `equity_t / equity_{t-1} - 1`, times `sqrt(bars per year)`, rf 0;
//! - win rate: share of closed round trips with net PnL > 0;
//! - profit factor: Σ winning net PnL / |Σ losing net PnL| (`None` without losses).

use serde::Serialize;
use tesser_core::{Cash, Timestamp};

use crate::RoundTrip;

/// Accumulates equity and trade statistics as the run goes.
#[derive(Debug, Clone, Default)]
pub struct EquityStats {
    bars: u64,
    first: Option<(Timestamp, Cash)>,
    last: Option<(Timestamp, Cash)>,
    peak: f64,
    prev: f64,
    max_drawdown: f64,
    returns: u64,
    mean: f64,
    m2: f64,
    trades: u64,
    wins: u64,
    gross_win: Cash,
    gross_loss: Cash,
}

/// The figures of a finished run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerformanceSummary {
    /// Bars (equity rows) seen.
    pub bars: u64,
    /// Time of the first bar.
    pub start: Option<Timestamp>,
    /// Time of the last bar.
    pub end: Option<Timestamp>,
    /// Largest peak-to-trough loss as a fraction of the peak.
    pub max_drawdown: f64,
    /// Annualised Sharpe ratio of per-bar returns (`None` with < 2 returns or zero variance).
    pub sharpe: Option<f64>,
    /// Closed round trips.
    pub closed_trades: u64,
    /// Share of closed trips with positive net PnL (`None` without trades).
    pub win_rate: Option<f64>,
    /// Gross wins over gross losses (`None` without losing trades).
    pub profit_factor: Option<f64>,
}

impl EquityStats {
    /// Records the equity at the close of a bar.
    pub fn on_equity(&mut self, ts: Timestamp, equity: Cash) {
        self.bars += 1;
        let value = equity.to_f64();
        if self.first.is_none() {
            self.first = Some((ts, equity));
            self.peak = value;
        } else if self.prev != 0.0 {
            let r = value / self.prev - 1.0;
            self.returns += 1;
            let delta = r - self.mean;
            self.mean += delta / self.returns as f64;
            self.m2 += delta * (r - self.mean);
        }
        if value > self.peak {
            self.peak = value;
        } else if self.peak > 0.0 {
            let dd = 1.0 - value / self.peak;
            if dd > self.max_drawdown {
                self.max_drawdown = dd;
            }
        }
        self.prev = value;
        self.last = Some((ts, equity));
    }

    /// Records a closed round trip.
    pub fn on_trip(&mut self, trip: &RoundTrip) {
        self.trades += 1;
        if trip.net_pnl.is_positive() {
            self.wins += 1;
            self.gross_win += trip.net_pnl;
        } else if trip.net_pnl.is_negative() {
            self.gross_loss += trip.net_pnl;
        }
    }

    /// Equity rows per 365-day year implied by the average spacing of the
    /// rows seen (0 when fewer than two rows or no time passed).
    #[must_use]
    pub fn observed_bars_per_year(&self) -> f64 {
        let (Some((start, _)), Some((end, _))) = (self.first, self.last) else {
            return 0.0;
        };
        let span = (end.as_millis() - start.as_millis()) as f64;
        if self.bars < 2 || span <= 0.0 {
            return 0.0;
        }
        (self.bars - 1) as f64 * 365.0 * 86_400_000.0 / span
    }

    /// The summary so far; `bars_per_year` annualises the Sharpe ratio.
    #[must_use]
    pub fn summary(&self, bars_per_year: f64) -> PerformanceSummary {
        let sharpe = (self.returns >= 2)
            .then(|| {
                let std = (self.m2 / (self.returns - 1) as f64).sqrt();
                (std > 0.0).then(|| self.mean / std * bars_per_year.sqrt())
            })
            .flatten();
        PerformanceSummary {
            bars: self.bars,
            start: self.first.map(|f| f.0),
            end: self.last.map(|l| l.0),
            max_drawdown: self.max_drawdown,
            sharpe,
            closed_trades: self.trades,
            win_rate: (self.trades > 0).then(|| self.wins as f64 / self.trades as f64),
            profit_factor: (self.gross_loss.is_negative())
                .then(|| self.gross_win.to_f64() / self.gross_loss.abs().to_f64()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::Decimal;

    fn eq(v: &[i64]) -> EquityStats {
        let mut s = EquityStats::default();
        for (i, e) in v.iter().enumerate() {
            s.on_equity(Timestamp::from_millis(i as i64), Cash::new(Decimal::from(*e)));
        }
        s
    }

    #[test]
    fn drawdown_and_sharpe() {
        let s = eq(&[100, 110, 99, 120, 60, 130]).summary(365.0);
        assert!((s.max_drawdown - 0.5).abs() < 1e-15);
        // returns: .1, -.1, 21/99, -.5, 7/6 ; mean and ddof-1 std by hand.
        let r = [0.1, -0.1, 21.0 / 99.0, -0.5, 7.0 / 6.0];
        let m = r.iter().sum::<f64>() / 5.0;
        let sd = (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 4.0).sqrt();
        assert!((s.sharpe.unwrap() - m / sd * 365f64.sqrt()).abs() < 1e-12);
        assert_eq!(eq(&[100, 100, 100]).summary(365.0).sharpe, None);
        // Rows 1 ms apart: 365 days of milliseconds per year.
        assert_eq!(eq(&[1, 2, 3]).observed_bars_per_year(), 365.0 * 86_400_000.0);
    }
}
