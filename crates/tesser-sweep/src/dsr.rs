//! The deflated Sharpe ratio (Bailey and López de Prado, "The Deflated
//! Sharpe Ratio: Correcting for Selection Bias, Backtest Overfitting and
//! Non-Normality", Journal of Portfolio Management, 2014), with the standard
//! normal distribution it needs.

use serde::Serialize;

use crate::runner::RunRecord;

/// Euler–Mascheroni constant.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// `c[0] z^(n-1) + ... + c[n-1]`.
fn horner(c: &[f64], z: f64) -> f64 {
    c.iter().fold(0.0, |acc, k| acc * z + k)
}

/// Standard normal CDF, accurate to double precision (Hart 1968 as given by
/// G. West, "Better approximations to cumulative normal functions", 2005).
#[must_use]
pub fn norm_cdf(x: f64) -> f64 {
    let z = x.abs();
    let tail = if z > 37.0 {
        0.0
    } else {
        let e = (-z * z / 2.0).exp();
        if z < 7.071_067_811_865_47 {
            let num = horner(
                &[
                    0.035_262_496_599_891_1,
                    0.700_383_064_443_688,
                    6.373_962_203_531_65,
                    33.912_866_078_383,
                    112.079_291_497_871,
                    221.213_596_169_931,
                    220.206_867_912_376,
                ],
                z,
            );
            let den = horner(
                &[
                    0.088_388_347_648_318_4,
                    1.755_667_163_182_64,
                    16.064_177_579_207,
                    86.780_732_202_946_1,
                    296.564_248_779_674,
                    637.333_633_378_831,
                    793.826_512_519_948,
                    440.413_735_824_752,
                ],
                z,
            );
            e * num / den
        } else {
            let b = z + 1.0 / (z + 2.0 / (z + 3.0 / (z + 4.0 / (z + 0.65))));
            e / b / 2.506_628_274_631
        }
    };
    if x > 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Inverse standard normal CDF for `p` in `(0, 1)` (P. J. Acklam's rational
/// approximation refined by one Halley step); `NaN` outside `(0, 1)`.
#[must_use]
pub fn norm_inv(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return f64::NAN;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let e = norm_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Expected maximum Sharpe ratio of `trials` independent strategies with true
/// Sharpe zero and Sharpe-ratio variance `variance` (the paper's `SR0`).
#[must_use]
pub fn expected_max_sharpe(trials: usize, variance: f64) -> f64 {
    let n = trials as f64;
    variance.sqrt()
        * ((1.0 - EULER_GAMMA) * norm_inv(1.0 - 1.0 / n)
            + EULER_GAMMA * norm_inv(1.0 - 1.0 / (n * std::f64::consts::E)))
}

/// The probability that the true Sharpe ratio exceeds `sr0`, given an
/// observed per-period Sharpe `sr` over `returns` observations with
/// `skewness` and non-excess `kurtosis` (the probabilistic Sharpe ratio).
#[must_use]
pub fn probabilistic_sharpe(sr: f64, sr0: f64, returns: u64, skewness: f64, kurtosis: f64) -> f64 {
    let t = returns as f64;
    let denom = (1.0 - skewness * sr + (kurtosis - 1.0) / 4.0 * sr * sr).sqrt();
    norm_cdf((sr - sr0) * (t - 1.0).sqrt() / denom)
}

/// The deflated Sharpe ratio of the best run of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deflated {
    /// Runs with a defined Sharpe ratio (the trials).
    pub trials: usize,
    /// Id of the run with the highest per-bar Sharpe ratio.
    pub best_id: String,
    /// Its per-bar (not annualised) Sharpe ratio.
    pub sharpe: f64,
    /// Variance (ddof 1) of the trials' per-bar Sharpe ratios.
    pub variance: f64,
    /// Expected maximum per-bar Sharpe ratio under no skill.
    pub sr0: f64,
    /// Probability that the best run has a true Sharpe ratio above zero.
    pub dsr: f64,
}

/// The deflated Sharpe ratio over `records` (failed runs and runs without a
/// Sharpe ratio are not trials). `None` with fewer than two trials.
#[must_use]
pub fn deflated_sharpe(records: &[RunRecord]) -> Option<Deflated> {
    let trials: Vec<(&RunRecord, f64)> = records
        .iter()
        .filter_map(|r| r.metrics.as_ref().and_then(|m| m.sharpe_per_bar).map(|s| (r, s)))
        .collect();
    if trials.len() < 2 {
        return None;
    }
    let n = trials.len() as f64;
    let mean = trials.iter().map(|t| t.1).sum::<f64>() / n;
    let variance = trials.iter().map(|t| (t.1 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let (best, sharpe) = trials
        .iter()
        .copied()
        .fold(trials[0], |a, b| if b.1 > a.1 { b } else { a });
    let m = best.metrics.as_ref()?;
    let sr0 = expected_max_sharpe(trials.len(), variance);
    let dsr = probabilistic_sharpe(
        sharpe,
        sr0,
        m.returns,
        m.skewness.unwrap_or(0.0),
        m.kurtosis.unwrap_or(3.0),
    );
    Some(Deflated {
        trials: trials.len(),
        best_id: best.id.clone(),
        sharpe,
        variance,
        sr0,
        dsr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_distribution_matches_tables() {
        // Φ(0) = 1/2, Φ(1) = 0.8413447460685429, Φ(-2) = 0.022750131948179195,
        // Φ(1.959963984540054) = 0.975 (standard tables).
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((norm_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-14);
        assert!((norm_cdf(-2.0) - 0.022_750_131_948_179_195).abs() < 1e-15);
        assert!((norm_inv(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((norm_inv(0.01) + 2.326_347_874_040_841).abs() < 1e-12);
        assert!((norm_inv(1e-10) + 6.361_340_902_404_056).abs() < 1e-9);
        assert!(norm_inv(1.0).is_nan());
    }

    #[test]
    fn paper_numerical_example() {
        // Bailey & López de Prado (2014), section 5: annualised SR 2.5 over 5
        // years of daily returns (T = 1250, 250 days a year), N = 100 trials
        // with annualised SR variance 1/2, skewness -3, kurtosis 10: DSR ≈ 0.9004.
        let sr = 2.5 / 250_f64.sqrt();
        let variance = 0.5 / 250.0;
        let sr0 = expected_max_sharpe(100, variance);
        // By hand: sqrt(.002) × (.42278 × 2.32635 + .57722 × Φ⁻¹(1 - 1/(100e)) = 2.67936) ≈ 0.11315.
        assert!((sr0 - 0.113_15).abs() < 5e-5, "{sr0}");
        let dsr = probabilistic_sharpe(sr, sr0, 1250, -3.0, 10.0);
        assert!((dsr - 0.9004).abs() < 5e-4, "{dsr}");
    }
}
