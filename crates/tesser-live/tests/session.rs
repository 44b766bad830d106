//! The session's fill bookkeeping without any network.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;

use tesser_core::{
    exec_id_digest, Cash, ClientOrderId, Decimal, Event, Fill, OrderKind, OrderRequest, Price, Quantity,
    Side, Symbol, TimeInForce, Timestamp,
};
use tesser_engine::{Engine, EngineConfig};
use tesser_execution::{RiskLimits, Sizer};
use tesser_live::Session;

#[test]
fn equal_executions_are_two_fills_and_a_repeat_is_none() {
    let symbol = Symbol::new("BTCUSDT");
    let engine = Engine::new(
        common::sma(),
        EngineConfig {
            initial_equity: Cash::new(Decimal::from(100_000)),
            sizer: Sizer::FixedQuantity(Quantity::new(Decimal::ONE).unwrap()),
            limits: RiskLimits::default(),
            instruments: Default::default(),
        },
    );
    let mut session = Session::new(engine, None);
    let qty = Quantity::new(Decimal::new(2, 2)).unwrap();
    let order = OrderRequest {
        id: ClientOrderId(5),
        symbol,
        side: Side::Buy,
        qty,
        kind: OrderKind::Market,
        tif: TimeInForce::Ioc,
        reduce_only: false,
        created: Timestamp::from_millis(0),
    };
    session.engine_mut().restore_order(order, qty.get());
    // A taker order meeting two equal resting orders: same time, size, price.
    let half = Fill {
        order_id: order.id,
        symbol,
        side: Side::Buy,
        qty: Quantity::new(Decimal::new(1, 2)).unwrap(),
        price: Price::new(Decimal::from(42_000)).unwrap(),
        fee: Cash::ZERO,
        ts: Timestamp::from_millis(1_000),
        exec_id: Some(exec_id_digest("e1")),
    };
    let other = Fill {
        exec_id: Some(exec_id_digest("e2")),
        ..half
    };
    assert!(session.on_venue_event(&Event::Fill(half)));
    assert!(session.on_venue_event(&Event::Fill(other)));
    assert!(
        !session.on_venue_event(&Event::Fill(half)),
        "re-reported after a reconnect"
    );
    assert_eq!(session.engine().portfolio().net_position(symbol), qty.get());
    assert_eq!(session.take_output().fills, vec![half, other]);
    // An execution of an order this session never placed is not booked.
    let foreign = Fill {
        order_id: ClientOrderId(99),
        exec_id: Some(exec_id_digest("e3")),
        ..half
    };
    assert!(!session.on_venue_event(&Event::Fill(foreign)));
    assert_eq!(session.engine().portfolio().net_position(symbol), qty.get());
}
