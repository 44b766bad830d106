//! Cash and positions across symbols, marked to market.

use tesser_core::{Cash, Decimal, Fill, Price, Side, Symbol, SymbolMap};

use crate::{Position, RoundTrip};

/// One symbol's mark and position (flat when `position.net` is zero).
#[derive(Debug, Clone)]
struct Slot {
    mark: Option<Price>,
    position: Position,
}

/// Cash, positions and marks. Equity = cash + Σ net × mark, so fees and
/// realized PnL are already in cash and an open position counts at its mark.
///
/// Symbols live in dense slots in first-seen order, found through one map
/// lookup; marking equity walks the slots only while a position is open.
#[derive(Debug, Clone)]
pub struct Portfolio {
    initial: Cash,
    cash: Cash,
    fees: Cash,
    realized: Cash,
    funding: Cash,
    index: SymbolMap<usize>,
    slots: Vec<Slot>,
    /// Slots whose position is not flat.
    open: usize,
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
            index: SymbolMap::default(),
            slots: Vec::new(),
            open: 0,
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
        let mut portfolio = Self {
            cash,
            fees,
            realized,
            ..Self::new(initial)
        };
        for position in positions {
            let slot = portfolio.slot_mut(position.symbol);
            let was_open = !slot.position.net.is_zero();
            slot.position = position;
            let now_open = !position.net.is_zero();
            portfolio.open = portfolio.open + usize::from(now_open) - usize::from(was_open);
        }
        portfolio
    }

    /// The slot of `symbol`, created flat and unmarked on first use.
    #[inline]
    fn slot_mut(&mut self, symbol: Symbol) -> &mut Slot {
        let next = self.slots.len();
        let i = *self.index.entry(symbol).or_insert(next);
        if i == next {
            self.slots.push(Slot {
                mark: None,
                position: Position::flat(symbol),
            });
        }
        &mut self.slots[i]
    }

    #[inline]
    fn slot(&self, symbol: Symbol) -> Option<&Slot> {
        self.index.get(&symbol).and_then(|i| self.slots.get(*i))
    }

    /// Restores the funding total and last marks (live recovery; see
    /// [`from_parts`](Self::from_parts)).
    #[must_use]
    pub fn with_funding_and_marks(mut self, funding: Cash, marks: &[(Symbol, Price)]) -> Self {
        self.funding = funding;
        for (symbol, price) in marks {
            self.mark(*symbol, *price);
        }
        self
    }

    /// Last marks of every symbol seen, sorted by symbol name.
    #[must_use]
    pub fn marks(&self) -> Vec<(Symbol, Price)> {
        let mut v: Vec<(Symbol, Price)> = self
            .slots
            .iter()
            .filter_map(|s| s.mark.map(|m| (s.position.symbol, m)))
            .collect();
        v.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        v
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
        let slot = self.slot_mut(fill.symbol);
        slot.mark.get_or_insert(fill.price);
        let was_open = !slot.position.net.is_zero();
        let trip = slot.position.apply(fill);
        let now_open = !slot.position.net.is_zero();
        if !now_open {
            // Start the next position afresh (entry time, carried fees).
            slot.position = Position::flat(fill.symbol);
        }
        self.open = self.open + usize::from(now_open) - usize::from(was_open);
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
    #[inline]
    pub fn mark(&mut self, symbol: Symbol, price: Price) {
        self.slot_mut(symbol).mark = Some(price);
    }

    /// The last mark of `symbol`.
    #[must_use]
    pub fn mark_of(&self, symbol: Symbol) -> Option<Price> {
        self.slot(symbol).and_then(|s| s.mark)
    }

    /// Signed net position of `symbol` (zero when flat).
    #[must_use]
    pub fn net_position(&self, symbol: Symbol) -> Decimal {
        self.slot(symbol).map_or(Decimal::ZERO, |s| s.position.net)
    }

    /// The position of `symbol`, if not flat.
    #[must_use]
    pub fn position(&self, symbol: Symbol) -> Option<&Position> {
        self.slot(symbol)
            .map(|s| &s.position)
            .filter(|p| !p.net.is_zero())
    }

    /// Open positions with their marks (the entry price when never marked).
    fn held(&self) -> impl Iterator<Item = (&Position, Price)> {
        let slots = if self.open == 0 { &[][..] } else { &self.slots[..] };
        slots
            .iter()
            .filter(|s| !s.position.net.is_zero())
            .map(|s| (&s.position, s.mark.unwrap_or(s.position.avg_entry)))
    }

    /// All open positions, sorted by symbol name.
    #[must_use]
    pub fn open_positions(&self) -> Vec<Position> {
        let mut v: Vec<Position> = self.held().map(|(p, _)| *p).collect();
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
        self.held().map(|(p, mark)| p.unrealized(mark)).sum()
    }

    /// Cash plus open positions at their marks.
    #[inline]
    #[must_use]
    pub fn equity(&self) -> Cash {
        if self.open == 0 {
            return self.cash;
        }
        self.held().fold(self.cash, |equity, (p, mark)| {
            equity + Cash::new(p.net * mark.get())
        })
    }
}

#[cfg(test)]
mod tests;
