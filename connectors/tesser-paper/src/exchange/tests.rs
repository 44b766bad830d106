use super::*;
use crate::config::{FillModel, PaperConfig};
use tesser_core::OrderKind;

const D: i64 = 86_400_000;
use tesser_core::{Interval, Symbol};

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

fn bar(t: i64, o: &str, h: &str, l: &str, c: &str) -> Candle {
    Candle {
        symbol: Symbol::new("X"),
        interval: Interval::D1,
        open_time: Timestamp::from_millis(t * D),
        open: p(o),
        high: p(h),
        low: p(l),
        close: p(c),
        volume: Quantity::ZERO,
    }
}

fn order(id: u64, side: Side, kind: OrderKind) -> OrderRequest {
    OrderRequest {
        id: ClientOrderId(id),
        symbol: Symbol::new("X"),
        side,
        qty: Quantity::parse("2").unwrap(),
        kind,
        tif: TimeInForce::Gtc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    }
}

fn fills(events: &[Event]) -> Vec<(u64, String, String, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Fill(f) => Some((
                f.order_id.0,
                f.price.to_string(),
                f.fee.to_string(),
                f.ts.as_millis(),
            )),
            _ => None,
        })
        .collect()
}

fn cfg(fill: FillModel, fee: i64, slip: i64) -> PaperConfig {
    PaperConfig {
        fill,
        fee_bps: Decimal::from(fee),
        slippage_bps: Decimal::from(slip),
        ..PaperConfig::default()
    }
}

#[test]
fn next_open_fills_market_at_next_bar_open_with_fee_and_slippage() {
    let mut x = PaperExchange::new(cfg(FillModel::NextOpen, 10, 5));
    let mut ev = Vec::new();
    x.on_candle(&bar(1, "100", "110", "90", "105"), &mut ev);
    x.execute(&Command::Submit(order(1, Side::Buy, OrderKind::Market)), &mut ev);
    assert!(fills(&ev).is_empty());
    x.on_candle(&bar(2, "106", "110", "100", "108"), &mut ev);
    // 106 * 1.0005 = 106.053; fee = 0.001 * 2 * 106.053
    assert_eq!(fills(&ev), vec![(1, "106.053".into(), "0.212106".into(), 2 * D)]);
    assert_eq!(x.resting(), 0);
}

#[test]
fn close_mode_fills_at_signal_bar_close() {
    let mut x = PaperExchange::new(cfg(FillModel::Close, 0, 0));
    let mut ev = Vec::new();
    x.on_candle(&bar(1, "100", "110", "90", "105"), &mut ev);
    x.execute(&Command::Submit(order(1, Side::Sell, OrderKind::Market)), &mut ev);
    assert_eq!(fills(&ev), vec![(1, "105".into(), "0".into(), D)]);
}

#[test]
fn limit_and_stop_rules_including_gaps() {
    let mut x = PaperExchange::new(cfg(FillModel::NextOpen, 0, 100));
    let mut ev = Vec::new();
    x.on_candle(&bar(1, "100", "100", "100", "100"), &mut ev);
    let lim = |id, side, price| {
        order(
            id,
            side,
            OrderKind::Limit {
                price: p(price),
                post_only: false,
            },
        )
    };
    let stop = |id, side, trigger| order(id, side, OrderKind::StopMarket { trigger: p(trigger) });
    for o in [
        lim(1, Side::Buy, "95"),
        lim(2, Side::Buy, "80"),
        lim(3, Side::Sell, "90"),
        stop(4, Side::Buy, "104"),
    ] {
        x.execute(&Command::Submit(o), &mut ev);
    }
    x.execute(&Command::Submit(stop(5, Side::Sell, "85")), &mut ev);
    ev.clear();
    x.on_candle(&bar(2, "97", "105", "94", "96"), &mut ev);
    // 1: touches 95 -> at 95 (no slippage). 3: sell limit 90 gaps (open 97 >= 90) -> 97.
    // 4: buy stop 104 touched -> 104 * 1.01 = 105.04. 2 and 5 untouched.
    assert_eq!(
        fills(&ev),
        vec![
            (1, "95".into(), "0".into(), 2 * D),
            (3, "97".into(), "0".into(), 2 * D),
            (4, "105.04".into(), "0".into(), 2 * D)
        ]
    );
    ev.clear();
    x.on_candle(&bar(3, "70", "75", "60", "72"), &mut ev);
    // 2: buy limit 80 gaps down -> fills at open 70. 5: sell stop 85 gaps -> 70 * 0.99.
    assert_eq!(
        fills(&ev),
        vec![
            (2, "70".into(), "0".into(), 3 * D),
            (5, "69.3".into(), "0".into(), 3 * D)
        ]
    );
}

#[test]
fn post_only_ioc_and_reduce_only() {
    let mut x = PaperExchange::new(cfg(FillModel::NextOpen, 0, 0));
    let mut ev = Vec::new();
    x.on_candle(&bar(1, "100", "100", "100", "100"), &mut ev);
    x.execute(
        &Command::Submit(order(
            1,
            Side::Buy,
            OrderKind::Limit {
                price: p("101"),
                post_only: true,
            },
        )),
        &mut ev,
    );
    let mut ioc = order(
        2,
        Side::Buy,
        OrderKind::Limit {
            price: p("50"),
            post_only: false,
        },
    );
    ioc.tif = TimeInForce::Ioc;
    x.execute(&Command::Submit(ioc), &mut ev);
    let mut ro = order(3, Side::Sell, OrderKind::Market);
    ro.reduce_only = true;
    x.execute(&Command::Submit(ro), &mut ev);
    ev.clear();
    x.on_candle(&bar(2, "100", "100", "99", "100"), &mut ev);
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
            (1, OrderStatus::Rejected),
            (2, OrderStatus::Canceled),
            (3, OrderStatus::Canceled)
        ]
    );
    assert_eq!(x.resting(), 0);
}

fn book(
    id: u64,
    kind: tesser_core::BookUpdateKind,
    bids: &[(&str, &str)],
    asks: &[(&str, &str)],
) -> tesser_core::BookUpdate {
    let lv = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(p, q)| tesser_core::BookLevel {
                price: Price::parse(p).unwrap(),
                qty: Quantity::parse(q).unwrap(),
            })
            .collect()
    };
    tesser_core::BookUpdate {
        symbol: Symbol::new("X"),
        ts: Timestamp::from_millis(id as i64 * 1000),
        kind,
        update_id: id,
        bids: lv(bids),
        asks: lv(asks),
    }
}

fn statuses(events: &[Event]) -> Vec<(u64, OrderStatus)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::OrderUpdate(u) => Some((u.id.0, u.status)),
            _ => None,
        })
        .collect()
}

#[test]
fn market_orders_walk_the_book_and_consume_liquidity() {
    use tesser_core::BookUpdateKind::{Delta, Snapshot};
    let mut x = PaperExchange::new(cfg(FillModel::NextOpen, 10, 50));
    let mut ev = Vec::new();
    x.on_book(
        &book(
            1,
            Snapshot,
            &[("99", "5")],
            &[("101", "0.5"), ("102", "1"), ("105", "10")],
        ),
        &mut ev,
    );
    x.execute(&Command::Submit(order(1, Side::Buy, OrderKind::Market)), &mut ev);
    x.execute(&Command::Submit(order(2, Side::Buy, OrderKind::Market)), &mut ev);
    assert!(fills(&ev).is_empty(), "next-open waits for the next book update");
    ev.clear();
    x.on_book(&book(2, Delta, &[], &[]), &mut ev);
    // Order 1 (2 units): 0.5 @ 101, 1 @ 102, 0.5 @ 105; no slippage on book fills.
    // Order 2 then finds 101 and 102 gone: 2 @ 105.
    assert_eq!(
        fills(&ev),
        vec![
            (1, "101".into(), "0.0505".into(), 2000),
            (1, "102".into(), "0.102".into(), 2000),
            (1, "105".into(), "0.0525".into(), 2000),
            (2, "105".into(), "0.21".into(), 2000),
        ]
    );
    assert_eq!(
        statuses(&ev),
        vec![(1, OrderStatus::Filled), (2, OrderStatus::Filled)]
    );
}

#[test]
fn book_limits_rest_partially_and_thin_books_cancel_market_remainders() {
    use tesser_core::BookUpdateKind::{Delta, Snapshot};
    let mut x = PaperExchange::new(cfg(FillModel::Close, 0, 0));
    let mut ev = Vec::new();
    x.on_book(
        &book(1, Snapshot, &[("99", "1"), ("98", "0.5")], &[("101", "1")]),
        &mut ev,
    );
    // Sell limit at 99 takes 1 @ 99 now and rests with 1 left.
    x.execute(
        &Command::Submit(order(
            1,
            Side::Sell,
            OrderKind::Limit {
                price: p("99"),
                post_only: false,
            },
        )),
        &mut ev,
    );
    assert_eq!(fills(&ev), vec![(1, "99".into(), "0".into(), 1000)]);
    assert_eq!(x.resting(), 1);
    // A market buy of 2 against 1 visible unit: fills 1, the rest is cancelled.
    x.execute(&Command::Submit(order(2, Side::Buy, OrderKind::Market)), &mut ev);
    assert_eq!(statuses(&ev).last(), Some(&(2, OrderStatus::Canceled)));
    ev.clear();
    // A new bid at 100 lets the resting sell limit finish.
    x.on_book(&book(2, Delta, &[("100", "3")], &[]), &mut ev);
    assert_eq!(fills(&ev), vec![(1, "100".into(), "0".into(), 2000)]);
    // Post-only that would cross is rejected; FOK beyond visible depth is cancelled.
    ev.clear();
    x.execute(
        &Command::Submit(order(
            3,
            Side::Sell,
            OrderKind::Limit {
                price: p("90"),
                post_only: true,
            },
        )),
        &mut ev,
    );
    let mut fok = order(4, Side::Sell, OrderKind::Market);
    fok.qty = Quantity::parse("100").unwrap();
    fok.tif = TimeInForce::Fok;
    x.execute(&Command::Submit(fok), &mut ev);
    assert_eq!(
        statuses(&ev),
        vec![(3, OrderStatus::Rejected), (4, OrderStatus::Canceled)]
    );
    assert!(fills(&ev).is_empty());
}
