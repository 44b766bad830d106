//! The human-readable summary printed after a backtest.

use std::fmt::Write;
use std::path::Path;

use tesser_backtester::BacktestReport;

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{:.2}%", v * 100.0))
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.4}"))
}

/// Formats the report as an aligned table.
pub(crate) fn render(strategy: &str, r: &BacktestReport, out_dir: &Path) -> String {
    let p = &r.performance;
    let ts = |t: Option<tesser_core::Timestamp>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
    let rows = [
        ("strategy", strategy.to_owned()),
        ("start", ts(p.start)),
        ("end", ts(p.end)),
        ("bars", p.bars.to_string()),
        ("closed trades", p.closed_trades.to_string()),
        ("initial equity", r.initial_equity.to_string()),
        ("final equity", r.final_equity.get().round_dp(2).to_string()),
        ("total return", pct(Some(r.total_return))),
        ("max drawdown", pct(Some(p.max_drawdown))),
        ("sharpe", num(p.sharpe)),
        ("win rate", pct(p.win_rate)),
        ("profit factor", num(p.profit_factor)),
        ("fees", r.total_fees.get().round_dp(2).to_string()),
        ("open positions", r.open_positions.len().to_string()),
        ("rejected orders", r.rejected_orders.to_string()),
    ];
    let mut out = String::new();
    for (k, v) in rows {
        let _ = writeln!(out, "{k:<16} {v}");
    }
    let _ = writeln!(out, "reports in {}", out_dir.display());
    out
}
