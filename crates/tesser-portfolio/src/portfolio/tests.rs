use super::*;
use crate::Direction;
use tesser_core::{ClientOrderId, Quantity, Timestamp};

fn fill(side: Side, qty: &str, price: &str, fee: &str, t: i64) -> Fill {
    Fill {
        order_id: ClientOrderId(t as u64),
        symbol: Symbol::new("X"),
        side,
        qty: Quantity::parse(qty).unwrap(),
        price: Price::parse(price).unwrap(),
        fee: Cash::parse(fee).unwrap(),
        ts: Timestamp::from_millis(t),
        exec_id: None,
    }
}

fn cash(s: &str) -> Cash {
    Cash::parse(s).unwrap()
}

#[test]
fn long_round_trip_with_fees() {
    // The first reference trade at 10 bps: 227.35 -> 223.37, fees 0.45072.
    let mut p = Portfolio::new(cash("1000000"));
    assert!(p
        .apply_fill(&fill(Side::Buy, "1", "227.35", "0.22735", 1))
        .is_none());
    let t = p
        .apply_fill(&fill(Side::Sell, "1", "223.37", "0.22337", 2))
        .unwrap();
    assert_eq!(t.direction, Direction::Long);
    assert_eq!(t.gross_pnl, cash("-3.98"));
    assert_eq!(t.fees, cash("0.45072"));
    assert_eq!(t.net_pnl, cash("-4.43072"));
    assert_eq!(p.equity(), cash("999995.56928"));
    assert_eq!(p.realized(), t.net_pnl);
    assert_eq!(p.net_position(Symbol::new("X")), Decimal::ZERO);
}

#[test]
fn reversal_splits_fill_and_fee() {
    let mut p = Portfolio::new(cash("1000"));
    p.apply_fill(&fill(Side::Buy, "1", "100", "1", 1));
    let t = p.apply_fill(&fill(Side::Sell, "2", "110", "2", 2)).unwrap();
    assert_eq!(
        (t.qty.to_string(), t.gross_pnl, t.fees),
        ("1".into(), cash("10"), cash("2"))
    );
    let pos = p.position(Symbol::new("X")).unwrap();
    assert_eq!(pos.net, Decimal::NEGATIVE_ONE);
    assert_eq!(pos.avg_entry.to_string(), "110");
    assert_eq!(pos.open_fees, cash("1"));
    assert_eq!(pos.opened, Timestamp::from_millis(2));
    p.mark(Symbol::new("X"), Price::parse("100").unwrap());
    // cash: 1000 - 100 - 1 + 220 - 2 = 1117; short 1 at 100 -> equity 1017.
    assert_eq!(p.equity(), cash("1017"));
    assert_eq!(p.unrealized(), cash("10"));
    let t = p.apply_fill(&fill(Side::Buy, "1", "100", "1", 3)).unwrap();
    assert_eq!(
        (t.direction, t.gross_pnl, t.net_pnl),
        (Direction::Short, cash("10"), cash("8"))
    );
}

#[test]
fn scaling_in_averages_entry_and_partial_close_prorates_fees() {
    let mut p = Portfolio::new(cash("0"));
    p.apply_fill(&fill(Side::Buy, "1", "100", "1", 1));
    p.apply_fill(&fill(Side::Buy, "3", "120", "3", 2));
    let pos = p.position(Symbol::new("X")).unwrap();
    assert_eq!(pos.avg_entry.to_string(), "115");
    let t = p.apply_fill(&fill(Side::Sell, "2", "125", "2", 3)).unwrap();
    assert_eq!(t.gross_pnl, cash("20"));
    assert_eq!(t.fees, cash("4")); // half of 4 entry fees + 2 exit
    assert_eq!(t.entry_time, Timestamp::from_millis(1));
    assert_eq!(p.net_position(Symbol::new("X")), Decimal::TWO);
}

#[test]
fn funding_moves_cash_by_position_notional() {
    let mut p = Portfolio::new(cash("1000"));
    assert_eq!(p.apply_funding(Symbol::new("X"), Decimal::new(1, 4)), Cash::ZERO);
    p.apply_fill(&fill(Side::Sell, "2", "100", "0", 1));
    p.mark(Symbol::new("X"), Price::parse("110").unwrap());
    // Short 2 at mark 110, rate +0.01%: shorts receive 0.022.
    assert_eq!(
        p.apply_funding(Symbol::new("X"), Decimal::new(1, 4)),
        cash("-0.022")
    );
    assert_eq!(p.funding(), cash("-0.022"));
    // cash 1000 + 200 + 0.022; equity = cash - 2 * 110.
    assert_eq!(p.equity(), cash("980.022"));
}
