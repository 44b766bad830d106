//! Cash and positions across symbols, marked to market.

use tesser_core::{Cash, Decimal, Fill, Price, Side, Symbol, SymbolMap};

use crate::{Position, RoundTrip};

/// Cash, positions and marks. Equity = cash + Σ net × mark, so fees and
/// realized PnL are already in cash and an open position counts at its mark.
#[derive(Debug, Clone)]
pub struct Portfolio {
    initial: Cash,
    cash: Cash,
    fees: Cash,
    realized: Cash,
    funding: Cash,
    positions: SymbolMap<Position>,
    marks: SymbolMap<Price>,
}

impl Portfolio {
    /// A portfolio holding `initial` cash and nothing else.
    #[must_use]
    pub fn new(initial: Cash) -> Self {
        Self {
            initial,
            cash: initial,
            fees: Cash::ZERO,
            realized: Cash::ZERO,
            funding: Cash::ZERO,
            positions: SymbolMap::default(),
            marks: SymbolMap::default(),
        }
    }

    /// Restores a portfolio from persisted parts (live recovery).
    #[must_use]
    pub fn from_parts(
        initial: Cash,
        cash: Cash,
        fees: Cash,
        realized: Cash,
        positions: Vec<Position>,
    ) -> Self {
        let positions = positions.into_iter().map(|p| (p.symbol, p)).collect();
        Self {
            initial,
            cash,
            fees,
            realized,
            funding: Cash::ZERO,
            positions,
            marks: SymbolMap::default(),
        }
    }

    /// Books a fill: moves cash, updates the position, pays the fee. Returns the
    /// round trip it closed, if any.
    pub fn apply_fill(&mut self, fill: &Fill) -> Option<RoundTrip> {
        let notional = fill.price * fill.qty;
        match fill.side {
            Side::Buy => self.cash -= notional,
            Side::Sell => self.cash += notional,
        }
        self.cash -= fill.fee;
        self.fees += fill.fee;
        self.marks.entry(fill.symbol).or_insert(fill.price);
        let position = self
            .positions
            .entry(fill.symbol)
            .or_insert_with(|| Position::flat(fill.symbol));
        let trip = position.apply(fill);
        if position.net.is_zero() {
            // Only open positions are kept, so marking equity stays cheap.
            self.positions.remove(&fill.symbol);
        }
        if let Some(t) = &trip {
            self.realized += t.net_pnl;
        }
        trip
    }

    /// Books a funding payment on the open position of `symbol` at `rate`
    /// (perpetual futures): longs pay `rate x size x mark` when the rate is
    /// positive and shorts receive it; the reverse when negative. Returns the
    /// amount paid (negative when received); zero when flat or unmarked.
    pub fn apply_funding(&mut self, symbol: Symbol, rate: Decimal) -> Cash {
        let net = self.net_position(symbol);
        let Some(mark) = self.mark_of(symbol) else {
            return Cash::ZERO;
        };
        if net.is_zero() {
            return Cash::ZERO;
        }
        let paid = Cash::new(net * mark.get() * rate);
        self.cash -= paid;
        self.funding += paid;
        paid
    }

    /// Funding paid so far (negative when received on balance).
    #[must_use]
    pub fn funding(&self) -> Cash {
        self.funding
    }

    /// Records the latest price of `symbol` for marking.
    pub fn mark(&mut self, symbol: Symbol, price: Price) {
        match self.marks.get_mut(&symbol) {
            Some(mark) => *mark = price,
            None => {
                self.marks.insert(symbol, price);
            }
        }
    }

    /// The last mark of `symbol`.
    #[must_use]
    pub fn mark_of(&self, symbol: Symbol) -> Option<Price> {
        self.marks.get(&symbol).copied()
    }

    /// Signed net position of `symbol` (zero when flat).
    #[must_use]
    pub fn net_position(&self, symbol: Symbol) -> Decimal {
        self.positions.get(&symbol).map_or(Decimal::ZERO, |p| p.net)
    }

    /// The position of `symbol`, if not flat.
    #[must_use]
    pub fn position(&self, symbol: Symbol) -> Option<&Position> {
        self.positions.get(&symbol).filter(|p| !p.net.is_zero())
    }

    /// All open positions, sorted by symbol name.
    #[must_use]
    pub fn open_positions(&self) -> Vec<Position> {
        let mut v: Vec<Position> = self
            .positions
            .values()
            .filter(|p| !p.net.is_zero())
            .copied()
            .collect();
        v.sort_by(|a, b| a.symbol.as_str().cmp(b.symbol.as_str()));
        v
    }

    /// Starting cash.
    #[must_use]
    pub fn initial(&self) -> Cash {
        self.initial
    }

    /// Cash balance (after fees and realized PnL).
    #[must_use]
    pub fn cash(&self) -> Cash {
        self.cash
    }

    /// Fees paid so far.
    #[must_use]
    pub fn fees(&self) -> Cash {
        self.fees
    }

    /// Net PnL of closed round trips.
    #[must_use]
    pub fn realized(&self) -> Cash {
        self.realized
    }

    /// Unrealized PnL of open positions at their marks (before fees).
    #[must_use]
    pub fn unrealized(&self) -> Cash {
        self.positions
            .values()
            .map(|p| self.mark_of(p.symbol).map_or(Cash::ZERO, |m| p.unrealized(m)))
            .sum()
    }

    /// Cash plus open positions at their marks.
    #[must_use]
    pub fn equity(&self) -> Cash {
        if self.positions.is_empty() {
            return self.cash;
        }
        let held: Cash = self
            .positions
            .values()
            .filter(|p| !p.net.is_zero())
            .map(|p| Cash::new(p.net * self.mark_of(p.symbol).map_or(p.avg_entry.get(), Price::get)))
            .sum();
        self.cash + held
    }
}

#[cfg(test)]
mod tests;
