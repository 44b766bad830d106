use super::*;
use tesser_core::{Interval, Timestamp};

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn px(s: &str) -> Option<Price> {
    Some(Price::parse(s).unwrap())
}

fn x() -> Symbol {
    Symbol::new("X")
}

fn candle(i: i64, close: &str) -> Candle {
    let p = Price::parse(close).unwrap();
    Candle {
        symbol: x(),
        interval: Interval::D1,
        open_time: Timestamp::from_millis(i * 86_400_000),
        open: p,
        high: p,
        low: p,
        close: p,
        volume: Quantity::ZERO,
    }
}

#[test]
fn fixed_quantity_needs_nothing() {
    let s = Sizer::FixedQuantity(Quantity::parse("0.3").unwrap());
    let size = s.size(x(), None, Cash::ZERO, &VolTracker::default()).unwrap();
    assert_eq!(size, d("0.3"));
}

#[test]
fn fixed_notional_divides_by_price() {
    let s = Sizer::FixedNotional(Cash::new(d("1000")));
    let size = s.size(x(), px("40"), Cash::ZERO, &VolTracker::default()).unwrap();
    assert_eq!(size, d("25"));
    let size = s
        .size(x(), px("300"), Cash::ZERO, &VolTracker::default())
        .unwrap();
    // 1000 / 300 = 3.333…, exact to 28 digits (the lot floors it later).
    assert!(size > d("3.3333333333") && size < d("3.3333333334"), "{size}");
    assert!(matches!(
        s.size(x(), None, Cash::ZERO, &VolTracker::default()),
        Err(SizingError::NoPrice { .. })
    ));
}

#[test]
fn percent_of_equity_uses_current_equity() {
    let s = Sizer::EquityFraction(d("0.25"));
    // 25 % of 8000 = 2000 quote at 50 = 40 units.
    let size = s
        .size(x(), px("50"), Cash::new(d("8000")), &VolTracker::default())
        .unwrap();
    assert_eq!(size, d("40"));
    assert!(matches!(
        s.size(x(), px("50"), Cash::new(d("-1")), &VolTracker::default()),
        Err(SizingError::NoEquity { .. })
    ));
}

#[test]
fn vol_target_scales_by_realised_vol() {
    let s = Sizer::VolTarget {
        target: d("0.2"),
        lookback: 2,
    };
    let mut vol = VolTracker::new(2);
    vol.on_candle(&candle(0, "100"));
    vol.on_candle(&candle(1, "101"));
    assert_eq!(
        s.size(x(), px("101"), Cash::new(d("10000")), &vol),
        Err(SizingError::NotEnoughHistory {
            symbol: x(),
            have: 1,
            need: 2
        })
    );
    vol.on_candle(&candle(2, "99.99"));
    // Returns +1 %, -1 %: sample sd 0.01·√2, annualised ×√365 = 0.2701851;
    // 0.2 / 0.2701851 = 0.74023321 of equity 10 000 at 99.99 = 74.0307 units.
    let size = s.size(x(), px("99.99"), Cash::new(d("10000")), &vol).unwrap();
    assert!(size > d("74.0307") && size < d("74.0308"), "{size}");
    // The window rolls: three more flat closes make volatility zero.
    for i in 3..6 {
        vol.on_candle(&candle(i, "99.99"));
    }
    assert_eq!(
        s.size(x(), px("99.99"), Cash::new(d("10000")), &vol),
        Err(SizingError::ZeroVolatility { symbol: x() })
    );
}

#[test]
fn trackers_without_lookback_keep_nothing() {
    let mut vol = VolTracker::new(0);
    for i in 0..10 {
        vol.on_candle(&candle(i, "100"));
    }
    assert!(vol.windows.is_empty());
}
