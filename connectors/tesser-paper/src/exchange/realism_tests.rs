//! Latency, maker/taker fees and the bar-volume cap.

use super::*;
use crate::config::{FillModel, PaperConfig};
use tesser_core::{Interval, OrderKind, Symbol};

const M: i64 = 60_000;

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

/// A one-minute bar starting at minute `t`.
fn bar(t: i64, o: &str, h: &str, l: &str, c: &str, v: &str) -> Candle {
    Candle {
        symbol: Symbol::new("X"),
        interval: Interval::M1,
        open_time: Timestamp::from_millis(t * M),
        open: p(o),
        high: p(h),
        low: p(l),
        close: p(c),
        volume: q(v),
    }
}

fn order(id: u64, side: Side, qty: &str, kind: OrderKind) -> OrderRequest {
    OrderRequest {
        id: ClientOrderId(id),
        symbol: Symbol::new("X"),
        side,
        qty: q(qty),
        kind,
        tif: TimeInForce::Gtc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    }
}

/// (order, qty, price, fee, minute) of every fill.
fn fills(events: &[Event]) -> Vec<(u64, String, String, String, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Fill(f) => Some((
                f.order_id.0,
                f.qty.to_string(),
                f.price.to_string(),
                f.fee.to_string(),
                f.ts.as_millis() / M,
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn latency_delays_activation_to_the_first_bar_at_or_after_it() {
    let cfg = PaperConfig {
        latency_ms: 90_000,
        ..PaperConfig::default()
    };
    let mut x = PaperExchange::new(cfg);
    let mut ev = Vec::new();
    x.on_candle(&bar(0, "100", "100", "100", "100", "10"), &mut ev);
    // Decided at the close of bar 0 (minute 1); active at minute 2.5.
    x.execute(
        &Command::Submit(order(1, Side::Buy, "1", OrderKind::Market)),
        &mut ev,
    );
    for t in 1..=3 {
        x.on_candle(
            &bar(t, &format!("{}", 100 + t), "200", "50", "100", "10"),
            &mut ev,
        );
    }
    assert_eq!(fills(&ev), vec![(1, "1".into(), "103".into(), "0".into(), 3)]);

    // Close mode with latency rests instead of filling at the close.
    let cfg = PaperConfig {
        fill: FillModel::Close,
        latency_ms: 1,
        ..PaperConfig::default()
    };
    let mut x = PaperExchange::new(cfg);
    let mut ev = Vec::new();
    x.on_candle(&bar(0, "100", "100", "100", "100", "10"), &mut ev);
    x.execute(
        &Command::Submit(order(1, Side::Buy, "1", OrderKind::Market)),
        &mut ev,
    );
    assert!(fills(&ev).is_empty());
    x.on_candle(&bar(1, "101", "101", "101", "101", "10"), &mut ev);
    x.on_candle(&bar(2, "102", "102", "102", "102", "10"), &mut ev);
    assert_eq!(fills(&ev), vec![(1, "1".into(), "102".into(), "0".into(), 2)]);
}

#[test]
fn maker_and_taker_fees() {
    let cfg = PaperConfig {
        fee_bps: Decimal::from(10),
        maker_fee_bps: Some(Decimal::from(-1)),
        ..PaperConfig::default()
    };
    let mut x = PaperExchange::new(cfg);
    let mut ev = Vec::new();
    x.on_candle(&bar(0, "100", "100", "100", "100", "10"), &mut ev);
    let limit = |id, price: &str| {
        order(
            id,
            Side::Buy,
            "1",
            OrderKind::Limit {
                price: p(price),
                post_only: false,
            },
        )
    };
    x.execute(
        &Command::Submit(order(1, Side::Buy, "1", OrderKind::Market)),
        &mut ev,
    );
    x.execute(&Command::Submit(limit(2, "105")), &mut ev); // marketable at its first bar: taker
    x.execute(&Command::Submit(limit(3, "95")), &mut ev); // rests, touched later: maker
    x.on_candle(&bar(1, "100", "101", "99", "100", "10"), &mut ev);
    x.on_candle(&bar(2, "100", "100", "94", "96", "10"), &mut ev);
    assert_eq!(
        fills(&ev),
        vec![
            (1, "1".into(), "100".into(), "0.1".into(), 1),
            (2, "1".into(), "100".into(), "0.1".into(), 1),
            (3, "1".into(), "95".into(), "-0.0095".into(), 2),
        ]
    );
}

#[test]
fn volume_cap_splits_fills_across_bars() {
    let cfg = PaperConfig {
        max_volume_fraction: Some(Decimal::new(1, 1)),
        ..PaperConfig::default()
    };
    let mut x = PaperExchange::new(cfg);
    let mut ev = Vec::new();
    x.on_candle(&bar(0, "100", "100", "100", "100", "10"), &mut ev);
    x.execute(
        &Command::Submit(order(1, Side::Buy, "2.5", OrderKind::Market)),
        &mut ev,
    );
    let mut fok = order(2, Side::Buy, "5", OrderKind::Market);
    fok.tif = TimeInForce::Fok;
    x.execute(&Command::Submit(fok), &mut ev);
    // 10% of 10 = 1 per bar for both orders together; order 1 comes first.
    x.on_candle(&bar(1, "101", "101", "101", "101", "10"), &mut ev);
    x.on_candle(&bar(2, "102", "102", "102", "102", "10"), &mut ev);
    x.on_candle(&bar(3, "103", "103", "103", "103", "20"), &mut ev);
    assert_eq!(
        fills(&ev),
        vec![
            (1, "1".into(), "101".into(), "0".into(), 1),
            (1, "1".into(), "102".into(), "0".into(), 2),
            (1, "0.5".into(), "103".into(), "0".into(), 3),
        ]
    );
    let statuses: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::OrderUpdate(u) => Some((u.id.0, u.status)),
            _ => None,
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            (1, OrderStatus::Open),
            (2, OrderStatus::Open),
            (1, OrderStatus::PartiallyFilled),
            (2, OrderStatus::Canceled),
            (1, OrderStatus::PartiallyFilled),
            (1, OrderStatus::Filled),
        ]
    );
}

fn print(ms: i64, price: &str, qty: &str) -> tesser_core::Trade {
    tesser_core::Trade {
        symbol: Symbol::new("X"),
        ts: Timestamp::from_millis(ms),
        price: p(price),
        qty: q(qty),
        taker_side: Side::Buy,
    }
}

#[test]
fn trade_prints_fill_orders_without_bar_delay() {
    let mut x = PaperExchange::new(PaperConfig::default());
    let mut ev = Vec::new();
    x.on_trade(&print(1_000, "100", "1"), &mut ev);
    let mut buy = order(1, Side::Buy, "1", OrderKind::Market);
    buy.created = Timestamp::from_millis(1_000);
    x.execute(&Command::Submit(buy), &mut ev);
    let mut limit = order(
        2,
        Side::Sell,
        "1",
        OrderKind::Limit {
            price: p("105"),
            post_only: false,
        },
    );
    limit.created = Timestamp::from_millis(1_000);
    x.execute(&Command::Submit(limit), &mut ev);
    // The next print fills the market order at its price, 2 ms later; the
    // sell limit waits for a print at or above 105.
    x.on_trade(&print(1_002, "101", "3"), &mut ev);
    x.on_trade(&print(1_005, "106", "3"), &mut ev);
    let got: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Fill(f) => Some((f.order_id.0, f.price.to_string(), f.ts.as_millis())),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec![(1, "101".into(), 1_002), (2, "106".into(), 1_005)]);
}
