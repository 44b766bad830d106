use super::*;
use crate::test_util::{assert_build_error, build, close_targets, flat_candle, run_candles};

fn cfg(short: bool) -> RsiReversionConfig {
    RsiReversionConfig {
        symbol: "T".into(),
        period: 2,
        oversold: 30.0,
        exit_level: 50.0,
        overbought: 70.0,
        short_exit_level: None,
        allow_short: short,
    }
}

fn targets(cfg: RsiReversionConfig, closes: &[f64]) -> Vec<(usize, Target)> {
    let mut s = RsiReversion::new(cfg).unwrap();
    close_targets(&mut s, closes)
}

#[test]
fn enters_oversold_and_exits_on_recovery() {
    // RSI(2) first defined at row 2. Rows 1-2 fall: RSI 0 -> long at row 2.
    // Row 3 +1: gain avg 0.5, loss avg 0.5 -> RSI 50, not above 50 (hold).
    // Row 4 +4: gain 2.25, loss 0.25 -> RSI 90 -> exit.
    let closes = [10.0, 9.0, 8.0, 9.0, 13.0, 14.0];
    assert_eq!(
        targets(cfg(false), &closes),
        vec![(2, Target::Long), (4, Target::Flat)]
    );
}

#[test]
fn no_trade_without_extremes_or_when_flat() {
    // Alternating moves keep RSI near 50; a flat market reads 50, not 0.
    assert_eq!(targets(cfg(false), &[10.0, 11.0, 10.0, 11.0, 10.0, 11.0]), vec![]);
    assert_eq!(targets(cfg(false), &[5.0; 20]), vec![]);
}

#[test]
fn long_only_ignores_overbought() {
    assert_eq!(targets(cfg(false), &[10.0, 11.0, 12.0, 13.0]), vec![]);
}

#[test]
fn short_side_mirrors() {
    // Rising: RSI 100 at row 2 -> short. Then falls -> RSI < 50 -> flat.
    let closes = [10.0, 11.0, 12.0, 11.5, 8.0];
    assert_eq!(
        targets(cfg(true), &closes),
        vec![(2, Target::Short), (4, Target::Flat)]
    );
}

#[test]
fn one_transition_per_bar_and_no_repeats() {
    // Stays oversold for several bars: only one long signal.
    let closes = [10.0, 9.0, 8.0, 7.0, 6.0, 5.0];
    assert_eq!(targets(cfg(false), &closes), vec![(2, Target::Long)]);
}

#[test]
fn ignores_other_symbols() {
    let mut s = RsiReversion::new(cfg(false)).unwrap();
    let candles: Vec<_> = (0..10)
        .map(|i| flat_candle("OTHER", i, 10.0 - i as f64))
        .collect();
    assert!(run_candles(&mut s, &candles).is_empty());
}

#[test]
fn bad_configs_name_the_field() {
    let name = "RsiReversion";
    assert_build_error(name, "symbol = 'X'\nperiod = 0", "period");
    assert_build_error(name, "symbol = 'X'\noversold = 60", "exit_level");
    assert_build_error(name, "symbol = 'X'\noversold = -5", "oversold");
    assert_build_error(name, "symbol = 'X'\nexit_level = 100", "exit_level");
    assert_build_error(
        name,
        "symbol = 'X'\nallow_short = true\noverbought = 40",
        "overbought",
    );
    assert_build_error(name, "symbol = 'X'\nperiods = 3", "periods");
    assert_build_error(name, "symbol = 'X'\nperiod = 'fourteen'", "period");
    assert_build_error(name, "period = 3", "symbol");
    assert_build_error(name, "symbol = ' '", "symbol");
    assert!(build(
        name,
        "symbol = 'X'\noversold = 25\nexit_level = 55\nallow_short = true"
    )
    .is_ok());
}

#[test]
fn sync_positions_forgets_a_warm_up_entry() {
    // Warm-up: the fall to row 2 "enters" long, but the signal went nowhere.
    let mut s = RsiReversion::new(cfg(false)).unwrap();
    assert_eq!(close_targets(&mut s, &[10.0, 9.0, 8.0]), vec![(2, Target::Long)]);
    // Still believing it is long, a further fall would not re-enter...
    let mut unsynced = s.clone();
    assert_eq!(close_targets(&mut unsynced, &[7.0]), vec![]);
    // ...but once told it holds nothing, it enters on the live bar.
    s.sync_positions(&|_| tesser_core::Decimal::ZERO);
    assert_eq!(close_targets(&mut s, &[7.0]), vec![(0, Target::Long)]);
    // And a restored long position is managed (exited) as its own.
    let mut restored = RsiReversion::new(cfg(false)).unwrap();
    restored.sync_positions(&|_| tesser_core::Decimal::ONE);
    assert_eq!(
        close_targets(&mut restored, &[10.0, 11.0, 12.0]),
        vec![(2, Target::Flat)]
    );
}
