//! Candles in Parquet, with the columns of the CSV files.
//!
//! Schema written by [`CandleParquetWriter`] (one row per candle):
//!
//! ```text
//! message candles {
//!   required int64  timestamp (TIMESTAMP(MILLIS, true));  -- bar open, UTC epoch ms
//!   required binary open   (STRING);                      -- exact decimal text
//!   required binary high   (STRING);
//!   required binary low    (STRING);
//!   required binary close  (STRING);
//!   required binary volume (STRING);
//!   required binary symbol (STRING);                      -- only when asked for
//! }
//! ```
//!
//! Prices and volumes are stored as decimal *text*, the same digits as the
//! CSV: exact at any scale, with no file-wide scale to choose and no `f64`.
//! Dictionary encoding and Snappy keep the files small all the same.
//!
//! [`CandleParquetReader`] also reads files written by other tools: columns are
//! matched by name (any case, any order, extra columns ignored), optional
//! (nullable) columns are accepted when they hold no nulls, the timestamp may
//! be plain `int64` epoch ms, a `TIMESTAMP` of any unit (it must land on a
//! whole millisecond) or RFC 3339 text, and numbers may be text or `DECIMAL`
//! (over `int32`, `int64`, binary or fixed-length binary, scale up to 28).
//! Floating-point columns are refused: they cannot hold prices exactly.
//!
//! Both sides stream. The writer buffers [`ROWS_PER_GROUP`] rows and writes
//! them as one row group; the reader decodes [`BATCH`] rows of every column at
//! a time, page by page, so memory stays flat whatever the number of rows (or
//! the size of another writer's row groups). Errors name the file and, where
//! a row is at fault, its 1-based row number in place of a line number.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use tesser_core::{Candle, Decimal, Interval, Price, Quantity, Symbol, Timestamp};

use crate::error::Fused;
use crate::DataError;

mod columns;

use columns::{kind_of, Column, Kind, Values};

/// Rows per row group written.
pub const ROWS_PER_GROUP: usize = 65_536;

/// Rows decoded per column at a time when reading.
pub const BATCH: usize = 8_192;

const NUMBERS: [&str; 5] = ["open", "high", "low", "close", "volume"];

fn file_error(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::File {
        path: path.to_owned(),
        message: format!("parquet: {e}"),
    }
}

/// Streams the candles of one Parquet file, validating each row as
/// [`crate::CandleCsvReader`] does.
pub struct CandleParquetReader {
    path: PathBuf,
    file: SerializedFileReader<File>,
    /// timestamp, open, high, low, close, volume, then `symbol` if present.
    cols: Vec<Column>,
    next_group: usize,
    in_group: bool,
    pos: usize,
    len: usize,
    row: u64,
    symbol: Symbol,
    interval: Interval,
    last: Option<Timestamp>,
    failed: bool,
}

impl CandleParquetReader {
    /// Opens `path`. Rows without a `symbol` column get `symbol`.
    ///
    /// # Errors
    /// [`DataError::Io`] when the file cannot be opened, [`DataError::File`]
    /// when it is not Parquet or a column has a type that cannot hold exact
    /// values, [`DataError::MissingColumn`] when a column is missing.
    pub fn open(path: &Path, symbol: Symbol, interval: Interval) -> Result<Self, DataError> {
        let handle = File::open(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        let file = SerializedFileReader::new(handle).map_err(|e| file_error(path, e))?;
        let schema = file.metadata().file_metadata().schema_descr_ptr();
        let find = |name: &str| {
            schema
                .columns()
                .iter()
                .position(|c| c.path().parts().len() == 1 && c.name().eq_ignore_ascii_case(name))
        };
        let mut cols = Vec::with_capacity(7);
        for (n, name) in std::iter::once("timestamp").chain(NUMBERS).enumerate() {
            let idx = find(name).ok_or(DataError::MissingColumn {
                path: path.to_owned(),
                column: name,
            })?;
            cols.push((name, idx, n == 0));
        }
        if let Some(idx) = find("symbol") {
            cols.push(("symbol", idx, false));
        }
        let cols = cols
            .into_iter()
            .map(|(name, idx, time)| {
                let d = schema.column(idx);
                let kind = if name == "symbol" {
                    match d.physical_type() {
                        Physical::BYTE_ARRAY => Kind::Text,
                        other => {
                            return Err(file_error(
                                path,
                                format!("column `symbol` is {other:?}; need text"),
                            ))
                        }
                    }
                } else {
                    kind_of(path, name, &d, time)?
                };
                Ok(Column {
                    name,
                    idx,
                    kind,
                    max_def: d.max_def_level(),
                    reader: None,
                    values: Values::default(),
                })
            })
            .collect::<Result<Vec<_>, DataError>>()?;
        Ok(Self {
            path: path.to_owned(),
            file,
            cols,
            next_group: 0,
            in_group: false,
            pos: 0,
            len: 0,
            row: 0,
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

    /// Rows in the file, from its footer (no data is read).
    #[must_use]
    pub fn rows(&self) -> u64 {
        u64::try_from(self.file.metadata().file_metadata().num_rows()).unwrap_or(0)
    }

    /// True when the file has a `symbol` column.
    #[must_use]
    pub fn has_symbol_column(&self) -> bool {
        self.cols.len() > NUMBERS.len() + 1
    }

    /// Decodes the next batch; false at the end of the file.
    fn fill(&mut self) -> Result<bool, DataError> {
        loop {
            if !self.in_group {
                if self.next_group >= self.file.num_row_groups() {
                    return Ok(false);
                }
                let group = self
                    .file
                    .get_row_group(self.next_group)
                    .map_err(|e| file_error(&self.path, e))?;
                for col in &mut self.cols {
                    let reader = group
                        .get_column_reader(col.idx)
                        .map_err(|e| file_error(&self.path, format!("column `{}`: {e}", col.name)))?;
                    col.reader = Some(reader);
                }
                self.next_group += 1;
                self.in_group = true;
            }
            let first = self.row + 1;
            let mut counts = Vec::with_capacity(self.cols.len());
            for col in &mut self.cols {
                counts.push(col.read(&self.path, first)?);
            }
            let n = counts.first().copied().unwrap_or(0);
            if counts.iter().any(|c| *c != n) {
                return Err(file_error(
                    &self.path,
                    format!(
                        "row group {} has columns of different lengths",
                        self.next_group - 1
                    ),
                ));
            }
            if n == 0 {
                self.in_group = false;
                continue;
            }
            self.len = n;
            self.pos = 0;
            return Ok(true);
        }
    }

    fn row_error(&self, message: String) -> DataError {
        DataError::Row {
            path: self.path.clone(),
            line: self.row,
            message,
        }
    }

    fn parse_row(&mut self) -> Result<Candle, DataError> {
        let i = self.pos;
        let col = |n: usize| &self.cols[n];
        let open_time = col(0)
            .millis(i)
            .map_err(|e| self.row_error(format!("timestamp: {e}")))?;
        let number = |n: usize| -> Result<Decimal, DataError> {
            col(n)
                .decimal(i)
                .map_err(|e| self.row_error(format!("{}: {e}", NUMBERS[n - 1])))
        };
        let price = |n: usize| -> Result<Price, DataError> {
            Price::new(number(n)?).map_err(|e| self.row_error(format!("{}: {e}", NUMBERS[n - 1])))
        };
        let (open, high, low, close) = (price(1)?, price(2)?, price(3)?, price(4)?);
        let volume = Quantity::new(number(5)?).map_err(|e| self.row_error(format!("volume: {e}")))?;
        let symbol = match self.cols.get(6) {
            Some(c) => Symbol::new(
                c.text(i)
                    .map_err(|e| self.row_error(format!("symbol: {e}")))?
                    .trim(),
            ),
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

impl Iterator for CandleParquetReader {
    type Item = Result<Candle, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_fused()
    }
}

impl Fused for CandleParquetReader {
    type Item = Candle;

    fn failed(&mut self) -> &mut bool {
        &mut self.failed
    }

    fn step(&mut self) -> Result<Option<Candle>, DataError> {
        if self.pos >= self.len && !self.fill()? {
            return Ok(None);
        }
        self.row += 1;
        let item = self.parse_row();
        self.pos += 1;
        item.map(Some)
    }
}

/// Writes candles to a Parquet file in row groups of [`ROWS_PER_GROUP`].
pub struct CandleParquetWriter {
    path: PathBuf,
    writer: SerializedFileWriter<File>,
    with_symbol: bool,
    ts: Vec<i64>,
    numbers: [Vec<ByteArray>; 5],
    symbols: Vec<ByteArray>,
    rows: u64,
}

impl CandleParquetWriter {
    /// Creates (or truncates) `path`; `with_symbol` adds a `symbol` column.
    ///
    /// # Errors
    /// [`DataError::Io`] when the file cannot be created.
    pub fn create(path: &Path, with_symbol: bool) -> Result<Self, DataError> {
        let mut schema =
            String::from("message candles {\n  required int64 timestamp (TIMESTAMP(MILLIS,true));\n");
        for name in NUMBERS {
            schema.push_str(&format!("  required binary {name} (STRING);\n"));
        }
        if with_symbol {
            schema.push_str("  required binary symbol (STRING);\n");
        }
        schema.push('}');
        let schema = parquet::schema::parser::parse_message_type(&schema).map_err(|e| file_error(path, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
            .set_created_by("tesser".to_owned())
            .build();
        let file = File::create(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
            .map_err(|e| file_error(path, e))?;
        Ok(Self {
            path: path.to_owned(),
            writer,
            with_symbol,
            ts: Vec::with_capacity(ROWS_PER_GROUP),
            numbers: Default::default(),
            symbols: Vec::new(),
            rows: 0,
        })
    }

    /// Buffers one candle; a full buffer is written as a row group.
    ///
    /// # Errors
    /// [`DataError::File`] when writing fails.
    pub fn write(&mut self, c: &Candle) -> Result<(), DataError> {
        self.ts.push(c.open_time.as_millis());
        let values = [c.open, c.high, c.low, c.close];
        for (buf, v) in self.numbers.iter_mut().zip(values) {
            buf.push(ByteArray::from(v.to_string().into_bytes()));
        }
        self.numbers[4].push(ByteArray::from(c.volume.to_string().into_bytes()));
        if self.with_symbol {
            self.symbols.push(ByteArray::from(c.symbol.as_str()));
        }
        if self.ts.len() >= ROWS_PER_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), DataError> {
        if self.ts.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let err = |e: ParquetError| file_error(&path, e);
        let mut group = self.writer.next_row_group().map_err(err)?;
        let mut n = 0;
        while let Some(mut col) = group.next_column().map_err(err)? {
            if n == 0 {
                col.typed::<Int64Type>()
                    .write_batch(&self.ts, None, None)
                    .map_err(err)?;
            } else {
                let values = self.numbers.get(n - 1).unwrap_or(&self.symbols);
                col.typed::<ByteArrayType>()
                    .write_batch(values, None, None)
                    .map_err(err)?;
            }
            col.close().map_err(err)?;
            n += 1;
        }
        group.close().map_err(err)?;
        self.rows += self.ts.len() as u64;
        self.ts.clear();
        self.numbers.iter_mut().for_each(Vec::clear);
        self.symbols.clear();
        Ok(())
    }

    /// Writes the last row group and the footer; returns the rows written.
    ///
    /// # Errors
    /// [`DataError::File`] when writing fails.
    pub fn finish(mut self) -> Result<u64, DataError> {
        self.flush()?;
        self.writer.close().map_err(|e| file_error(&self.path, e))?;
        Ok(self.rows)
    }
}

/// True when `path` ends in `.parquet` or `.pq` (any case).
#[must_use]
pub fn is_parquet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
}

#[cfg(test)]
mod tests;
