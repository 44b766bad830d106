//! Indicator values against TA-Lib's output on real data, plus edge cases:
//! long runs without drift, flat stretches without NaN.

use super::window::{PairWindow, Window};
use super::*;

const REFERENCE: &str = include_str!("../../tests/data/talib_indicators_btcusd_bitstamp_1d.csv");
const BTC: &str = include_str!("../../tests/data/btcusd_bitstamp_1d.csv");

struct Reference {
    header: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
}

impl Reference {
    fn load() -> Self {
        let mut lines = REFERENCE.lines();
        let header = lines.next().unwrap().split(',').map(str::to_owned).collect();
        let rows = lines
            .map(|l| {
                l.split(',')
                    .skip(1)
                    .map(|c| (!c.is_empty()).then(|| c.parse::<f64>().unwrap()))
                    .collect()
            })
            .collect();
        Self { header, rows }
    }

    fn column(&self, name: &str) -> Vec<Option<f64>> {
        let i = self.header.iter().position(|h| h == name).unwrap() - 1;
        self.rows.iter().map(|r| r[i]).collect()
    }
}

/// `(high, low, close)` per row of the BTC file.
fn bars() -> Vec<(f64, f64, f64)> {
    BTC.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<f64> = l.split(',').skip(1).map(|v| v.parse().unwrap()).collect();
            (c[1], c[2], c[3])
        })
        .collect()
}

/// Every reference value from the first defined row must match `ours` to
/// 1e-9 relative; before it, ours must be undefined too.
fn check(name: &str, ours: &[Option<f64>], first_row: usize) {
    let reference = Reference::load().column(name);
    assert_eq!(ours.len(), reference.len(), "{name}: row count");
    let first = reference.iter().position(Option::is_some).unwrap();
    assert_eq!(first, first_row, "{name}: first defined row in the reference");
    for (row, (a, b)) in ours.iter().zip(&reference).enumerate() {
        match (a, b) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                let tol = 1e-9 * a.abs().max(b.abs());
                assert!((a - b).abs() <= tol, "{name} row {row}: ours {a} vs TA-Lib {b}");
            }
            _ => panic!("{name} row {row}: ours {a:?} vs TA-Lib {b:?}"),
        }
    }
}

fn closes() -> Vec<f64> {
    let closes = Reference::load().column("close");
    closes.into_iter().map(Option::unwrap).collect()
}

fn map<T>(mut f: impl FnMut(f64) -> Option<T>, g: impl Fn(T) -> f64) -> Vec<Option<f64>> {
    closes().into_iter().map(|c| f(c).map(&g)).collect()
}

#[test]
fn sma_matches_talib() {
    let mut s = Sma::new(12);
    check("talib_sma_12", &map(|c| s.update(c), |v| v), 11);
    let mut s = Sma::new(30);
    check("talib_sma_30", &map(|c| s.update(c), |v| v), 29);
}

#[test]
fn ema_matches_talib() {
    let mut e = Ema::new(12);
    check("talib_ema_12", &map(|c| e.update(c), |v| v), 11);
    let mut e = Ema::new(26);
    check("talib_ema_26", &map(|c| e.update(c), |v| v), 25);
}

#[test]
fn rsi_matches_talib() {
    let mut r = Rsi::new(14);
    check("talib_rsi_14", &map(|c| r.update(c), |v| v), 14);
}

#[test]
fn bollinger_matches_talib() {
    let mut b = Bollinger::new(20, 2.0);
    let bands: Vec<_> = closes().into_iter().map(|c| b.update(c)).collect();
    let col = |f: fn(&Bands) -> f64| bands.iter().map(|b| b.as_ref().map(f)).collect::<Vec<_>>();
    check("talib_bb_upper_20_2", &col(|b| b.upper), 19);
    check("talib_bb_mid_20_2", &col(|b| b.mid), 19);
    check("talib_bb_lower_20_2", &col(|b| b.lower), 19);
}

#[test]
fn atr_matches_talib() {
    let mut a = Atr::new(14);
    let ours: Vec<_> = bars().into_iter().map(|(h, l, c)| a.update(h, l, c)).collect();
    check("talib_atr_14", &ours, 14);
}

#[test]
fn macd_matches_talib() {
    let mut m = Macd::new(12, 26, 9);
    let out: Vec<_> = closes().into_iter().map(|c| m.update(c)).collect();
    let col = |f: fn(&MacdValue) -> f64| out.iter().map(|v| v.as_ref().map(f)).collect::<Vec<_>>();
    check("talib_macd_12_26_9", &col(|v| v.macd), 33);
    check("talib_macd_signal_12_26_9", &col(|v| v.signal), 33);
    check("talib_macd_hist_12_26_9", &col(|v| v.hist), 33);
}

/// A deterministic pseudo-random walk (xorshift), so long runs need no crate.
fn walk(n: usize, level: f64, step: f64) -> Vec<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut x = level;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            x += step * ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5);
            x
        })
        .collect()
}

#[test]
fn rolling_window_does_not_drift_over_long_runs() {
    // Large level, small moves, a million updates: a naive running sum of
    // squares would lose the variance entirely.
    let mut w = Window::new(50);
    for x in walk(1_000_000, 1e7, 0.01) {
        w.push(x);
    }
    let (mean, var) = w.brute_force();
    assert!(
        (w.mean() - mean).abs() <= 1e-12 * mean.abs(),
        "{} vs {mean}",
        w.mean()
    );
    assert!(
        (w.variance() - var).abs() <= 1e-6 * var,
        "{} vs {var}",
        w.variance()
    );
}

#[test]
fn pair_window_does_not_drift_over_long_runs() {
    let mut w = PairWindow::new(40);
    let xs = walk(500_000, 5e4, 20.0);
    let ys = walk(500_000, 3e3, 2.0);
    for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
        w.push(*x, 0.05 * x + y + if i % 7 == 0 { 1e6 } else { 0.0 });
    }
    let m = w.moments().unwrap();
    let (vx, vy, cov) = w.brute_force();
    for (ours, exact) in [(m.var_x, vx), (m.var_y, vy), (m.cov, cov)] {
        assert!((ours - exact).abs() <= 1e-8 * exact.abs(), "{ours} vs {exact}");
    }
}

#[test]
fn spike_leaving_the_window_does_not_poison_the_variance() {
    let mut s = RollingStats::new(5);
    for x in [1e12, 1.0, 2.0, 3.0, 4.0, 5.0] {
        s.update(x);
    }
    assert!((s.std().unwrap() - 2f64.sqrt()).abs() < 1e-12, "{:?}", s.std());
}

#[test]
fn sma_long_run_matches_exact_mean() {
    let xs = walk(1_000_000, 1e6, 1.0);
    let mut s = Sma::new(7);
    let mut last = None;
    for x in &xs {
        last = s.update(*x);
    }
    let exact = xs[xs.len() - 7..].iter().sum::<f64>() / 7.0;
    assert!((last.unwrap() - exact).abs() <= 1e-12 * exact);
}

#[test]
fn flat_stretch_gives_zero_zscore_and_no_nan() {
    let mut s = RollingStats::new(4);
    let mut out = Vec::new();
    for x in [10.0, 11.0, 12.5, 10.1, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0] {
        out.push(s.update(x));
    }
    assert_eq!(out[2], None);
    assert!(out[3].unwrap() < 0.0);
    assert_eq!(&out[7..], &[Some(0.0), Some(0.0), Some(0.0)]);
    assert_eq!(s.std(), Some(0.0));
    let mut b = Bollinger::new(3, 2.0);
    for _ in 0..3 {
        b.update(0.1);
    }
    let bands = b.value().unwrap();
    assert_eq!((bands.upper, bands.lower, bands.std), (bands.mid, bands.mid, 0.0));
}

#[test]
fn zscore_of_known_window() {
    let mut s = RollingStats::new(4);
    for x in [2.0, 4.0, 4.0, 6.0] {
        s.update(x);
    }
    // mean 4, population std sqrt(2)
    assert!((s.zscore().unwrap() - 2.0 / 2f64.sqrt()).abs() < 1e-12);
    assert_eq!(s.mean(), Some(4.0));
}

#[test]
fn hedge_ratio_and_correlation_recover_a_linear_relation() {
    let mut h = RollingHedgeRatio::new(20);
    let mut c = RollingCorrelation::new(20);
    let xs = walk(200, 100.0, 3.0);
    let (mut reg, mut corr) = (None, None);
    for x in &xs {
        reg = h.update(*x, 2.5 * x + 7.0);
        corr = c.update(*x, -0.5 * x);
    }
    let reg = reg.unwrap();
    assert!(
        (reg.beta - 2.5).abs() < 1e-9 && (reg.alpha - 7.0).abs() < 1e-6,
        "{reg:?}"
    );
    assert!((corr.unwrap() + 1.0).abs() < 1e-9);
}

#[test]
fn flat_leg_has_no_hedge_ratio_and_zero_correlation() {
    let mut h = RollingHedgeRatio::new(3);
    let mut c = RollingCorrelation::new(3);
    for y in [1.0, 2.0, 3.0, 4.0] {
        assert_eq!(h.update(5.0, y), None);
        let corr = c.update(5.0, y);
        assert!(corr.is_none() || corr == Some(0.0));
    }
    assert_eq!(c.value(), Some(0.0));
}
