use super::*;
use crate::test_util::{assert_build_error, build, close_targets};

fn cfg(period: usize, mult: f64, short: bool, stop: Option<f64>) -> BollingerBreakoutConfig {
    BollingerBreakoutConfig {
        symbol: "T".into(),
        period,
        mult,
        allow_short: short,
        atr_stop_mult: stop,
        atr_period: 1,
    }
}

fn targets(cfg: BollingerBreakoutConfig, closes: &[f64]) -> Vec<(usize, Target)> {
    let mut s = BollingerBreakout::new(cfg).unwrap();
    close_targets(&mut s, closes)
}

#[test]
fn breakout_then_exit_at_mid() {
    // Row 4: window [10,10,13], mean 11, std sqrt(2) -> upper 12.41 < 13: long.
    // Row 5: [10,13,12] mean 11.67, 12 above mid: hold. Row 6: [13,12,11] mean 12: exit.
    let closes = [10.0, 10.0, 10.0, 10.0, 13.0, 12.0, 11.0];
    assert_eq!(
        targets(cfg(3, 1.0, false, None), &closes),
        vec![(4, Target::Long), (6, Target::Flat)]
    );
}

#[test]
fn no_trade_inside_band_or_on_flat_prices() {
    // A constant window has zero width: a close equal to the band is not outside.
    assert_eq!(targets(cfg(3, 1.0, true, None), &[10.0; 10]), vec![]);
    assert_eq!(
        targets(cfg(4, 2.0, true, None), &[10.0, 11.0, 10.0, 11.0, 10.0, 11.0]),
        vec![]
    );
}

#[test]
fn short_breakout_mirrors_when_allowed() {
    let closes = [10.0, 10.0, 10.0, 10.0, 10.0, 6.0, 9.5];
    assert_eq!(
        targets(cfg(5, 1.0, true, None), &closes),
        vec![(5, Target::Short), (6, Target::Flat)]
    );
    assert_eq!(targets(cfg(5, 1.0, false, None), &closes), vec![]);
}

// Row 5: window [10,10,10,10,14] mean 10.8, std 1.6 -> upper 12.4: long at 14,
// ATR(1) = 4, so a 0.5 ATR stop sits at 12. Row 6 closes 11.9: above the
// middle band (11.18) but below the stop.
const STOP_SERIES: [f64; 10] = [10.0, 10.0, 10.0, 10.0, 10.0, 14.0, 11.9, 15.0, 12.0, 20.0];

#[test]
fn atr_stop_exits_before_the_middle_band_and_rearms_inside_the_band() {
    // Row 7 closes above the upper band again but the long side is disarmed
    // until a close is back inside (row 8); row 9 breaks out afresh.
    assert_eq!(
        targets(cfg(5, 1.0, false, Some(0.5)), &STOP_SERIES),
        vec![(5, Target::Long), (6, Target::Flat), (9, Target::Long)]
    );
}

#[test]
fn without_stop_the_same_series_exits_at_mid() {
    // Row 8: window [10,14,11.9,15,12] mean 12.58 -> 12 <= mid: exit.
    assert_eq!(
        targets(cfg(5, 1.0, false, None), &STOP_SERIES),
        vec![(5, Target::Long), (8, Target::Flat), (9, Target::Long)]
    );
}

#[test]
fn bad_configs_name_the_field() {
    let name = "BollingerBreakout";
    assert_build_error(name, "symbol = 'X'\nperiod = 0", "period");
    assert_build_error(name, "symbol = 'X'\nperiod = 1", "period");
    assert_build_error(name, "symbol = 'X'\nmult = 0.0", "mult");
    assert_build_error(name, "symbol = 'X'\natr_stop_mult = -1.0", "atr_stop_mult");
    assert_build_error(name, "symbol = 'X'\natr_period = 0", "atr_period");
    assert_build_error(name, "symbol = 'X'\nmult = 'wide'", "mult");
    assert_build_error(name, "symbol = 'X'\nstop = 2.0", "stop");
    assert!(build(name, "symbol = 'X'\natr_stop_mult = 2.5").is_ok());
}
