//! Position sizers: how big a target position a signal without a size asks for.
//!
//! Every sizer returns an exact [`Decimal`] number of base units; the order
//! manager then floors it to the instrument's lot size. Statistics (realised
//! volatility) are computed in `f64` and converted once, at the boundary.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use tesser_core::{Candle, Cash, Decimal, Price, Quantity, Symbol, SymbolMap};

/// Decimal places kept of the `f64` volatility ratio before it meets money.
const RATIO_DP: u32 = 8;

/// How big a position a signal asks for when it names no size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sizer {
    /// A fixed number of base units.
    FixedQuantity(Quantity),
    /// A fixed quote amount: `notional / price` base units.
    FixedNotional(Cash),
    /// A fraction of current equity: `fraction × equity / price` base units.
    EquityFraction(Decimal),
    /// Volatility targeting: `target / realised × equity / price` base units,
    /// where `realised` is the annualised sample standard deviation of the
    /// last `lookback` close-to-close simple returns of the symbol's candles
    /// (annualised with the candles' bars per year).
    VolTarget {
        /// Target annualised volatility as a fraction (0.2 = 20 %).
        target: Decimal,
        /// Returns in the volatility window (at least 2).
        lookback: usize,
    },
}

/// Why a sizer could not produce a size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizingError {
    /// No price is known yet for the symbol.
    #[error("{sizer} sizer: no price known for {symbol} yet")]
    NoPrice {
        /// Sizer name.
        sizer: &'static str,
        /// Instrument.
        symbol: Symbol,
    },
    /// The volatility window is not full yet.
    #[error("vol-target sizer: {have} of {need} returns of {symbol} seen so far")]
    NotEnoughHistory {
        /// Instrument.
        symbol: Symbol,
        /// Returns seen.
        have: usize,
        /// Returns needed (`lookback`).
        need: usize,
    },
    /// Realised volatility is zero or not a number (flat prices).
    #[error("vol-target sizer: realised volatility of {symbol} is zero")]
    ZeroVolatility {
        /// Instrument.
        symbol: Symbol,
    },
    /// Equity is zero or negative: nothing to size from.
    #[error("{sizer} sizer: equity {equity} is not positive")]
    NoEquity {
        /// Sizer name.
        sizer: &'static str,
        /// Current equity.
        equity: Cash,
    },
}

impl Sizer {
    /// Short name, as in `--sizer`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Sizer::FixedQuantity(_) => "fixed",
            Sizer::FixedNotional(_) => "notional",
            Sizer::EquityFraction(_) => "percent",
            Sizer::VolTarget { .. } => "vol-target",
        }
    }

    /// The target size in base units (before lot rounding).
    ///
    /// # Errors
    /// A [`SizingError`] when an input the sizer needs is missing: the price
    /// (all but fixed quantity), positive equity (percent, vol-target) or a
    /// full, non-flat volatility window (vol-target).
    pub fn size(
        &self,
        symbol: Symbol,
        price: Option<Price>,
        equity: Cash,
        vol: &VolTracker,
    ) -> Result<Decimal, SizingError> {
        let sizer = self.name();
        let need_price = || {
            price
                .filter(|p| !p.is_zero())
                .map(Price::get)
                .ok_or(SizingError::NoPrice { sizer, symbol })
        };
        let (quote, price) = match *self {
            Sizer::FixedQuantity(q) => return Ok(q.get()),
            Sizer::FixedNotional(notional) => (notional.get(), need_price()?),
            Sizer::EquityFraction(fraction) => (positive(sizer, equity)? * fraction, need_price()?),
            Sizer::VolTarget { target, lookback } => {
                let price = need_price()?;
                let equity = positive(sizer, equity)?;
                let realised = vol.annualised(symbol, lookback)?;
                let ratio = f64::try_from(target).unwrap_or(f64::NAN) / realised;
                let ratio = Decimal::try_from(ratio)
                    .map_err(|_| SizingError::ZeroVolatility { symbol })?
                    .round_dp(RATIO_DP);
                (equity * ratio, price)
            }
        };
        Ok((quote / price).max(Decimal::ZERO))
    }
}

fn positive(sizer: &'static str, equity: Cash) -> Result<Decimal, SizingError> {
    if equity.is_positive() {
        Ok(equity.get())
    } else {
        Err(SizingError::NoEquity { sizer, equity })
    }
}

#[derive(Debug, Clone, Default)]
struct Window {
    last_close: Option<f64>,
    returns: VecDeque<f64>,
    bars_per_year: f64,
}

/// Rolling close-to-close returns per symbol, kept only for the vol-target
/// sizer (capacity `lookback`; nothing is stored when `lookback` is zero).
#[derive(Debug, Clone, Default)]
pub struct VolTracker {
    lookback: usize,
    windows: SymbolMap<Window>,
}

impl VolTracker {
    /// A tracker keeping `lookback` returns per symbol (0 keeps nothing).
    #[must_use]
    pub fn new(lookback: usize) -> Self {
        Self {
            lookback,
            windows: SymbolMap::default(),
        }
    }

    /// Records a candle's close.
    pub fn on_candle(&mut self, candle: &Candle) {
        if self.lookback == 0 {
            return;
        }
        let w = self.windows.entry(candle.symbol).or_default();
        let close = candle.close.to_f64();
        w.bars_per_year = candle.interval.bars_per_year();
        if let Some(prev) = w.last_close.filter(|p| *p > 0.0) {
            if w.returns.len() == self.lookback {
                w.returns.pop_front();
            }
            w.returns.push_back(close / prev - 1.0);
        }
        w.last_close = Some(close);
    }

    /// Annualised sample standard deviation of the last `lookback` returns.
    ///
    /// # Errors
    /// [`SizingError::NotEnoughHistory`] before `lookback` returns were seen
    /// (or when `lookback < 2`), [`SizingError::ZeroVolatility`] for flat prices.
    pub fn annualised(&self, symbol: Symbol, lookback: usize) -> Result<f64, SizingError> {
        let window = self.windows.get(&symbol);
        let have = window.map_or(0, |w| w.returns.len());
        let need = lookback.max(2);
        let Some(w) = window.filter(|_| have >= need) else {
            return Err(SizingError::NotEnoughHistory { symbol, have, need });
        };
        let n = w.returns.len() as f64;
        let mean = w.returns.iter().sum::<f64>() / n;
        let var = w.returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let vol = (var * w.bars_per_year).sqrt();
        if vol.is_finite() && vol > 0.0 {
            Ok(vol)
        } else {
            Err(SizingError::ZeroVolatility { symbol })
        }
    }
}

#[cfg(test)]
mod tests;
