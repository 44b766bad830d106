use super::*;
use tesser_core::{Cash, InstrumentSpec, OrderKind, OrderStatus, Price, SpecError, SymbolMap, Timestamp};

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

fn sig(target: Target) -> Signal {
    Signal::market(Symbol::new("X"), target, Timestamp::from_millis(1))
}

fn oms(limits: RiskLimits) -> OrderManager {
    OrderManager::new(Sizer::FixedQuantity(q("1")), limits, 0)
}

#[test]
fn targets_become_deltas() {
    let mut m = oms(RiskLimits::default());
    let mut out = Vec::new();
    let o = m
        .on_signal(
            &sig(Target::Long),
            SignalContext::position(Decimal::ZERO),
            &mut out,
        )
        .unwrap()
        .unwrap();
    assert_eq!((o.side, o.qty, o.reduce_only), (Side::Buy, q("1"), false));
    // Same target again while the order works: nothing new.
    assert!(m
        .on_signal(
            &sig(Target::Long),
            SignalContext::position(Decimal::ZERO),
            &mut out
        )
        .unwrap()
        .is_none());
    m.on_fill(&Fill {
        order_id: o.id,
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        price: Price::parse("1").unwrap(),
        fee: Cash::ZERO,
        ts: Timestamp::from_millis(2),
        exec_id: None,
    });
    assert_eq!(m.pending(o.symbol), Decimal::ZERO);
    let r = m
        .on_signal(
            &sig(Target::Short),
            SignalContext::position(Decimal::ONE),
            &mut out,
        )
        .unwrap()
        .unwrap();
    assert_eq!((r.side, r.qty), (Side::Sell, q("2")));
    let f = m
        .on_signal(
            &sig(Target::Flat).with_size(q("5")),
            SignalContext::position(Decimal::ZERO),
            &mut out,
        )
        .unwrap()
        .unwrap();
    assert_eq!((f.side, f.qty, f.reduce_only), (Side::Buy, q("2"), true));
    assert_eq!(out.len(), 3);
    m.on_update(&OrderUpdate {
        id: r.id,
        symbol: r.symbol,
        status: OrderStatus::Canceled,
        ts: Timestamp::from_millis(3),
        reason: None,
    });
    assert_eq!(m.pending(r.symbol), Decimal::TWO);
}

#[test]
fn risk_limits_reject() {
    let limits = RiskLimits {
        max_order_quantity: Some(q("1.5")),
        max_position_quantity: Some(q("1")),
        max_drawdown: None,
    };
    let mut m = oms(limits);
    let mut out = Vec::new();
    let big = m
        .on_signal(
            &sig(Target::Long).with_size(q("2")),
            SignalContext::position(Decimal::ZERO),
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(big, RiskRejection::OrderTooLarge { .. }), "{big}");
    let pos = m
        .on_signal(
            &sig(Target::Long).with_size(q("1.2")),
            SignalContext::position(Decimal::ZERO),
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(pos, RiskRejection::PositionTooLarge { .. }), "{pos}");
    m.set_liquidate_only();
    assert_eq!(
        m.on_signal(
            &sig(Target::Long),
            SignalContext::position(Decimal::ZERO),
            &mut out
        )
        .unwrap_err(),
        RiskRejection::LiquidateOnly
    );
    assert!(m
        .on_signal(
            &sig(Target::Flat),
            SignalContext::position(Decimal::ONE),
            &mut out
        )
        .unwrap()
        .is_some());
    assert!(
        out.len() == 1
            && matches!(
                out[0],
                Command::Submit(OrderRequest {
                    kind: OrderKind::Market,
                    ..
                })
            )
    );
}

fn spec() -> InstrumentSpec {
    // Tick 0.5, lot 0.01, min qty 0.05, min notional 10.
    InstrumentSpec::new(
        Decimal::from_str_exact("0.5").unwrap(),
        Decimal::from_str_exact("0.01").unwrap(),
        Decimal::from_str_exact("0.05").unwrap(),
        Some(Decimal::TEN),
    )
    .unwrap()
}

fn ctx(position: &str, price: &str, equity: &str) -> SignalContext {
    SignalContext {
        position: Decimal::from_str_exact(position).unwrap(),
        price: Some(Price::parse(price).unwrap()),
        equity: Cash::parse(equity).unwrap(),
    }
}

fn spec_oms(sizer: Sizer) -> OrderManager {
    let mut specs = SymbolMap::default();
    specs.insert(Symbol::new("X"), spec());
    OrderManager::new(sizer, RiskLimits::default(), 0).with_instruments(specs)
}

#[test]
fn sized_targets_floor_to_the_lot() {
    // 1000 / 300 = 3.333… floors to 3.33.
    let mut m = spec_oms(Sizer::FixedNotional(Cash::parse("1000").unwrap()));
    let mut out = Vec::new();
    let o = m
        .on_signal(&sig(Target::Long), ctx("0", "300", "0"), &mut out)
        .unwrap()
        .unwrap();
    assert_eq!(o.qty, q("3.33"));
    // 10 % of 7 777 at 100 = 7.777 floors to 7.77 (short).
    let mut m = spec_oms(Sizer::EquityFraction(Decimal::from_str_exact("0.1").unwrap()));
    let o = m
        .on_signal(&sig(Target::Short), ctx("0", "100", "7777"), &mut out)
        .unwrap()
        .unwrap();
    assert_eq!((o.side, o.qty), (Side::Sell, q("7.77")));
}

#[test]
fn orders_under_the_minimum_are_refused() {
    let mut m = spec_oms(Sizer::FixedQuantity(q("0.04")));
    let mut out = Vec::new();
    let e = m
        .on_signal(&sig(Target::Long), ctx("0", "1000", "0"), &mut out)
        .unwrap_err();
    assert!(
        matches!(e, RiskRejection::Instrument(SpecError::BelowMinQty { .. })),
        "{e}"
    );
    // 0.06 × 100 = 6 < min_notional 10.
    let mut m = spec_oms(Sizer::FixedQuantity(q("0.06")));
    let e = m
        .on_signal(&sig(Target::Long), ctx("0", "100", "0"), &mut out)
        .unwrap_err();
    assert!(
        matches!(e, RiskRejection::Instrument(SpecError::BelowMinNotional { .. })),
        "{e}"
    );
    assert!(out.is_empty());
    // A rebalance smaller than a lot sends nothing and is no error.
    let mut m = spec_oms(Sizer::FixedQuantity(q("1.004")));
    assert!(m
        .on_signal(&sig(Target::Long), ctx("1", "100", "0"), &mut out)
        .unwrap()
        .is_none());
    // Closing a position under the minimum still goes out, whole.
    let f = m
        .on_signal(&sig(Target::Flat), ctx("0.013", "100", "0"), &mut out)
        .unwrap()
        .unwrap();
    assert_eq!((f.side, f.qty, f.reduce_only), (Side::Sell, q("0.013"), true));
}

#[test]
fn limit_and_stop_prices_round_to_the_tick() {
    let mut m = spec_oms(Sizer::FixedQuantity(q("1")));
    let mut out = Vec::new();
    let p = Price::parse("100.3").unwrap();
    let limit = OrderKind::Limit {
        price: p,
        post_only: false,
    };
    let mut s = sig(Target::Long);
    s.kind = limit;
    let buy = m.on_signal(&s, ctx("0", "100", "0"), &mut out).unwrap().unwrap();
    assert_eq!(
        buy.kind,
        OrderKind::Limit {
            price: Price::parse("100").unwrap(),
            post_only: false
        }
    );
    let mut s = sig(Target::Short);
    s.kind = OrderKind::StopMarket { trigger: p };
    let sell = m.on_signal(&s, ctx("1", "100", "0"), &mut out).unwrap().unwrap();
    assert_eq!(
        sell.kind,
        OrderKind::StopMarket {
            trigger: Price::parse("100").unwrap()
        }
    );
}

#[test]
fn unsized_signals_are_rejected_with_the_reason() {
    let mut m = oms(RiskLimits::default());
    m = OrderManager::new(
        Sizer::VolTarget {
            target: Decimal::ONE,
            lookback: 5,
        },
        RiskLimits::default(),
        m.last_id(),
    );
    let mut out = Vec::new();
    let e = m
        .on_signal(&sig(Target::Long), ctx("0", "100", "1000"), &mut out)
        .unwrap_err();
    assert!(e.to_string().contains("0 of 5 returns"), "{e}");
    // Flat needs no size.
    assert!(m
        .on_signal(&sig(Target::Flat), ctx("2", "100", "1000"), &mut out)
        .unwrap()
        .is_some());
}
