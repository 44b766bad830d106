//! Named feature recipes computed bar by bar from closes.

use std::collections::VecDeque;

use crate::indicators::{RollingStats, Rsi, Sma};

/// One feature, parsed from a name such as `return_5` or `rsi_14`.
#[derive(Debug, Clone)]
pub(crate) enum Feature {
    /// `return_k`: `close[t] / close[t-k] - 1` (0 when the old close is 0).
    Return { k: usize, closes: VecDeque<f64> },
    /// `rsi_n`: Wilder RSI(n) divided by 100, in `[0, 1]`.
    Rsi(Rsi),
    /// `zscore_n`: z-score of the close over `n` bars (0 when flat).
    ZScore(RollingStats),
    /// `sma_ratio_n`: `close / SMA(n) - 1`.
    SmaRatio(Sma),
    /// `volatility_n`: population std of 1-bar returns over `n` bars.
    Volatility { prev: Option<f64>, stats: RollingStats },
}

/// The recipe names understood by [`Feature::parse`], for error messages.
pub(crate) const RECIPES: &str = "return_k, rsi_n, zscore_n, sma_ratio_n, volatility_n";

impl Feature {
    /// Parses `name`, or explains what is wrong with it.
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        let (recipe, n) = name
            .rsplit_once('_')
            .ok_or_else(|| format!("feature `{name}` is not `<recipe>_<n>` (recipes: {RECIPES})"))?;
        let n: usize = n
            .parse()
            .map_err(|_| format!("feature `{name}`: `{n}` is not a whole number of bars"))?;
        let min = match recipe {
            "zscore" | "volatility" => 2,
            _ => 1,
        };
        if n < min {
            return Err(format!("feature `{name}`: the window must be at least {min}"));
        }
        Ok(match recipe {
            "return" => Feature::Return {
                k: n,
                closes: VecDeque::with_capacity(n + 2),
            },
            "rsi" => Feature::Rsi(Rsi::new(n)),
            "zscore" => Feature::ZScore(RollingStats::new(n)),
            "sma_ratio" => Feature::SmaRatio(Sma::new(n)),
            "volatility" => Feature::Volatility {
                prev: None,
                stats: RollingStats::new(n),
            },
            _ => {
                return Err(format!(
                    "feature `{name}`: unknown recipe `{recipe}` (recipes: {RECIPES})"
                ))
            }
        })
    }

    /// Feeds a close; returns the feature's value once defined.
    pub(crate) fn update(&mut self, close: f64) -> Option<f64> {
        match self {
            Feature::Return { k, closes } => {
                closes.push_back(close);
                if closes.len() > *k + 1 {
                    closes.pop_front();
                }
                let old = *closes.front()?;
                (closes.len() == *k + 1).then(|| if old == 0.0 { 0.0 } else { close / old - 1.0 })
            }
            Feature::Rsi(rsi) => rsi.update(close).map(|v| v / 100.0),
            Feature::ZScore(stats) => stats.update(close),
            Feature::SmaRatio(sma) => sma
                .update(close)
                .map(|m| if m == 0.0 { 0.0 } else { close / m - 1.0 }),
            Feature::Volatility { prev, stats } => {
                let p = prev.replace(close)?;
                let r = if p == 0.0 { 0.0 } else { close / p - 1.0 };
                stats.update(r);
                stats.std()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_compute_their_values() {
        let mut r = Feature::parse("return_2").unwrap();
        assert_eq!(r.update(100.0), None);
        assert_eq!(r.update(105.0), None);
        assert_eq!(r.update(150.0), Some(0.5));
        let mut s = Feature::parse("sma_ratio_2").unwrap();
        s.update(1.0);
        assert_eq!(s.update(3.0), Some(0.5));
        let mut v = Feature::parse("volatility_2").unwrap();
        assert_eq!(v.update(100.0), None);
        assert_eq!(v.update(110.0), None);
        assert!((v.update(99.0).unwrap() - 0.1).abs() < 1e-12); // returns +10%, -10%
        let mut z = Feature::parse("zscore_3").unwrap();
        assert_eq!([5.0, 5.0, 5.0].map(|c| z.update(c)), [None, None, Some(0.0)]);
    }

    #[test]
    fn bad_names_are_explained() {
        for (name, needle) in [
            ("momentum_3", "unknown recipe `momentum`"),
            ("return", "<recipe>_<n>"),
            ("rsi_x", "whole number"),
            ("zscore_1", "at least 2"),
            ("return_0", "at least 1"),
        ] {
            let err = Feature::parse(name).unwrap_err();
            assert!(err.contains(needle), "{name}: {err}");
        }
    }
}
