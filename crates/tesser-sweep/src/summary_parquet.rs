//! `summary.parquet`: the rows and columns of `summary.csv`, typed.
//!
//! Schema (one row per run, best first):
//!
//! ```text
//! message summary {
//!   required int64  rank;
//!   required binary id (STRING);  dataset, params, fee_bps, slippage_bps, fill alike
//!   optional double total_return; ... every float metric
//!   optional int64  max_drawdown_bars;  trades
//!   optional binary expectancy (STRING);  fees, final_equity: exact decimal text
//!   optional binary error (STRING);
//! }
//! ```
//!
//! Metric columns are null for failed runs (and for ratios that are
//! undefined), `error` is null for successful ones: exactly where the CSV has
//! empty cells.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use parquet::schema::types::Type;

use crate::runner::RunRecord;
use crate::summary::{replace_file, summary_columns, summary_row, Cell, Column, Kind};
use crate::SweepError;

/// Rows per row group.
const ROWS_PER_GROUP: usize = 65_536;

fn parquet_error(path: &Path) -> impl Fn(ParquetError) -> SweepError + '_ {
    move |e| SweepError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(format!("parquet: {e}")),
    }
}

fn schema(columns: &[Column]) -> Result<Type, ParquetError> {
    let fields = columns
        .iter()
        .map(|c| {
            let (physical, logical) = match c.kind {
                Kind::Int => (Physical::INT64, None),
                Kind::Float => (Physical::DOUBLE, None),
                Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            };
            let repetition = if c.nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            };
            Type::primitive_type_builder(c.name, physical)
                .with_repetition(repetition)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Type::group_type_builder("summary").with_fields(fields).build()
}

/// Writes one column of `rows`: the non-null values, plus definition levels
/// (1 = present, 0 = null) when the column is nullable.
fn write_column(
    col: &mut SerializedColumnWriter<'_>,
    column: &Column,
    index: usize,
    rows: &[Vec<Cell>],
) -> Result<(), ParquetError> {
    let cells = rows.iter().map(|r| r.get(index).unwrap_or(&Cell::Null));
    let defs: Vec<i16> = cells
        .clone()
        .map(|c| i16::from(!matches!(c, Cell::Null)))
        .collect();
    if !column.nullable && defs.contains(&0) {
        return Err(ParquetError::General(format!(
            "column `{}` has an empty cell",
            column.name
        )));
    }
    let defs = column.nullable.then_some(defs.as_slice());
    let mismatch = || ParquetError::General(format!("column `{}`: a cell of another type", column.name));
    match column.kind {
        Kind::Int => {
            let mut values = Vec::with_capacity(rows.len());
            for c in cells {
                match c {
                    Cell::Int(v) => values.push(*v),
                    Cell::Null => {}
                    _ => return Err(mismatch()),
                }
            }
            col.typed::<Int64Type>().write_batch(&values, defs, None)?;
        }
        Kind::Float => {
            let mut values = Vec::with_capacity(rows.len());
            for c in cells {
                match c {
                    Cell::Float(v) => values.push(*v),
                    Cell::Null => {}
                    _ => return Err(mismatch()),
                }
            }
            col.typed::<DoubleType>().write_batch(&values, defs, None)?;
        }
        Kind::Text => {
            let mut values = Vec::with_capacity(rows.len());
            for c in cells {
                match c {
                    Cell::Text(s) => values.push(ByteArray::from(s.as_str())),
                    Cell::Null => {}
                    _ => return Err(mismatch()),
                }
            }
            col.typed::<ByteArrayType>().write_batch(&values, defs, None)?;
        }
    }
    Ok(())
}

fn write_file(path: &Path, records: &[RunRecord]) -> Result<(), ParquetError> {
    let columns = summary_columns();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by("tesser".to_owned())
        .build();
    let file = File::create(path).map_err(|e| ParquetError::External(Box::new(e)))?;
    let mut writer = SerializedFileWriter::new(file, Arc::new(schema(&columns)?), Arc::new(props))?;
    for (g, chunk) in records.chunks(ROWS_PER_GROUP).enumerate() {
        let first = g * ROWS_PER_GROUP;
        let rows: Vec<Vec<Cell>> = chunk
            .iter()
            .enumerate()
            .map(|(i, r)| summary_row(first + i + 1, r))
            .collect();
        let mut group = writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut col) = group.next_column()? {
            let column = columns
                .get(index)
                .ok_or_else(|| ParquetError::General("more columns than the schema".to_owned()))?;
            write_column(&mut col, column, index, &rows)?;
            col.close()?;
            index += 1;
        }
        group.close()?;
    }
    writer.close()?;
    Ok(())
}

/// Writes records (already sorted) as Parquet with the columns and row order
/// of [`crate::write_summary`]: integers as `INT64`, ratios as `DOUBLE`,
/// text and exact decimals as UTF-8 strings, empty CSV cells as nulls.
///
/// # Errors
/// [`SweepError::Io`] naming the file.
pub fn write_summary_parquet(path: &Path, records: &[RunRecord]) -> Result<(), SweepError> {
    replace_file(path, |tmp| write_file(tmp, records).map_err(parquet_error(path)))
}
