//! Column decoding of the Parquet candle reader: which physical and logical
//! types are accepted, and how one value becomes a timestamp or a decimal.

use std::path::Path;

use parquet::basic::{ConvertedType, LogicalType, TimeUnit, Type as Physical};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::errors::ParquetError;
use parquet::schema::types::ColumnDescriptor;
use tesser_core::{Cash, Decimal, Timestamp};

use super::{file_error, BATCH};
use crate::DataError;

/// How a column's values become what a candle needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Integer epoch time divided by this many units per millisecond.
    Epoch(i64),
    /// UTF-8 text (timestamps: RFC 3339 or epoch ms; numbers: decimal text).
    Text,
    /// An unscaled integer (any physical type) with this scale.
    Scaled(u32),
}

pub(super) fn kind_of(path: &Path, name: &str, d: &ColumnDescriptor, time: bool) -> Result<Kind, DataError> {
    let logical = d.logical_type_ref();
    let decimal =
        matches!(logical, Some(LogicalType::Decimal(_))) || d.converted_type() == ConvertedType::DECIMAL;
    let bad = |what: &str| {
        Err(file_error(
            path,
            format!(
                "column `{name}` is {what}; need {}",
                if time {
                    "int64 epoch ms, a TIMESTAMP or text"
                } else {
                    "decimal text or DECIMAL (floating point cannot hold prices exactly)"
                }
            ),
        ))
    };
    if d.max_rep_level() > 0 {
        return bad("a repeated column");
    }
    match (d.physical_type(), time) {
        (Physical::INT64, true) => match logical {
            Some(LogicalType::Timestamp(t)) => Ok(Kind::Epoch(match t.unit {
                TimeUnit::MILLIS => 1,
                TimeUnit::MICROS => 1_000,
                TimeUnit::NANOS => 1_000_000,
            })),
            None | Some(LogicalType::Integer(_)) => Ok(Kind::Epoch(1)),
            Some(other) => bad(&format!("int64 {other:?}")),
        },
        (Physical::BYTE_ARRAY, true) if !decimal => Ok(Kind::Text),
        (Physical::BYTE_ARRAY, false) if !decimal => Ok(Kind::Text),
        (
            Physical::INT32 | Physical::INT64 | Physical::BYTE_ARRAY | Physical::FIXED_LEN_BYTE_ARRAY,
            false,
        ) => {
            let scale = if decimal { d.type_scale() } else { 0 };
            match u32::try_from(scale) {
                Ok(s) if s <= 28 && (decimal || d.physical_type() != Physical::FIXED_LEN_BYTE_ARRAY) => {
                    Ok(Kind::Scaled(s))
                }
                _ => bad(&format!("{:?} with scale {scale}", d.physical_type())),
            }
        }
        (other, _) => bad(&format!("{other:?}")),
    }
}

/// Values of one column for the current batch.
#[derive(Debug, Default)]
pub(super) struct Values {
    i64s: Vec<i64>,
    i32s: Vec<i32>,
    bytes: Vec<ByteArray>,
    fixed: Vec<FixedLenByteArray>,
    defs: Vec<i16>,
}

pub(super) struct Column {
    pub(super) name: &'static str,
    pub(super) idx: usize,
    pub(super) kind: Kind,
    pub(super) max_def: i16,
    pub(super) reader: Option<ColumnReader>,
    pub(super) values: Values,
}

impl Column {
    /// Decodes up to [`BATCH`] records; returns how many.
    pub(super) fn read(&mut self, path: &Path, first_row: u64) -> Result<usize, DataError> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(0);
        };
        let v = &mut self.values;
        v.defs.clear();
        let defs = (self.max_def > 0).then_some(&mut v.defs);
        let res = match reader {
            ColumnReader::Int64ColumnReader(r) => {
                v.i64s.clear();
                r.read_records(BATCH, defs, None, &mut v.i64s)
            }
            ColumnReader::Int32ColumnReader(r) => {
                v.i32s.clear();
                r.read_records(BATCH, defs, None, &mut v.i32s)
            }
            ColumnReader::ByteArrayColumnReader(r) => {
                v.bytes.clear();
                r.read_records(BATCH, defs, None, &mut v.bytes)
            }
            ColumnReader::FixedLenByteArrayColumnReader(r) => {
                v.fixed.clear();
                r.read_records(BATCH, defs, None, &mut v.fixed)
            }
            _ => Err(ParquetError::General(format!(
                "column `{}` has an unsupported type",
                self.name
            ))),
        };
        let (records, values, _) =
            res.map_err(|e| file_error(path, format!("column `{}`: {e}", self.name)))?;
        if values < records {
            let at = v.defs.iter().position(|d| *d < self.max_def).unwrap_or(0) as u64;
            return Err(DataError::Row {
                path: path.to_owned(),
                line: first_row + at,
                message: format!("`{}` is null", self.name),
            });
        }
        Ok(records)
    }

    pub(super) fn text(&self, i: usize) -> Result<&str, String> {
        let b = self.values.bytes.get(i).ok_or("missing value")?;
        std::str::from_utf8(b.data()).map_err(|_| "not UTF-8".to_owned())
    }

    pub(super) fn millis(&self, i: usize) -> Result<Timestamp, String> {
        match self.kind {
            Kind::Epoch(per_ms) => {
                let v = *self.values.i64s.get(i).ok_or("missing value")?;
                if v % per_ms != 0 {
                    return Err(format!("{v} is not a whole millisecond"));
                }
                Ok(Timestamp::from_millis(v / per_ms))
            }
            Kind::Text => Timestamp::parse(self.text(i)?).map_err(|e| e.to_string()),
            Kind::Scaled(_) => Err("not a timestamp".to_owned()),
        }
    }

    pub(super) fn decimal(&self, i: usize) -> Result<Decimal, String> {
        let scale = match self.kind {
            Kind::Text => {
                // Cash::parse: core's exact parser with its plain-decimal fast path.
                let t = self.text(i)?;
                return Cash::parse(t)
                    .map(Cash::get)
                    .map_err(|_| format!("`{}` is not a decimal number", t.trim()));
            }
            Kind::Scaled(s) => s,
            Kind::Epoch(_) => return Err("not a number".to_owned()),
        };
        let v = &self.values;
        let unscaled: i128 = match self.reader {
            Some(ColumnReader::Int64ColumnReader(_)) => (*v.i64s.get(i).ok_or("missing value")?).into(),
            Some(ColumnReader::Int32ColumnReader(_)) => (*v.i32s.get(i).ok_or("missing value")?).into(),
            Some(ColumnReader::ByteArrayColumnReader(_)) => {
                big_endian(v.bytes.get(i).ok_or("missing value")?.data())?
            }
            Some(ColumnReader::FixedLenByteArrayColumnReader(_)) => {
                big_endian(v.fixed.get(i).ok_or("missing value")?.data())?
            }
            _ => return Err("unsupported type".to_owned()),
        };
        Decimal::try_from_i128_with_scale(unscaled, scale).map_err(|e| format!("{unscaled}e-{scale}: {e}"))
    }
}

/// A big-endian two's-complement integer of at most 16 bytes.
fn big_endian(bytes: &[u8]) -> Result<i128, String> {
    if bytes.is_empty() || bytes.len() > 16 {
        return Err(format!("DECIMAL of {} bytes (need 1 to 16)", bytes.len()));
    }
    let fill = if bytes[0] & 0x80 == 0 { 0 } else { 0xff };
    let mut buf = [fill; 16];
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    Ok(i128::from_be_bytes(buf))
}
