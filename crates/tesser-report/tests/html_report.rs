//! The HTML report is one self-contained document: SVG paths for both
//! charts, the monthly table, the trade list and the configuration, and no
//! reference to anything outside the file.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use tesser_backtester::Recorder;
use tesser_core::{Cash, Decimal, Price, Quantity, Symbol, Timestamp};
use tesser_portfolio::{Direction, RoundTrip};
use tesser_report::ReportRecorder;

const DAY: i64 = 86_400_000;
/// 2023-01-01T00:00:00Z.
const START: i64 = 1_672_531_200_000;

fn trip(i: i64, net: i64) -> RoundTrip {
    RoundTrip {
        symbol: Symbol::new("BTC<USD>"),
        direction: Direction::Long,
        qty: Quantity::new(Decimal::ONE).unwrap(),
        entry_time: Timestamp::from_millis(START + i * DAY),
        entry_price: Price::new(Decimal::from(100)).unwrap(),
        exit_time: Timestamp::from_millis(START + (i + 3) * DAY),
        exit_price: Price::new(Decimal::from(100 + net)).unwrap(),
        gross_pnl: Cash::new(Decimal::from(net)),
        fees: Cash::ZERO,
        net_pnl: Cash::new(Decimal::from(net)),
    }
}

fn report(bars: i64, trades: i64) -> String {
    let mut rec = ReportRecorder::new(Cash::new(Decimal::from(10_000)), 1000, 50);
    for i in 0..bars {
        // A wavy, rising curve: 10000 + 3i + 400 sin(i / 20).
        let e = 10_000.0 + 3.0 * i as f64 + 400.0 * (i as f64 / 20.0).sin();
        let e = Decimal::from_f64_retain(e).unwrap().round_dp(2);
        rec.equity(Timestamp::from_millis(START + i * DAY), Cash::new(e))
            .unwrap();
    }
    for i in 0..trades {
        rec.round_trip(&trip(i, if i % 3 == 0 { -5 } else { 8 })).unwrap();
    }
    let config = vec![
        ("strategy".to_owned(), "SmaCross".to_owned()),
        ("data".to_owned(), "data/samples/x.csv & <y>".to_owned()),
    ];
    rec.finish(365.0, Cash::ZERO).html("SmaCross on BTCUSD", &config)
}

#[test]
fn is_self_contained_with_charts_and_tables() {
    let html = report(5000, 120);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for needle in [
        "<svg",
        "<path class=\"band\" d=\"M",
        "<path class=\"line\" d=\"M",
        "<path class=\"dd\" d=\"M",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert_eq!(html.matches("<svg").count(), 2);
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert_eq!(html.matches("<table").count(), html.matches("</table>").count());
    let lower = html.to_lowercase();
    for banned in ["http://", "https://", "<script", "src=", "@import", "url("] {
        assert!(!lower.contains(banned), "external reference {banned}");
    }
    // Monthly table: 2023 .. 2036 rows, with a year column.
    assert!(html.contains("<td class=\"k\">2023</td>"));
    assert!(html.contains("<th>Dec</th>"));
    // Config and trade text are escaped.
    assert!(html.contains("data/samples/x.csv &amp; &lt;y&gt;"));
    assert!(html.contains("BTC&lt;USD&gt;"));
    assert!(!html.contains("BTC<USD>"));
    assert!(html.contains("Showing the first 50 of 120 trades"));
}

#[test]
fn chart_points_are_bounded() {
    let html = report(200_000, 0);
    let band = html.split("<path class=\"band\" d=\"").nth(1).unwrap();
    let band = &band[..band.find('"').unwrap()];
    let points = band.matches(['M', 'L']).count();
    assert!(points <= 2000, "{points} points");
    assert!(points >= 1000, "{points} points");
}

#[test]
fn empty_run_still_renders() {
    let html = report(0, 0);
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("n/a"));
}
