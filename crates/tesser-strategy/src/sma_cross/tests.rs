use super::*;
use std::path::Path;
use tesser_core::{Interval, Price, Quantity, Timestamp};

fn candles(closes: &[i64]) -> Vec<Candle> {
    closes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = Price::new(Decimal::from(*c)).unwrap();
            Candle {
                symbol: Symbol::new("T"),
                interval: Interval::D1,
                open_time: Timestamp::from_millis(i as i64 * 86_400_000),
                open: p,
                high: p,
                low: p,
                close: p,
                volume: Quantity::ZERO,
            }
        })
        .collect()
}

fn run(cfg: SmaCrossConfig, closes: &[i64]) -> Vec<(usize, Target)> {
    let mut s = SmaCross::new(cfg).unwrap();
    let mut pos = Decimal::ZERO;
    let mut got = Vec::new();
    for (i, c) in candles(closes).iter().enumerate() {
        let mut out = Vec::new();
        let p = pos;
        let positions = move |_: Symbol| p;
        s.on_candle(&Context::new(c.open_time, &positions), c, &mut out);
        for sig in out {
            pos = match sig.target {
                Target::Long => Decimal::ONE,
                Target::Short => -Decimal::ONE,
                Target::Flat => Decimal::ZERO,
            };
            got.push((i, sig.target));
        }
    }
    got
}

fn cfg(fast: usize, slow: usize, short: bool) -> SmaCrossConfig {
    SmaCrossConfig {
        symbol: "T".into(),
        fast_period: fast,
        slow_period: slow,
        min_samples: None,
        allow_short: short,
    }
}

#[test]
fn crosses_up_and_down_long_only() {
    // fast=1 (the close), slow=2. Row 2 is the first with both defined at t-1.
    let closes = [10, 10, 10, 12, 12, 9, 9];
    // row1: sma2=10, close 10 -> not above. row2: 10 vs 10 tie -> not above.
    // row3: 12 > 11 above (cross up). row4: 12 > 12? no -> cross down.
    assert_eq!(
        run(cfg(1, 2, false), &closes),
        vec![(3, Target::Long), (4, Target::Flat)]
    );
}

#[test]
fn first_decision_needs_both_averages_at_t_minus_1() {
    // Row 1 has SMA2 defined but not at t-1, so the jump there is no cross.
    assert_eq!(run(cfg(1, 2, false), &[1, 5, 6]), vec![]);
}

#[test]
fn long_short_reverses() {
    let closes = [10, 10, 8, 12, 7];
    assert_eq!(
        run(cfg(1, 2, true), &closes),
        vec![(3, Target::Long), (4, Target::Short)]
    );
}

#[test]
fn min_samples_delays_decisions() {
    let mut c = cfg(1, 2, false);
    c.min_samples = Some(5);
    // The cross up at row 3 comes before 5 candles were seen; the one at row 5 counts.
    assert_eq!(
        run(c, &[10, 10, 10, 12, 12, 13, 9]),
        vec![(5, Target::Long), (6, Target::Flat)]
    );
}

#[test]
fn bad_configs_name_the_field() {
    let err = SmaCross::new(cfg(30, 12, false)).unwrap_err().to_string();
    assert!(err.contains("slow_period"), "{err}");
    let err = SmaCross::new(cfg(0, 12, false)).unwrap_err().to_string();
    assert!(err.contains("fast_period"), "{err}");
}

#[test]
fn registry_reports_missing_and_unknown_fields() {
    let params: toml::Table = toml::from_str("symbol = 'X'\nfast_period = 3").unwrap();
    let err = crate::build_strategy("SmaCross", &params, Path::new("."))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("slow_period"), "{err}");
    let params: toml::Table =
        toml::from_str("symbol = 'X'\nfast_period = 3\nslow_period = 5\nfoo = 1").unwrap();
    let err = crate::build_strategy("SmaCross", &params, Path::new("."))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("foo"), "{err}");
    let params: toml::Table = toml::from_str("symbol = 'X'\nfast_period = 'a'\nslow_period = 5").unwrap();
    let err = crate::build_strategy("SmaCross", &params, Path::new("."))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("fast_period") || err.contains("integer"), "{err}");
    let err = crate::build_strategy("Nope", &params, Path::new("."))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("unknown strategy `Nope`"), "{err}");
}
