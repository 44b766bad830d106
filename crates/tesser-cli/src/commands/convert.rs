//! `data convert IN OUT`: candles between CSV and Parquet, picked by the file
//! extensions (`.parquet`/`.pq` or anything else for CSV). Streams: memory
//! does not grow with the number of rows. A `symbol` column is kept when the
//! input has one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context};
use tesser_core::{Candle, Interval, Symbol};
use tesser_data::{is_parquet, CandleCsvReader, CandleParquetReader, CandleParquetWriter, DataError};

use crate::cli::ConvertArgs;

/// Runs `data convert`.
pub(crate) fn run(args: &ConvertArgs) -> anyhow::Result<()> {
    let (input, output) = (args.input.as_path(), args.output.as_path());
    if input == output {
        bail!(
            "data convert: input and output are the same file {}",
            input.display()
        );
    }
    // Neither format stores the symbol (without a column) or the interval,
    // so placeholders pass through unseen.
    let symbol = Symbol::new("?");
    let (rows, with_symbol): (Box<dyn Iterator<Item = Result<Candle, DataError>>>, bool) =
        if is_parquet(input) {
            let r = CandleParquetReader::open(input, symbol, Interval::M1)?;
            let s = r.has_symbol_column();
            (Box::new(r), s)
        } else {
            let r = CandleCsvReader::open(input, symbol, Interval::M1)?;
            let s = r.has_symbol_column();
            (Box::new(r), s)
        };
    let n = if is_parquet(output) {
        let mut w = CandleParquetWriter::create(output, with_symbol)?;
        for c in rows {
            w.write(&c?)?;
        }
        w.finish()?
    } else {
        write_csv(output, rows, with_symbol)?
    };
    println!("wrote {n} candles to {}", output.display());
    Ok(())
}

fn write_csv(
    path: &Path,
    rows: impl Iterator<Item = Result<Candle, DataError>>,
    with_symbol: bool,
) -> anyhow::Result<u64> {
    let ctx = || format!("writing {}", path.display());
    let file = File::create(path).with_context(ctx)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let header = if with_symbol {
        "timestamp,open,high,low,close,volume,symbol"
    } else {
        "timestamp,open,high,low,close,volume"
    };
    writeln!(out, "{header}").with_context(ctx)?;
    let mut n = 0_u64;
    for c in rows {
        let c = c?;
        write!(
            out,
            "{},{},{},{},{},{}",
            c.open_time, c.open, c.high, c.low, c.close, c.volume
        )
        .with_context(ctx)?;
        if with_symbol {
            write!(out, ",{}", c.symbol.as_str()).with_context(ctx)?;
        }
        writeln!(out).with_context(ctx)?;
        n += 1;
    }
    out.flush().with_context(ctx)?;
    Ok(n)
}
