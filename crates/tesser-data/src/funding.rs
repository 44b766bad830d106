//! Funding-rate series for perpetual futures, read from CSV.
//!
//! Header (any case, any order): `timestamp` (or `fundingRateTimestamp`),
//! `rate` (or `fundingRate`), and optionally `symbol`. Timestamps are RFC
//! 3339 or epoch milliseconds, ascending per symbol. Rates are exact decimals
//! per funding interval (`0.0001` = 0.01%).

use std::collections::HashMap;
use std::path::Path;

use tesser_core::{Decimal, Symbol, Timestamp};

use crate::DataError;

/// Funding rates by symbol, each series sorted by time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FundingRates {
    series: HashMap<Symbol, Vec<(Timestamp, Decimal)>>,
}

impl FundingRates {
    /// Reads a funding CSV; rows without a `symbol` column belong to `symbol`.
    ///
    /// # Errors
    /// [`DataError`] naming the file and line for unreadable files, missing
    /// columns, bad numbers or timestamps out of order.
    pub fn read_csv(path: &Path, symbol: Symbol) -> Result<Self, DataError> {
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(std::io::BufReader::new(file));
        let header = reader
            .headers()
            .map_err(|e| DataError::File {
                path: path.to_owned(),
                message: e.to_string(),
            })?
            .clone();
        let find = |names: &[&str]| {
            header
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        let ts_col = find(&["timestamp", "fundingRateTimestamp"]).ok_or(DataError::MissingColumn {
            path: path.to_owned(),
            column: "timestamp",
        })?;
        let rate_col = find(&["rate", "fundingRate"]).ok_or(DataError::MissingColumn {
            path: path.to_owned(),
            column: "rate",
        })?;
        let sym_col = find(&["symbol"]);
        let mut rates = Self::default();
        for row in reader.records() {
            let row = row.map_err(|e| DataError::File {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
            let line = row.position().map_or(0, csv::Position::line);
            let bad = |message: String| DataError::Row {
                path: path.to_owned(),
                line,
                message,
            };
            let ts = Timestamp::parse(row.get(ts_col).unwrap_or(""))
                .map_err(|e| bad(format!("timestamp: {e}")))?;
            let text = row.get(rate_col).unwrap_or("").trim();
            let rate = Decimal::from_str_exact(text)
                .or_else(|_| Decimal::from_scientific(text))
                .map_err(|_| bad(format!("rate: `{text}` is not a decimal number")))?;
            let sym = sym_col
                .and_then(|c| row.get(c))
                .map_or(symbol, |s| Symbol::new(s.trim()));
            let series = rates.series.entry(sym).or_default();
            if series.last().is_some_and(|(last, _)| *last >= ts) {
                return Err(bad(format!(
                    "{sym} funding at {ts} is not after the previous row"
                )));
            }
            series.push((ts, rate));
        }
        Ok(rates)
    }

    /// True when no rates were read.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The rate that applies to `symbol` at funding time `at`: the last one
    /// published at or before `at`, if any.
    #[must_use]
    pub fn rate_at(&self, symbol: Symbol, at: Timestamp) -> Option<Decimal> {
        let series = self.series.get(&symbol)?;
        let idx = series.partition_point(|(t, _)| *t <= at);
        idx.checked_sub(1).map(|i| series[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_bybit_style_columns_and_looks_up_rates() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"symbol,fundingRate,fundingRateTimestamp\nBTC,0.0001,1700006400000\nBTC,-0.00005,1700035200000\n")
            .unwrap();
        let r = FundingRates::read_csv(f.path(), Symbol::new("X")).unwrap();
        let btc = Symbol::new("BTC");
        assert_eq!(r.rate_at(btc, Timestamp::from_millis(1_700_000_000_000)), None);
        assert_eq!(
            r.rate_at(btc, Timestamp::from_millis(1_700_006_400_000)),
            Some(Decimal::new(1, 4))
        );
        assert_eq!(
            r.rate_at(btc, Timestamp::from_millis(1_800_000_000_000)),
            Some(Decimal::new(-5, 5))
        );
        let mut bad = tempfile::NamedTempFile::new().unwrap();
        bad.write_all(b"timestamp,rate\n1700006400000,x\n").unwrap();
        let err = FundingRates::read_csv(bad.path(), Symbol::new("X"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(":2: rate"), "{err}");
    }
}
