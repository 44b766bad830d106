//! The runtime state at one instant, as persisted.

use serde::{Deserialize, Serialize};
use tesser_core::{Cash, OrderRequest, Price, Quantity, Symbol, Timestamp};
use tesser_portfolio::Position;

/// The last price of a symbol, used to mark its position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Instrument.
    pub symbol: Symbol,
    /// Last price.
    pub price: Price,
}

/// An order still working at the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenOrder {
    /// The order as submitted.
    pub request: OrderRequest,
    /// Quantity not yet filled.
    pub remaining: Quantity,
}

/// The last closed candle processed for a symbol (where to resume data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastCandle {
    /// Instrument.
    pub symbol: Symbol,
    /// Open time of that candle.
    pub open_time: Timestamp,
}

/// The whole live runtime state at one instant.
///
/// Stored as JSON (decimals as strings, so exact). Unknown fields are
/// ignored, so an older build reads a newer snapshot; fields added after the
/// first version carry `#[serde(default)]` so a newer build reads an older
/// one. A change that cannot follow these rules bumps
/// [`crate::SCHEMA_VERSION`] instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSnapshot {
    /// Time of the last event processed (event time, not the wall clock).
    pub saved_at: Timestamp,
    /// Strategy name, e.g. `SmaCross`.
    pub strategy: String,
    /// Symbols traded.
    pub symbols: Vec<Symbol>,
    /// Cash at the start of trading.
    pub initial_equity: Cash,
    /// Cash balance (after fees, realized PnL and funding).
    pub cash: Cash,
    /// Fees paid so far.
    pub fees: Cash,
    /// Net PnL of closed round trips.
    pub realized: Cash,
    /// Funding paid so far (negative when received).
    #[serde(default)]
    pub funding: Cash,
    /// Open positions only.
    pub positions: Vec<Position>,
    /// Last prices.
    #[serde(default)]
    pub marks: Vec<Mark>,
    /// Orders still working.
    #[serde(default)]
    pub open_orders: Vec<OpenOrder>,
    /// The last client order id handed out.
    pub last_order_id: u64,
    /// The session's ids are those above this one (0 for older files: every
    /// id up to `last_order_id`).
    #[serde(default)]
    pub first_order_id: u64,
    /// The last closed candle processed, per symbol.
    #[serde(default)]
    pub last_candles: Vec<LastCandle>,
    /// Highest equity seen (for the drawdown kill switch).
    #[serde(default)]
    pub peak_equity: Cash,
    /// The kill switch tripped: only orders that reduce positions go out.
    #[serde(default)]
    pub liquidate_only: bool,
    /// Where orders went: `paper` or `live` (empty when unknown). A session
    /// does not resume the other kind's state: its working orders exist
    /// only in that kind of venue.
    #[serde(default)]
    pub execution: String,
}

impl LiveSnapshot {
    /// The last price of `symbol`, if marked.
    #[must_use]
    pub fn mark_of(&self, symbol: Symbol) -> Option<Price> {
        self.marks.iter().find(|m| m.symbol == symbol).map(|m| m.price)
    }

    /// Cash plus each open position's net size times its mark (its average
    /// entry price when the symbol has no mark).
    #[must_use]
    pub fn equity(&self) -> Cash {
        self.positions.iter().fold(self.cash, |equity, p| {
            let mark = self.mark_of(p.symbol).unwrap_or(p.avg_entry);
            equity + Cash::new(p.net * mark.get())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::Decimal;

    fn position(symbol: &str, net: &str, entry: &str) -> Position {
        Position {
            net: Decimal::from_str_exact(net).unwrap(),
            avg_entry: Price::parse(entry).unwrap(),
            ..Position::flat(Symbol::new(symbol))
        }
    }

    #[test]
    fn equity_marks_positions_and_falls_back_to_entry() {
        let snap = LiveSnapshot {
            cash: Cash::parse("1000.5").unwrap(),
            positions: vec![position("AAA", "2", "10"), position("BBB", "-0.5", "100")],
            marks: vec![Mark {
                symbol: Symbol::new("AAA"),
                price: Price::parse("12.25").unwrap(),
            }],
            ..LiveSnapshot::default()
        };
        // 1000.5 + 2 × 12.25 (marked) − 0.5 × 100 (entry, unmarked)
        assert_eq!(snap.equity(), Cash::parse("975").unwrap());
    }

    #[test]
    fn older_payloads_without_newer_fields_still_load() {
        let json = r#"{"saved_at":"2024-01-01T00:00:00Z","strategy":"SmaCross",
            "symbols":["BTCUSDT"],"initial_equity":"100","cash":"100","fees":"0",
            "realized":"0","positions":[],"last_order_id":0,"from_the_future":1}"#;
        let snap: LiveSnapshot = serde_json::from_str(json).unwrap();
        assert_eq!(snap.strategy, "SmaCross");
        assert!(!snap.liquidate_only);
        assert!(snap.marks.is_empty());
        let missing_cash = json.replace(r#""cash":"100","#, "");
        assert!(serde_json::from_str::<LiveSnapshot>(&missing_cash).is_err());
    }
}
