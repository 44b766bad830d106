//! One symbol's position and the round trips it closes.

use serde::{Deserialize, Serialize};
use tesser_core::{Cash, Decimal, Fill, Price, Quantity, Side, Symbol, Timestamp};

/// Long or short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Profits when the price rises.
    Long,
    /// Profits when the price falls.
    Short,
}

impl Direction {
    /// Lower-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Long => "long",
            Direction::Short => "short",
        }
    }
}

/// A closed round trip: an entry and the exit that closed (part of) it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTrip {
    /// Instrument.
    pub symbol: Symbol,
    /// Long or short.
    pub direction: Direction,
    /// Closed size.
    pub qty: Quantity,
    /// Time of the fill that opened the position.
    pub entry_time: Timestamp,
    /// Average entry price.
    pub entry_price: Price,
    /// Time of the closing fill.
    pub exit_time: Timestamp,
    /// Exit price.
    pub exit_price: Price,
    /// PnL before fees.
    pub gross_pnl: Cash,
    /// Entry fees (pro rata for the closed size) plus exit fees.
    pub fees: Cash,
    /// `gross_pnl - fees`.
    pub net_pnl: Cash,
}

/// An open position in one symbol. `net` is signed: positive long, negative short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Instrument.
    pub symbol: Symbol,
    /// Signed size in base units.
    pub net: Decimal,
    /// Average entry price of the open size.
    pub avg_entry: Price,
    /// Time of the fill that opened it.
    pub opened: Timestamp,
    /// Entry fees not yet attributed to a closed round trip.
    pub open_fees: Cash,
}

impl Position {
    /// A flat position.
    #[must_use]
    pub fn flat(symbol: Symbol) -> Self {
        Self {
            symbol,
            net: Decimal::ZERO,
            avg_entry: Price::ZERO,
            opened: Timestamp::default(),
            open_fees: Cash::ZERO,
        }
    }

    /// Long, short, or `None` when flat.
    #[must_use]
    pub fn direction(&self) -> Option<Direction> {
        if self.net > Decimal::ZERO {
            Some(Direction::Long)
        } else if self.net < Decimal::ZERO {
            Some(Direction::Short)
        } else {
            None
        }
    }

    /// Unrealized PnL at `mark` (before fees).
    #[must_use]
    pub fn unrealized(&self, mark: Price) -> Cash {
        Cash::new((mark.get() - self.avg_entry.get()) * self.net)
    }

    /// Applies a fill; returns the round trip it closed, if any. A fill larger
    /// than an opposite position closes it and opens the remainder the other
    /// way; the fill's fee is split pro rata between the two parts.
    pub fn apply(&mut self, fill: &Fill) -> Option<RoundTrip> {
        let signed = match fill.side {
            Side::Buy => fill.qty.get(),
            Side::Sell => -fill.qty.get(),
        };
        if fill.qty.is_zero() {
            return None;
        }
        let same_way = self.net.is_zero() || (self.net > Decimal::ZERO) == (signed > Decimal::ZERO);
        if same_way {
            self.add(fill, signed, fill.fee);
            return None;
        }
        let open = self.net.abs();
        let closed = open.min(fill.qty.get());
        let exit_fee = fill.fee.scale(closed / fill.qty.get());
        let entry_fee = self.open_fees.scale(closed / open);
        let direction = if self.net > Decimal::ZERO {
            Direction::Long
        } else {
            Direction::Short
        };
        let sign = if direction == Direction::Long {
            Decimal::ONE
        } else {
            Decimal::NEGATIVE_ONE
        };
        let gross = Cash::new((fill.price.get() - self.avg_entry.get()) * closed * sign);
        let fees = entry_fee + exit_fee;
        let trip = RoundTrip {
            symbol: self.symbol,
            direction,
            qty: Quantity::new(closed).unwrap_or_default(),
            entry_time: self.opened,
            entry_price: self.avg_entry,
            exit_time: fill.ts,
            exit_price: fill.price,
            gross_pnl: gross,
            fees,
            net_pnl: gross - fees,
        };
        self.open_fees -= entry_fee;
        self.net -= closed * sign;
        let rest = fill.qty.get() - closed;
        if self.net.is_zero() {
            *self = Position::flat(self.symbol);
        }
        if rest > Decimal::ZERO {
            let rest_signed = if signed > Decimal::ZERO { rest } else { -rest };
            self.add(fill, rest_signed, fill.fee - exit_fee);
        }
        Some(trip)
    }

    fn add(&mut self, fill: &Fill, signed: Decimal, fee: Cash) {
        if self.net.is_zero() {
            self.opened = fill.ts;
            self.avg_entry = fill.price;
        } else {
            let old = self.net.abs();
            let added = signed.abs();
            let avg = (self.avg_entry.get() * old + fill.price.get() * added) / (old + added);
            self.avg_entry = Price::new(avg).unwrap_or(fill.price);
        }
        self.net += signed;
        self.open_fees += fee;
    }
}
