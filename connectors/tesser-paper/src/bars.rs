//! The bar each symbol is at, with the latest one kept in front of the map so
//! that a single-symbol replay never hashes on its per-bar path.

use tesser_core::{Candle, Decimal, Symbol, SymbolMap};

/// The bar (or trade print) a symbol is at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Current {
    pub(crate) bar: Candle,
    /// Volume already filled on this bar (volume cap).
    pub(crate) used: Decimal,
    /// True when the "bar" is the last trade print (zero length).
    pub(crate) ticks: bool,
}

/// Current bars per symbol. `latest` shadows any older entry of its symbol
/// in `others`; it moves there when a bar of another symbol arrives.
#[derive(Debug, Clone, Default)]
pub(crate) struct CurrentBars {
    latest: Option<Current>,
    others: SymbolMap<Current>,
}

impl CurrentBars {
    /// Makes `bar` the current bar of its symbol, with no volume used yet.
    #[inline]
    pub(crate) fn set(&mut self, bar: Candle, ticks: bool) {
        let next = Current {
            bar,
            used: Decimal::ZERO,
            ticks,
        };
        match &mut self.latest {
            Some(latest) if latest.bar.symbol == bar.symbol => *latest = next,
            latest => {
                if let Some(previous) = latest.replace(next) {
                    self.others.insert(previous.bar.symbol, previous);
                }
            }
        }
    }

    /// The current bar of `symbol`.
    #[inline]
    pub(crate) fn get(&self, symbol: Symbol) -> Option<&Current> {
        match &self.latest {
            Some(latest) if latest.bar.symbol == symbol => Some(latest),
            _ => self.others.get(&symbol),
        }
    }

    /// The current bar of `symbol`, to update its used volume.
    pub(crate) fn get_mut(&mut self, symbol: Symbol) -> Option<&mut Current> {
        match &mut self.latest {
            Some(latest) if latest.bar.symbol == symbol => Some(latest),
            _ => self.others.get_mut(&symbol),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::{Interval, Price, Timestamp};

    fn bar(symbol: &str, t: i64) -> Candle {
        let p = Price::new(Decimal::ONE).unwrap();
        Candle::flat(Symbol::new(symbol), Interval::M1, Timestamp::from_millis(t), p)
    }

    #[test]
    fn latest_shadows_and_moves_aside() {
        let mut bars = CurrentBars::default();
        let (a, b) = (Symbol::new("A"), Symbol::new("B"));
        bars.set(bar("A", 1), false);
        bars.set(bar("B", 1), true);
        bars.set(bar("A", 2), false);
        bars.set(bar("A", 3), false);
        assert_eq!(bars.get(a).map(|c| c.bar.open_time.as_millis()), Some(3));
        assert_eq!(
            bars.get(b).map(|c| (c.bar.open_time.as_millis(), c.ticks)),
            Some((1, true))
        );
        bars.set(bar("B", 4), false);
        assert_eq!(bars.get(a).map(|c| c.bar.open_time.as_millis()), Some(3));
        if let Some(c) = bars.get_mut(a) {
            c.used += Decimal::TWO;
        }
        assert_eq!(bars.get(a).map(|c| c.used), Some(Decimal::TWO));
        assert_eq!(bars.get(b).map(|c| c.used), Some(Decimal::ZERO));
        assert!(bars.get(Symbol::new("C")).is_none());
    }
}
