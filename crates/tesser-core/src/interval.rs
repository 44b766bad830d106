//! Candle intervals, parsed from Tesser's names (`1m`, `4h`, `1d`, `1M`) and
//! from Bybit's (`1`, `240`, `D`, `W`, `M`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an interval name was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown interval `{0}` (expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w 1M, or Bybit's 1 3 5 15 30 60 120 240 360 720 D W M)")]
pub struct IntervalError(pub String);

/// A candle interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Interval {
    /// One minute.
    M1,
    /// Three minutes.
    M3,
    /// Five minutes.
    M5,
    /// Fifteen minutes.
    M15,
    /// Thirty minutes.
    M30,
    /// One hour.
    H1,
    /// Two hours.
    H2,
    /// Four hours.
    H4,
    /// Six hours.
    H6,
    /// Twelve hours.
    H12,
    /// One day.
    D1,
    /// One week.
    W1,
    /// One calendar month (nominally 30 days for rate arithmetic).
    Mo1,
}

const TABLE: [(Interval, &str, &str, i64); 13] = [
    (Interval::M1, "1m", "1", 60_000),
    (Interval::M3, "3m", "3", 180_000),
    (Interval::M5, "5m", "5", 300_000),
    (Interval::M15, "15m", "15", 900_000),
    (Interval::M30, "30m", "30", 1_800_000),
    (Interval::H1, "1h", "60", 3_600_000),
    (Interval::H2, "2h", "120", 7_200_000),
    (Interval::H4, "4h", "240", 14_400_000),
    (Interval::H6, "6h", "360", 21_600_000),
    (Interval::H12, "12h", "720", 43_200_000),
    (Interval::D1, "1d", "D", 86_400_000),
    (Interval::W1, "1w", "W", 604_800_000),
    (Interval::Mo1, "1M", "M", 2_592_000_000),
];

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 13] = [
        Self::M1,
        Self::M3,
        Self::M5,
        Self::M15,
        Self::M30,
        Self::H1,
        Self::H2,
        Self::H4,
        Self::H6,
        Self::H12,
        Self::D1,
        Self::W1,
        Self::Mo1,
    ];

    fn row(self) -> (Interval, &'static str, &'static str, i64) {
        TABLE[self as usize]
    }

    /// Tesser's name, e.g. `4h`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// Bybit's v5 name, e.g. `240`.
    #[must_use]
    pub fn bybit_name(self) -> &'static str {
        self.row().2
    }

    /// Nominal length in milliseconds (a month counts 30 days).
    #[must_use]
    pub fn millis(self) -> i64 {
        self.row().3
    }

    /// The interval whose nominal length is exactly `ms`, if any.
    #[must_use]
    pub fn from_millis(ms: i64) -> Option<Interval> {
        TABLE.iter().find(|r| r.3 == ms).map(|r| r.0)
    }

    /// Bars per 365-day year, for annualising per-bar statistics of 24/7 markets.
    #[must_use]
    pub fn bars_per_year(self) -> f64 {
        365.0 * 86_400_000.0 / self.millis() as f64
    }

    /// Parses a Tesser or Bybit interval name.
    ///
    /// # Errors
    /// [`IntervalError`] naming the text when it is not an interval.
    pub fn parse(text: &str) -> Result<Interval, IntervalError> {
        let t = text.trim();
        TABLE
            .iter()
            .find(|r| r.1 == t || r.2 == t)
            .map(|r| r.0)
            .ok_or_else(|| IntervalError(text.to_owned()))
    }
}

impl FromStr for Interval {
    type Err = IntervalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Interval {
    type Error = IntervalError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Interval> for String {
    fn from(i: Interval) -> String {
        i.name().to_owned()
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_naming_schemes() {
        for (i, name, bybit, _) in TABLE {
            assert_eq!(Interval::parse(name).unwrap(), i);
            assert_eq!(Interval::parse(bybit).unwrap(), i);
            assert_eq!(i.to_string(), name);
        }
        assert_eq!(Interval::parse("1M").unwrap(), Interval::Mo1);
        assert_eq!(Interval::parse("1m").unwrap(), Interval::M1);
        assert!(Interval::parse("7m").is_err());
        assert_eq!(Interval::D1.bars_per_year(), 365.0);
    }

    #[test]
    fn all_is_in_table_order() {
        for (n, i) in Interval::ALL.iter().enumerate() {
            assert_eq!(TABLE[n].0, *i);
        }
    }
}
