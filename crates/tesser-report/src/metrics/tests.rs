//! Metrics on hand-built series; expected numbers are worked out by hand in
//! the comments (and in docs/metrics.md), never printed by this code.

use tesser_core::{ClientOrderId, Price, Quantity};
use tesser_portfolio::Direction;

use super::*;

const DAY: i64 = 86_400_000;
/// 2024-01-30T00:00:00Z.
const JAN30: i64 = 1_706_572_800_000;

fn d(v: i64) -> Decimal {
    Decimal::from(v)
}

fn fill(side: Side, qty: i64, price: i64, fee: i64, ts: i64) -> Fill {
    Fill {
        order_id: ClientOrderId(1),
        symbol: Symbol::new("BTCUSD"),
        side,
        qty: Quantity::new(d(qty)).unwrap(),
        price: Price::new(d(price)).unwrap(),
        fee: Cash::new(d(fee)),
        ts: Timestamp::from_millis(ts),
        exec_id: None,
    }
}

fn trip(net: i64) -> RoundTrip {
    RoundTrip {
        symbol: Symbol::new("BTCUSD"),
        direction: Direction::Long,
        qty: Quantity::new(Decimal::ONE).unwrap(),
        entry_time: Timestamp::from_millis(0),
        entry_price: Price::new(d(100)).unwrap(),
        exit_time: Timestamp::from_millis(0),
        exit_price: Price::new(d(100)).unwrap(),
        gross_pnl: Cash::new(d(net)),
        fees: Cash::ZERO,
        net_pnl: Cash::new(d(net)),
    }
}

/// Equity 100, 120, 90, 90, 135 on 2024-01-30, 01-31, 02-01, 02-02, 03-01;
/// a buy of 1 @ 100 before bar 1 and a sell of 1 @ 90 before bar 3, fee 1
/// each; trips with net PnL +30, -10, -20, 0.
fn sample() -> MetricsBuilder {
    let mut m = MetricsBuilder::new(Cash::new(d(100)));
    let days = [0, 1, 2, 3, 31];
    let equity = [100, 120, 90, 90, 135];
    for (i, (day, e)) in days.iter().zip(equity).enumerate() {
        let ts = JAN30 + day * DAY;
        if i == 1 {
            m.on_fill(&fill(Side::Buy, 1, 100, 1, ts));
        }
        if i == 3 {
            m.on_fill(&fill(Side::Sell, 1, 90, 1, ts));
        }
        m.on_equity(Timestamp::from_millis(ts), Cash::new(d(e)));
    }
    for net in [30, -10, -20, 0] {
        m.on_trip(&trip(net));
    }
    m
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn returns_and_risk() {
    // 4 bars a year; returns .2, -.25, 0, .5; mean .1125.
    let m = sample().finish(4.0, Cash::ZERO);
    assert_eq!((m.bars, m.returns), (5, 4));
    assert!(close(m.total_return, 0.35));
    // deviations .0875, -.3625, -.1125, .3875; squares sum to .301875.
    let std = (0.301_875_f64 / 3.0).sqrt();
    assert!(close(m.volatility.unwrap(), std * 2.0));
    assert!(close(m.sharpe.unwrap(), 0.1125 / std * 2.0));
    assert!(close(m.sharpe_per_bar.unwrap(), 0.1125 / std));
    // downside: only -.25; sqrt(.0625 / 4) = .125; .1125 / .125 × 2 = 1.8.
    assert!(close(m.sortino.unwrap(), 1.8));
    // 5 bars at 4 a year = 1.25 years: 1.35^(1/1.25) - 1 = 0.271352...
    let cagr = 1.35_f64.powf(0.8) - 1.0;
    assert!(close(m.cagr.unwrap(), cagr));
    assert!((cagr - 0.271_35).abs() < 1e-5);
    // peak 120 -> trough 90.
    assert!(close(m.max_drawdown, 0.25));
    assert!(close(m.calmar.unwrap(), cagr / 0.25));
    // peak at bar 1 (01-31), regained at bar 4 (03-01): 3 bars, 30 days (2024 is leap).
    assert_eq!(m.max_drawdown_bars, 3);
    assert!(close(m.max_drawdown_days, 30.0));
}

#[test]
fn higher_moments() {
    let m = sample().finish(4.0, Cash::ZERO);
    let dev = [0.0875_f64, -0.3625, -0.1125, 0.3875];
    let m2 = dev.iter().map(|x| x * x).sum::<f64>() / 4.0;
    let m3 = dev.iter().map(|x| x.powi(3)).sum::<f64>() / 4.0;
    let m4 = dev.iter().map(|x| x.powi(4)).sum::<f64>() / 4.0;
    // Σd³ = .009796875 by hand.
    assert!(close(m3 * 4.0, 0.009_796_875));
    assert!(close(m.skewness.unwrap(), m3 / m2.powf(1.5)));
    assert!(close(m.kurtosis.unwrap(), m4 / (m2 * m2)));
}

#[test]
fn exposure_turnover_fees() {
    let m = sample().finish(4.0, Cash::new(d(7)));
    // long after bars 1 and 2 only.
    assert!(close(m.exposure, 0.4));
    // traded 100 + 90 = 190; mean equity 535 / 5 = 107.
    assert_eq!(m.traded_notional, Cash::new(d(190)));
    assert!(close(m.turnover, 190.0 / 107.0));
    assert_eq!(m.fees, Cash::new(d(2)));
    assert_eq!(m.funding_paid, Cash::new(d(7)));
}

#[test]
fn trade_statistics() {
    let m = sample().finish(4.0, Cash::ZERO);
    assert_eq!(m.trades, 4);
    assert!(close(m.win_rate.unwrap(), 0.25));
    // 30 / |-10 - 20|.
    assert!(close(m.profit_factor.unwrap(), 1.0));
    assert_eq!(m.average_win, Some(Cash::new(d(30))));
    assert_eq!(m.average_loss, Some(Cash::new(d(-15))));
    assert_eq!(m.expectancy, Some(Cash::ZERO));
}

#[test]
fn monthly_returns() {
    let rows = sample().monthly();
    let got: Vec<(i32, u32, f64)> = rows.iter().map(|r| (r.year, r.month, r.ret)).collect();
    // Jan: 120/100; Feb: 90/120; Mar: 135/90.
    assert_eq!(got.len(), 3);
    assert_eq!((got[0].0, got[0].1), (2024, 1));
    assert!(close(got[0].2, 0.2));
    assert_eq!(got[1].1, 2);
    assert!(close(got[1].2, -0.25));
    assert_eq!(got[2].1, 3);
    assert!(close(got[2].2, 0.5));
}

#[test]
fn agrees_with_equity_stats() {
    let m = sample().finish(365.0, Cash::ZERO);
    let mut s = EquityStats::default();
    for (i, e) in [100, 120, 90, 90, 135].iter().enumerate() {
        s.on_equity(Timestamp::from_millis(i as i64), Cash::new(d(*e)));
    }
    let s = s.summary(365.0);
    assert!(close(m.sharpe.unwrap(), s.sharpe.unwrap()));
    assert!(close(m.max_drawdown, s.max_drawdown));
}

#[test]
fn unrecovered_drawdown_runs_to_the_end() {
    let mut m = MetricsBuilder::new(Cash::new(d(100)));
    for (i, e) in [100, 120, 110, 100].iter().enumerate() {
        m.on_equity(Timestamp::from_millis(i as i64 * DAY), Cash::new(d(*e)));
    }
    let m = m.finish(365.0, Cash::ZERO);
    assert_eq!(m.max_drawdown_bars, 2);
    assert!(close(m.max_drawdown_days, 2.0));
    assert_eq!(m.exposure, 0.0);
}

#[test]
fn undefined_ratios_are_none() {
    let empty = MetricsBuilder::new(Cash::new(d(100))).finish(365.0, Cash::ZERO);
    assert_eq!((empty.bars, empty.total_return, empty.cagr), (0, 0.0, None));
    assert_eq!((empty.sharpe, empty.sortino, empty.win_rate), (None, None, None));
    let mut flat = MetricsBuilder::new(Cash::new(d(100)));
    for i in 0..3 {
        flat.on_equity(Timestamp::from_millis(i), Cash::new(d(100)));
    }
    let flat = flat.finish(365.0, Cash::ZERO);
    assert_eq!((flat.sharpe, flat.sortino, flat.calmar), (None, None, None));
    assert_eq!(flat.volatility, Some(0.0));
    assert_eq!(flat.cagr, Some(0.0));
    assert_eq!(flat.get("sharpe"), None);
    assert_eq!(flat.get("total_return"), Some(0.0));
    assert_eq!(flat.get("no_such_metric"), None);
}
