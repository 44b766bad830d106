use super::*;
use std::path::Path;
use tesser_core::{Candle, ClientOrderId, Interval, OrderKind, Price, Quantity, Side, Timestamp};

fn engine(limits: RiskLimits) -> Engine {
    let params: toml::Table =
        toml::from_str("symbol='X'\nfast_period=1\nslow_period=2\nallow_short=true").unwrap();
    let strategy = tesser_strategy::build_strategy("SmaCross", &params, Path::new(".")).unwrap();
    Engine::new(
        strategy,
        EngineConfig {
            initial_equity: Cash::new(Decimal::from(1000)),
            sizer: Sizer::FixedQuantity(Quantity::parse("1").unwrap()),
            limits,
            instruments: Default::default(),
        },
    )
}

fn candle(t: i64, close: i64) -> Event {
    let p = Price::new(Decimal::from(close)).unwrap();
    Event::Candle(Candle {
        symbol: Symbol::new("X"),
        interval: Interval::D1,
        open_time: Timestamp::from_millis(t),
        open: p,
        high: p,
        low: p,
        close: p,
        volume: Quantity::ZERO,
    })
}

fn fill_for(cmd: &Command, price: i64, t: i64) -> Event {
    let Command::Submit(o) = cmd else {
        panic!("expected a submit, got {cmd:?}")
    };
    Event::Fill(Fill {
        order_id: o.id,
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        price: Price::new(Decimal::from(price)).unwrap(),
        fee: Cash::ZERO,
        ts: Timestamp::from_millis(t),
        exec_id: None,
    })
}

#[test]
fn scripted_events_give_orders_and_round_trips() {
    let mut e = engine(RiskLimits::default());
    let mut out = Vec::new();
    for (t, c) in [(0, 10), (1, 10), (2, 10)] {
        e.handle(&candle(t, c), &mut out);
    }
    assert!(out.is_empty());
    e.handle(&candle(3, 12), &mut out); // cross up
    assert!(matches!(out[0], Command::Submit(o) if o.side == Side::Buy && o.kind == OrderKind::Market));
    let fill = fill_for(&out[0], 12, 4);
    out.clear();
    e.handle(&fill, &mut out);
    assert_eq!(e.portfolio().net_position(Symbol::new("X")), Decimal::ONE);
    e.handle(&candle(4, 8), &mut out); // cross down -> reverse: sell 2
    let Command::Submit(o) = out[0] else { panic!() };
    assert_eq!(
        (o.side, o.qty.to_string(), o.id),
        (Side::Sell, "2".to_string(), ClientOrderId(2))
    );
    let fill = fill_for(&out[0], 8, 5);
    out.clear();
    e.handle(&fill, &mut out);
    let trips: Vec<_> = e.drain_round_trips().collect();
    assert_eq!(trips.len(), 1);
    assert_eq!(trips[0].net_pnl, Cash::new(Decimal::from(-4)));
    assert_eq!(
        e.portfolio().net_position(Symbol::new("X")),
        Decimal::NEGATIVE_ONE
    );
    // Equity: 1000 - 12 + 16 = 1004 cash, short 1 marked at 8 -> 996.
    assert_eq!(e.portfolio().equity(), Cash::new(Decimal::from(996)));
}

#[test]
fn kill_switch_blocks_new_exposure() {
    let limits = RiskLimits {
        max_drawdown: Some(Decimal::new(1, 2)),
        ..RiskLimits::default()
    };
    let mut e = engine(limits);
    let mut out = Vec::new();
    for (t, c) in [(0, 100), (1, 100), (2, 100), (3, 120)] {
        e.handle(&candle(t, c), &mut out);
    }
    let fill = fill_for(&out[0], 120, 4);
    out.clear();
    e.handle(&fill, &mut out);
    // Price falls 50: equity 950 < 99% of the 1000 peak -> liquidate-only; the
    // reversal (sell 2) would open a short, so it is refused.
    e.handle(&candle(4, 70), &mut out);
    assert!(out.is_empty());
    let notices: Vec<_> = e.drain_notices().collect();
    assert!(matches!(notices[0], Notice::KillSwitch { .. }), "{notices:?}");
    assert!(matches!(
        notices[1],
        Notice::RiskRejected {
            reason: RiskRejection::LiquidateOnly,
            ..
        }
    ));
    e.flatten_all(Timestamp::from_millis(5), &mut out);
    assert!(matches!(out[0], Command::Submit(o) if o.side == Side::Sell && o.reduce_only));
}

#[test]
fn warm_up_builds_indicators_without_orders_and_restore_keeps_state() {
    let mut e = engine(RiskLimits::default());
    for (t, c) in [(0, 10), (1, 10), (2, 10), (3, 12)] {
        let Event::Candle(candle) = candle(t, c) else {
            unreachable!()
        };
        e.warm_up(&candle);
    }
    assert_eq!(
        e.portfolio().mark_of(Symbol::new("X")).map(|p| p.get()),
        Some(Decimal::from(12))
    );
    // The cross happened during warm-up: nothing was sent, and the next
    // falling bar is a cross down from "above" (a short with allow_short).
    let mut out = Vec::new();
    e.handle(&candle(4, 8), &mut out);
    assert!(matches!(out.as_slice(), [Command::Submit(o)] if o.side == Side::Sell));

    // Restored working order and risk state survive into a new engine.
    let Command::Submit(order) = out[0] else {
        unreachable!()
    };
    let mut r = engine(RiskLimits::default());
    r.restore_order(order, order.qty.get());
    r.restore_risk(Cash::new(Decimal::from(5000)), true);
    assert_eq!(r.peak_equity(), Cash::new(Decimal::from(5000)));
    assert!(r.orders().is_liquidate_only());
    assert_eq!(
        r.orders().working_with_remaining(),
        vec![(order, order.qty.get())]
    );
    assert!(r.orders().last_id() >= order.id.0);
    // Ownership of venue events: ids this session (or the one it resumes) issued.
    assert!(r.orders().is_own(order.id));
    assert!(
        !r.orders().is_own(ClientOrderId(order.id.0 + 1)),
        "not issued yet"
    );
    r.restore_first_order_id(order.id.0);
    assert!(
        !r.orders().is_own(order.id),
        "issued before the session's first id"
    );
}
