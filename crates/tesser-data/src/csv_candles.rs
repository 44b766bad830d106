//! Streaming reader of OHLCV candle CSV files.
//!
//! Header `timestamp,open,high,low,close,volume` (any case, any order; extra
//! columns such as `symbol` or `turnover` are allowed). Timestamps are RFC 3339
//! or integer epoch milliseconds and must be strictly increasing. Every row is
//! checked: numbers parse exactly as decimals, prices and volume are not
//! negative, and `low <= open, close <= high`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use tesser_core::{Candle, Interval, Price, Quantity, Symbol, Timestamp};

use crate::error::Fused;
use crate::DataError;

const COLUMNS: [&str; 6] = ["timestamp", "open", "high", "low", "close", "volume"];

/// Column positions found in the header.
#[derive(Debug, Clone, Copy)]
struct Layout {
    cols: [usize; 6],
    symbol: Option<usize>,
}

fn open(path: &Path) -> Result<(csv::Reader<BufReader<File>>, Layout), DataError> {
    let file = File::open(path).map_err(|source| DataError::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(BufReader::with_capacity(1 << 16, file));
    let header = reader.byte_headers().map_err(|e| csv_error(path, &e))?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|h| std::str::from_utf8(h).is_ok_and(|h| h.trim().eq_ignore_ascii_case(name)))
    };
    let mut cols = [0; 6];
    for (slot, name) in cols.iter_mut().zip(COLUMNS) {
        *slot = find(name).ok_or(DataError::MissingColumn {
            path: path.to_owned(),
            column: name,
        })?;
    }
    Ok((
        reader,
        Layout {
            cols,
            symbol: find("symbol"),
        },
    ))
}

fn csv_error(path: &Path, e: &csv::Error) -> DataError {
    match e.kind() {
        csv::ErrorKind::Io(io) => DataError::Io {
            path: path.to_owned(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        },
        _ => DataError::Row {
            path: path.to_owned(),
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        },
    }
}

/// Streams the candles of one CSV file, validating each row.
pub struct CandleCsvReader {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    layout: Layout,
    record: ByteRecord,
    symbol: Symbol,
    interval: Interval,
    last: Option<Timestamp>,
    failed: bool,
}

impl CandleCsvReader {
    /// Opens `path`. Rows without a `symbol` column get `symbol`.
    ///
    /// # Errors
    /// [`DataError::Io`] when the file cannot be opened, [`DataError::MissingColumn`]
    /// when the header lacks a required column.
    pub fn open(path: &Path, symbol: Symbol, interval: Interval) -> Result<Self, DataError> {
        let (reader, layout) = open(path)?;
        Ok(Self {
            path: path.to_owned(),
            reader,
            layout,
            record: ByteRecord::new(),
            symbol,
            interval,
            last: None,
            failed: false,
        })
    }

    /// The file being read.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when the header has a `symbol` column.
    #[must_use]
    pub fn has_symbol_column(&self) -> bool {
        self.layout.symbol.is_some()
    }

    /// Line number of the row returned last.
    #[must_use]
    pub fn line(&self) -> u64 {
        self.record.position().map_or(0, csv::Position::line)
    }

    fn row_error(&self, message: String) -> DataError {
        DataError::Row {
            path: self.path.clone(),
            line: self.line(),
            message,
        }
    }

    fn field(&self, idx: usize, name: &'static str) -> Result<&str, DataError> {
        let raw = self
            .record
            .get(idx)
            .ok_or_else(|| self.row_error(format!("missing `{name}` field")))?;
        std::str::from_utf8(raw).map_err(|_| self.row_error(format!("`{name}` is not UTF-8")))
    }

    fn raw(&self, idx: usize, name: &'static str) -> Result<&[u8], DataError> {
        self.record
            .get(idx)
            .ok_or_else(|| self.row_error(format!("missing `{name}` field")))
    }

    fn parse_row(&mut self) -> Result<Candle, DataError> {
        let [ts, o, h, l, c, v] = self.layout.cols;
        // One walk over the record's field bounds instead of a lookup per
        // column (rows wider than the array fall back to lookups).
        let mut fields: [Option<&[u8]>; 12] = [None; 12];
        for (slot, field) in fields.iter_mut().zip(self.record.iter()) {
            *slot = Some(field);
        }
        let raw = |idx: usize, name: &'static str| -> Result<&[u8], DataError> {
            match fields.get(idx) {
                Some(Some(field)) => Ok(field),
                _ => self.raw(idx, name),
            }
        };
        let open_time = Timestamp::parse_ascii(raw(ts, "timestamp")?)
            .map_err(|e| self.row_error(format!("timestamp: {e}")))?;
        let price = |idx, name| -> Result<Price, DataError> {
            Price::parse_ascii(raw(idx, name)?).map_err(|e| self.row_error(format!("{name}: {e}")))
        };
        let (open, high, low, close) = (
            price(o, "open")?,
            price(h, "high")?,
            price(l, "low")?,
            price(c, "close")?,
        );
        let volume =
            Quantity::parse_ascii(raw(v, "volume")?).map_err(|e| self.row_error(format!("volume: {e}")))?;
        let symbol = match self.layout.symbol {
            Some(idx) => Symbol::new(self.field(idx, "symbol")?.trim()),
            None => self.symbol,
        };
        let candle = Candle {
            symbol,
            interval: self.interval,
            open_time,
            open,
            high,
            low,
            close,
            volume,
        };
        crate::csv_candles::check_row(&candle, &mut self.last).map_err(|m| self.row_error(m))?;
        Ok(candle)
    }
}

impl Iterator for CandleCsvReader {
    type Item = Result<Candle, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_fused()
    }
}

impl Fused for CandleCsvReader {
    type Item = Candle;

    fn failed(&mut self) -> &mut bool {
        &mut self.failed
    }

    #[inline]
    fn step(&mut self) -> Result<Option<Candle>, DataError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => self.parse_row().map(Some),
            Err(e) => Err(csv_error(&self.path, &e)),
        }
    }
}

/// The checks every candle row passes, whatever the file format: OHLC
/// consistency and strictly increasing timestamps (`last` is the previous
/// row's time and is advanced). Returns the message for the row error.
pub(crate) fn check_row(candle: &Candle, last: &mut Option<Timestamp>) -> Result<(), String> {
    let Candle {
        open,
        high,
        low,
        close,
        open_time,
        ..
    } = *candle;
    if !candle.is_consistent() {
        return Err(format!(
            "OHLC out of order: need low <= open, close <= high (open {open}, high {high}, low {low}, close {close})"
        ));
    }
    if let Some(prev) = last.filter(|l| open_time <= *l) {
        let what = if open_time == prev {
            "duplicate"
        } else {
            "out-of-order"
        };
        return Err(format!("{what} timestamp {open_time} (previous row {prev})"));
    }
    *last = Some(open_time);
    Ok(())
}

/// One input file: a path and the symbol its rows belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSource {
    /// File to read.
    pub path: PathBuf,
    /// Symbol for rows without a `symbol` column.
    pub symbol: Symbol,
}

/// Infers a file's bar interval (CSV, or Parquet by its extension) from the
/// smallest gap between the timestamps of its first 256 rows (holes in the data only make gaps larger).
///
/// # Errors
/// [`DataError::File`] when fewer than two rows exist or the gap is not a known
/// interval; read errors as [`CandleCsvReader`] gives them.
pub fn detect_interval(path: &Path) -> Result<Interval, DataError> {
    let reader: Box<dyn Iterator<Item = Result<Candle, DataError>>> = if crate::is_parquet(path) {
        Box::new(crate::CandleParquetReader::open(
            path,
            Symbol::new("?"),
            Interval::M1,
        )?)
    } else {
        Box::new(CandleCsvReader::open(path, Symbol::new("?"), Interval::M1)?)
    };
    let mut prev: Option<Timestamp> = None;
    let mut best: Option<i64> = None;
    for candle in reader.take(256) {
        let ts = candle?.open_time;
        if let Some(p) = prev {
            let gap = ts.as_millis() - p.as_millis();
            best = Some(best.map_or(gap, |b: i64| b.min(gap)));
        }
        prev = Some(ts);
    }
    let gap = best.ok_or_else(|| DataError::File {
        path: path.to_owned(),
        message: "fewer than two rows: cannot infer the bar interval (pass --interval)".into(),
    })?;
    Interval::from_millis(gap).ok_or_else(|| DataError::File {
        path: path.to_owned(),
        message: format!("rows are {gap} ms apart, which is no known interval (pass --interval)"),
    })
}

#[cfg(test)]
mod tests;
