use super::*;
use crate::test_util::{assert_build_error, build, flat_candle, run_candles};
use tesser_core::Candle;

fn cfg(stop: Option<f64>) -> PairsTradingConfig {
    PairsTradingConfig {
        symbol_y: "Y".into(),
        symbol_x: "X".into(),
        lookback: 30,
        zscore_window: 20,
        entry_z: 2.0,
        exit_z: 0.5,
        stop_z: stop,
        quantity: Quantity::new(Decimal::from(2)).unwrap(),
        qty_decimals: 3,
    }
}

/// `x` swings ±80 around 100 (so one shock barely moves the hedge ratio); `y = 0.5 x + 50 + shock`.
fn legs(shocks: &[f64]) -> Vec<Candle> {
    let mut out = Vec::new();
    for (i, s) in shocks.iter().enumerate() {
        let x = 100.0 + if i % 2 == 0 { 80.0 } else { -80.0 } + i as f64 * 0.5;
        out.push(flat_candle("Y", i, 0.5 * x + 50.0 + s));
        out.push(flat_candle("X", i, x));
    }
    out
}

type Row = (i64, &'static str, Target, Option<String>);

fn signals(s: &mut PairsTradingArbitrage, candles: &[Candle]) -> Vec<Row> {
    run_candles(s, candles)
        .into_iter()
        .map(|(_, sig)| {
            (
                sig.ts.as_millis() / crate::test_util::DAY,
                sig.symbol.as_str(),
                sig.target,
                sig.size.map(|q| q.to_string()),
            )
        })
        .collect()
}

/// 80 bars of small, smooth spread noise plus `shocks` (bar, size).
fn with(shocks: &[(usize, f64)]) -> Vec<f64> {
    let mut s: Vec<f64> = (0..80).map(|i| 0.1 * (i as f64 * 0.7).sin()).collect();
    for (i, v) in shocks {
        s[*i] += v;
    }
    s
}

fn run(stop: Option<f64>, shocks: &[(usize, f64)]) -> Vec<Row> {
    let mut s = PairsTradingArbitrage::new(cfg(stop)).unwrap();
    signals(&mut s, &legs(&with(shocks)))
}

fn sz(v: &str) -> Option<String> {
    Some(v.to_owned())
}

// The first z-score is at bar 48 (hedge from bar 29, 20 spreads).

#[test]
fn calm_spread_never_trades() {
    assert_eq!(run(None, &[]), vec![]);
    assert_eq!(run(Some(3.5), &[]), vec![]);
}

#[test]
fn rich_y_shorts_the_spread_on_both_legs_and_exits_on_reversion() {
    // Bar 60: y jumps 1.0 over its hedge, z = 4.1 -> short y 2, long x 0.5004 x 2.
    // Bar 62: back to z = 0.4 <= exit_z -> flat on both legs.
    assert_eq!(
        run(None, &[(60, 1.0), (61, 0.8), (62, 0.3)]),
        vec![
            (60, "Y", Target::Short, sz("2")),
            (60, "X", Target::Long, sz("1.001")),
            (62, "Y", Target::Flat, sz("0")),
            (62, "X", Target::Flat, sz("0")),
        ]
    );
}

#[test]
fn cheap_y_longs_the_spread() {
    assert_eq!(
        run(None, &[(60, -1.0), (61, -0.8), (62, -0.3)]),
        vec![
            (60, "Y", Target::Long, sz("2")),
            (60, "X", Target::Short, sz("0.999")),
            (63, "Y", Target::Flat, sz("0")),
            (63, "X", Target::Flat, sz("0")),
        ]
    );
}

#[test]
fn no_entry_beyond_the_stop_level() {
    // Bar 60's z of 4.1 is past stop_z 3.5: wait; bar 61 (z 2.6) enters.
    assert_eq!(
        run(Some(3.5), &[(60, 1.0), (61, 0.8), (62, 0.3)]),
        vec![
            (61, "Y", Target::Short, sz("2")),
            (61, "X", Target::Long, sz("1")),
            (62, "Y", Target::Flat, sz("0")),
            (62, "X", Target::Flat, sz("0")),
        ]
    );
}

#[test]
fn stop_out_then_no_reentry_until_the_spread_calms() {
    // Bar 60: z 3.4 enters short; bar 61: z 4.3 > stop_z -> flat on both.
    // Bars 62-63 (z 2.9, 2.5) would qualify for entry but the stop disarmed it.
    assert_eq!(
        run(Some(3.5), &[(60, 0.5), (61, 4.0), (62, 4.0), (63, 4.0)]),
        vec![
            (60, "Y", Target::Short, sz("2")),
            (60, "X", Target::Long, sz("1")),
            (61, "Y", Target::Flat, sz("0")),
            (61, "X", Target::Flat, sz("0")),
        ]
    );
}

#[test]
fn leg_order_within_a_timestamp_does_not_matter() {
    let mut candles = legs(&with(&[(60, 1.0), (61, 0.8), (62, 0.3)]));
    for pair in candles.chunks_mut(2) {
        pair.swap(0, 1); // x first, then y
    }
    let mut s = PairsTradingArbitrage::new(cfg(None)).unwrap();
    assert_eq!(
        signals(&mut s, &candles),
        run(None, &[(60, 1.0), (61, 0.8), (62, 0.3)])
    );
    assert_eq!(s.unpaired_bars(), 0);
}

#[test]
fn a_bar_missing_in_one_leg_skips_that_timestamp() {
    let shocks = [(60, 1.0), (61, 0.8), (62, 0.3)];
    let full = legs(&with(&shocks));
    let ts_of = |c: &Candle| c.open_time.as_millis() / crate::test_util::DAY;
    // y is missing bar 55, x is missing bar 58 (y's bar then waits for nothing).
    let gappy: Vec<Candle> = full
        .iter()
        .filter(|c| !(c.symbol.as_str() == "Y" && ts_of(c) == 55))
        .filter(|c| !(c.symbol.as_str() == "X" && ts_of(c) == 58))
        .copied()
        .collect();
    // Same as if both legs lacked bars 55 and 58.
    let both_missing: Vec<Candle> = full
        .iter()
        .filter(|c| ts_of(c) != 55 && ts_of(c) != 58)
        .copied()
        .collect();
    let mut s = PairsTradingArbitrage::new(cfg(None)).unwrap();
    let got = signals(&mut s, &gappy);
    assert_eq!(s.unpaired_bars(), 2);
    let mut reference = PairsTradingArbitrage::new(cfg(None)).unwrap();
    assert_eq!(got, signals(&mut reference, &both_missing));
    assert!(!got.is_empty());
}

#[test]
fn late_bar_of_one_leg_is_discarded() {
    let mut s = PairsTradingArbitrage::new(cfg(None)).unwrap();
    let candles = [
        flat_candle("X", 5, 100.0),
        flat_candle("X", 6, 101.0), // x moved on: its bar 5 is unpaired
        flat_candle("Y", 5, 50.0),  // y's bar 5 arrives after x's bar 6: unpaired
        flat_candle("Y", 6, 51.0),  // pairs with x bar 6
    ];
    run_candles(&mut s, &candles);
    assert_eq!(s.unpaired_bars(), 2);
    assert_eq!(s.pending, [None, None]);
}

#[test]
fn flat_hedge_leg_never_trades() {
    let mut s = PairsTradingArbitrage::new(cfg(None)).unwrap();
    let candles: Vec<Candle> = (0..80)
        .flat_map(|i| {
            [
                flat_candle("Y", i, 50.0 + (i % 3) as f64),
                flat_candle("X", i, 100.0),
            ]
        })
        .collect();
    assert!(run_candles(&mut s, &candles).is_empty());
}

#[test]
fn bad_configs_name_the_field() {
    let name = "PairsTradingArbitrage";
    let base = "symbol_y = 'E'\nsymbol_x = 'B'\nquantity = 1";
    assert!(build(name, base).is_ok());
    assert!(build(name, "symbol_y = 'E'\nsymbol_x = 'B'\nquantity = '0.5'").is_ok());
    assert_build_error(name, &format!("{base}\nlookback = 0"), "lookback");
    assert_build_error(name, &format!("{base}\nzscore_window = 1"), "zscore_window");
    assert_build_error(name, &format!("{base}\nentry_z = 0.5\nexit_z = 1.0"), "entry_z");
    assert_build_error(name, &format!("{base}\nexit_z = -1.0"), "exit_z");
    assert_build_error(name, &format!("{base}\nstop_z = 1.0"), "stop_z");
    assert_build_error(name, "symbol_y = 'E'\nsymbol_x = 'E'\nquantity = 1", "symbol_x");
    assert_build_error(name, "symbol_y = 'E'\nsymbol_x = 'B'\nquantity = 0", "quantity");
    assert_build_error(name, "symbol_y = 'E'\nsymbol_x = 'B'\nquantity = -1", "quantity");
    assert_build_error(name, "symbol_y = 'E'\nsymbol_x = 'B'", "quantity");
    assert_build_error(name, &format!("{base}\nlookback = 'long'"), "lookback");
    assert_build_error(name, &format!("{base}\nhedge = 1"), "hedge");
}
