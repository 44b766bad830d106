//! Writes seeded synthetic one-minute candles as CSV, for benchmarks:
//! `cargo run --release -p tesser-data --example synth_csv -- 1000000 42 /tmp/candles.csv`

use std::io::{BufWriter, Write};

use tesser_core::{Interval, Symbol, Timestamp};
use tesser_data::SyntheticCandles;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, count, seed, out] = args.as_slice() else {
        return Err("usage: synth_csv COUNT SEED OUT.csv".into());
    };
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "timestamp,open,high,low,close,volume")?;
    let start = Timestamp::from_millis(1_704_067_200_000);
    for c in SyntheticCandles::new(
        Symbol::new("BTCUSDT"),
        Interval::M1,
        start,
        count.parse()?,
        seed.parse()?,
    ) {
        let c = c?;
        writeln!(
            w,
            "{},{},{},{},{},{}",
            c.open_time, c.open, c.high, c.low, c.close, c.volume
        )?;
    }
    w.flush()?;
    Ok(())
}
