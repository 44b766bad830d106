//! Writes a run's records as CSV files into an output folder.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use tesser_core::{Cash, Fill, Timestamp};
use tesser_portfolio::RoundTrip;

use crate::Recorder;

/// Streams `trades.csv`, `fills.csv` and `equity.csv` as the run goes.
pub struct CsvRecorder {
    trades: BufWriter<File>,
    fills: BufWriter<File>,
    equity: BufWriter<File>,
}

fn create(dir: &Path, name: &str, header: &str) -> std::io::Result<BufWriter<File>> {
    let path = dir.join(name);
    let file =
        File::create(&path).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    writeln!(w, "{header}")?;
    Ok(w)
}

impl CsvRecorder {
    /// Creates `dir` (if needed) and the three files with their headers.
    ///
    /// # Errors
    /// Any error creating the folder or the files, naming the path.
    pub fn create(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
        Ok(Self {
            trades: create(
                dir,
                "trades.csv",
                "symbol,direction,qty,entry_time,entry_price,exit_time,exit_price,gross_pnl,fees,net_pnl",
            )?,
            fills: create(dir, "fills.csv", "timestamp,symbol,side,qty,price,fee,order_id")?,
            equity: create(dir, "equity.csv", "timestamp,equity")?,
        })
    }

    /// Flushes all files.
    ///
    /// # Errors
    /// Any write error.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.trades.flush()?;
        self.fills.flush()?;
        self.equity.flush()
    }
}

impl Recorder for CsvRecorder {
    fn fill(&mut self, f: &Fill) -> std::io::Result<()> {
        writeln!(
            self.fills,
            "{},{},{},{},{},{},{}",
            f.ts, f.symbol, f.side, f.qty, f.price, f.fee, f.order_id
        )
    }

    fn round_trip(&mut self, t: &RoundTrip) -> std::io::Result<()> {
        writeln!(
            self.trades,
            "{},{},{},{},{},{},{},{},{},{}",
            t.symbol,
            t.direction.as_str(),
            t.qty,
            t.entry_time,
            t.entry_price,
            t.exit_time,
            t.exit_price,
            t.gross_pnl,
            t.fees,
            t.net_pnl
        )
    }

    fn equity(&mut self, ts: Timestamp, equity: Cash) -> std::io::Result<()> {
        writeln!(self.equity, "{ts},{equity}")
    }
}
