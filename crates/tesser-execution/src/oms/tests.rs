use super::*;
use tesser_core::{Cash, OrderKind, OrderStatus, Price, Timestamp};

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
        .on_signal(&sig(Target::Long), Decimal::ZERO, &mut out)
        .unwrap()
        .unwrap();
    assert_eq!((o.side, o.qty, o.reduce_only), (Side::Buy, q("1"), false));
    // Same target again while the order works: nothing new.
    assert!(m
        .on_signal(&sig(Target::Long), Decimal::ZERO, &mut out)
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
    });
    assert_eq!(m.pending(o.symbol), Decimal::ZERO);
    let r = m
        .on_signal(&sig(Target::Short), Decimal::ONE, &mut out)
        .unwrap()
        .unwrap();
    assert_eq!((r.side, r.qty), (Side::Sell, q("2")));
    let f = m
        .on_signal(&sig(Target::Flat).with_size(q("5")), Decimal::ZERO, &mut out)
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
        .on_signal(&sig(Target::Long).with_size(q("2")), Decimal::ZERO, &mut out)
        .unwrap_err();
    assert!(matches!(big, RiskRejection::OrderTooLarge { .. }), "{big}");
    let pos = m
        .on_signal(&sig(Target::Long).with_size(q("1.2")), Decimal::ZERO, &mut out)
        .unwrap_err();
    assert!(matches!(pos, RiskRejection::PositionTooLarge { .. }), "{pos}");
    m.set_liquidate_only();
    assert_eq!(
        m.on_signal(&sig(Target::Long), Decimal::ZERO, &mut out)
            .unwrap_err(),
        RiskRejection::LiquidateOnly
    );
    assert!(m
        .on_signal(&sig(Target::Flat), Decimal::ONE, &mut out)
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
