//! The self-contained HTML report: one file with inline CSS and inline SVG,
//! no script and no reference to anything outside the file.

use std::fmt::Write;

use tesser_core::Cash;
use tesser_portfolio::RoundTrip;

use crate::curve::EquityCurve;
use crate::metrics::Metrics;
use crate::monthly::MonthlyReturn;
use crate::svg;

/// Everything an HTML report shows.
#[derive(Debug, Clone, Copy)]
pub struct HtmlReport<'a> {
    /// Page title (strategy name and data, say).
    pub title: &'a str,
    /// The run's configuration as key/value rows, in display order.
    pub config: &'a [(String, String)],
    /// The run's metrics.
    pub metrics: &'a Metrics,
    /// The downsampled equity curve.
    pub curve: &'a EquityCurve,
    /// Monthly returns, oldest first.
    pub monthly: &'a [MonthlyReturn],
    /// The trades to list (the first ones when the run had many).
    pub trades: &'a [RoundTrip],
    /// Closed round trips in the whole run.
    pub total_trades: u64,
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}\
h1{font-size:22px}h2{font-size:17px;margin-top:28px}\
table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}\
th{background:#f3f3f3}td.k{text-align:left;color:#555}.pos{color:#0a7a2f}.neg{color:#b3261e}\
.grid{stroke:#e4e4e4}.ylab,.xlab{font-size:11px;fill:#666}.band{fill:#9cc3e6;stroke:none}\
.line{fill:none;stroke:#1f5fa8;stroke-width:1.3}.dd{fill:#e8a3a0;stroke:#b3261e;stroke-width:1}\
.cols{display:flex;gap:40px;flex-wrap:wrap}.note{color:#666;font-size:12px}";

/// Escapes text for HTML element content and attribute values.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |x| format!("{:.2}%", x * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |x| format!("{x:.3}"))
}

fn cash(v: Option<Cash>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |c| c.get().round_dp(2).to_string())
}

fn metric_rows(m: &Metrics) -> Vec<(&'static str, String)> {
    let ts = |t: Option<tesser_core::Timestamp>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
    vec![
        ("start", ts(m.start)),
        ("end", ts(m.end)),
        ("bars", m.bars.to_string()),
        ("initial equity", cash(Some(m.initial_equity))),
        ("final equity", cash(Some(m.final_equity))),
        ("total return", pct(Some(m.total_return))),
        ("CAGR", pct(m.cagr)),
        ("volatility (ann.)", pct(m.volatility)),
        ("Sharpe", num(m.sharpe)),
        ("Sortino", num(m.sortino)),
        ("Calmar", num(m.calmar)),
        ("max drawdown", pct(Some(m.max_drawdown))),
        (
            "longest drawdown",
            format!("{} bars ({:.1} days)", m.max_drawdown_bars, m.max_drawdown_days),
        ),
        ("exposure", pct(Some(m.exposure))),
        ("turnover", format!("{:.2}x", m.turnover)),
        ("trades", m.trades.to_string()),
        ("win rate", pct(m.win_rate)),
        ("profit factor", num(m.profit_factor)),
        ("average win", cash(m.average_win)),
        ("average loss", cash(m.average_loss)),
        ("expectancy", cash(m.expectancy)),
        ("fees", cash(Some(m.fees))),
        ("funding paid", cash(Some(m.funding_paid))),
    ]
}

fn kv_table(out: &mut String, rows: impl Iterator<Item = (String, String)>) {
    out.push_str("<table>");
    for (k, v) in rows {
        let _ = write!(
            out,
            "<tr><td class=\"k\">{}</td><td>{}</td></tr>",
            escape(&k),
            escape(&v)
        );
    }
    out.push_str("</table>");
}

fn signed_cell(out: &mut String, v: f64) {
    let class = if v > 0.0 {
        "pos"
    } else if v < 0.0 {
        "neg"
    } else {
        ""
    };
    let _ = write!(out, "<td class=\"{class}\">{:.2}%</td>", v * 100.0);
}

fn monthly_table(out: &mut String, rows: &[MonthlyReturn]) {
    out.push_str("<table><tr><th>year</th>");
    for m in [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ] {
        let _ = write!(out, "<th>{m}</th>");
    }
    out.push_str("<th>year</th></tr>");
    let mut i = 0;
    while i < rows.len() {
        let year = rows[i].year;
        let end = rows[i..]
            .iter()
            .position(|r| r.year != year)
            .map_or(rows.len(), |p| i + p);
        let _ = write!(out, "<tr><td class=\"k\">{year}</td>");
        let mut growth = 1.0;
        for month in 1..=12 {
            match rows[i..end].iter().find(|r| r.month == month) {
                Some(r) => {
                    growth *= 1.0 + r.ret;
                    signed_cell(out, r.ret);
                }
                None => out.push_str("<td></td>"),
            }
        }
        signed_cell(out, growth - 1.0);
        out.push_str("</tr>");
        i = end;
    }
    out.push_str("</table>");
}

fn trades_table(out: &mut String, trades: &[RoundTrip], total: u64) {
    out.push_str(
        "<table><tr><th>#</th><th>symbol</th><th>side</th><th>qty</th><th>entry</th><th>entry price</th>\
         <th>exit</th><th>exit price</th><th>fees</th><th>net PnL</th></tr>",
    );
    for (i, t) in trades.iter().enumerate() {
        let class = if t.net_pnl.is_positive() {
            "pos"
        } else if t.net_pnl.is_negative() {
            "neg"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"k\">{}</td><td class=\"k\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td></tr>",
            i + 1,
            escape(t.symbol.as_str()),
            t.direction.as_str(),
            t.qty,
            t.entry_time,
            t.entry_price,
            t.exit_time,
            t.exit_price,
            t.fees.get().round_dp(2),
            t.net_pnl.get().round_dp(2),
        );
    }
    out.push_str("</table>");
    if total > trades.len() as u64 {
        let _ = write!(
            out,
            "<p class=\"note\">Showing the first {} of {total} trades; trades.csv lists all.</p>",
            trades.len()
        );
    }
}

/// Renders the report as one HTML document.
#[must_use]
pub fn render_html(r: &HtmlReport<'_>) -> String {
    let buckets = r.curve.buckets();
    let mut out = String::with_capacity(64 * 1024);
    let title = escape(r.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{STYLE}</style></head><body><h1>{title}</h1>"
    );
    out.push_str("<div class=\"cols\"><div><h2>Performance</h2>");
    kv_table(
        &mut out,
        metric_rows(r.metrics).into_iter().map(|(k, v)| (k.to_owned(), v)),
    );
    out.push_str("</div><div><h2>Configuration</h2>");
    kv_table(&mut out, r.config.iter().cloned());
    out.push_str("</div></div><h2>Equity</h2>");
    out.push_str(&svg::equity(buckets));
    let _ = write!(
        out,
        "<p class=\"note\">{} bars drawn as {} buckets of up to {} bars (band: low to high of each bucket).</p>",
        r.metrics.bars,
        buckets.len(),
        r.curve.width()
    );
    out.push_str("<h2>Drawdown</h2>");
    out.push_str(&svg::drawdown(buckets));
    out.push_str("<h2>Monthly returns</h2>");
    monthly_table(&mut out, r.monthly);
    out.push_str("<h2>Trades</h2>");
    trades_table(&mut out, r.trades, r.total_trades);
    out.push_str("</body></html>\n");
    out
}
