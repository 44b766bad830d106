//! `data download|validate|resample`: thin wiring of `tesser-data` to the
//! Bybit connector and the command line.

use std::path::Path;

use anyhow::{bail, Context};
use tesser_bybit::{BybitConfig, BybitHistorical, BybitHttpClient};
use tesser_core::{Symbol, Timestamp};
use tesser_data::download::{download, DownloadRequest};
use tesser_data::resample::{resample, write_csv, PartialPolicy};
use tesser_data::validate::{validate_csv, ValidateOptions};
use tesser_data::{
    detect_interval, is_parquet, CandleCsvReader, CandleParquetReader, CandleParquetWriter, DataError,
};

use crate::cli::{DataCommand, DownloadArgs, ResampleArgs, ValidateArgs};
use crate::config::AppConfig;

/// Runs one `data` subcommand.
pub(crate) fn run(dir: &Path, env: &str, cmd: &DataCommand) -> anyhow::Result<()> {
    match cmd {
        DataCommand::Download(a) => run_download(dir, env, a),
        DataCommand::Validate(a) => run_validate(a),
        DataCommand::Resample(a) => run_resample(a),
        DataCommand::Convert(a) => crate::commands::convert::run(a),
    }
}

/// The Bybit profile `name` from `[exchange.NAME]`.
pub(crate) fn profile(dir: &Path, env: &str, name: &str) -> anyhow::Result<BybitConfig> {
    let cfg = AppConfig::load(dir, env)?;
    let Some(table) = cfg.exchange.get(name) else {
        let known: Vec<&String> = cfg.exchange.keys().collect();
        bail!("no exchange profile `{name}` in the configuration (known: {known:?})");
    };
    toml::Value::Table(table.clone())
        .try_into()
        .with_context(|| format!("invalid [exchange.{name}]"))
}

fn run_download(dir: &Path, env: &str, a: &DownloadArgs) -> anyhow::Result<()> {
    let mut profile = profile(dir, env, &a.exchange)?;
    if let Some(url) = &a.rest_url {
        profile.rest_url.clone_from(url);
    }
    let start = Timestamp::parse(&a.start).context("--start")?;
    let end = Timestamp::parse(&a.end).context("--end")?;
    if end <= start {
        bail!("--end {end} must be after --start {start}");
    }
    let req = DownloadRequest {
        symbol: Symbol::new(&a.symbol),
        interval: a.interval,
        start,
        end,
        path: a.output.clone(),
        page: 1000,
        progress: !a.no_progress,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let summary = rt.block_on(async {
        let client = BybitHttpClient::new(profile)?;
        if let Err(e) = client.sync_time().await {
            eprintln!("warning: clock sync failed ({e}); using the local clock");
        }
        let source = BybitHistorical::new(client);
        download(&source, &req).await.map_err(anyhow::Error::from)
    })?;
    if let Some(t) = summary.resumed_after {
        println!("resumed after {t}");
    }
    println!(
        "wrote {} rows to {} in {} requests{}",
        summary.written,
        a.output.display(),
        summary.requests,
        summary
            .last
            .map(|t| format!("; last bar {t}"))
            .unwrap_or_default()
    );
    for (from, to) in &summary.venue_gaps {
        println!("venue has no bars from {from} to {to}");
    }
    Ok(())
}

fn run_validate(a: &ValidateArgs) -> anyhow::Result<()> {
    let opts = ValidateOptions {
        interval: a.interval,
        jump_threshold: a.jump_threshold,
        max_examples: a.examples,
    };
    let report = validate_csv(&a.file, &opts)?;
    print!("{}: {report}", a.file.display());
    if !report.is_valid() {
        bail!("{} is invalid", a.file.display());
    }
    Ok(())
}

fn run_resample(a: &ResampleArgs) -> anyhow::Result<()> {
    let from = match a.from {
        Some(i) => i,
        None => detect_interval(&a.input)?,
    };
    if a.interval.millis() <= from.millis() {
        bail!(
            "target interval {} must be longer than the source {}",
            a.interval,
            from
        );
    }
    let policy = if a.keep_partial {
        PartialPolicy::Mark
    } else {
        PartialPolicy::Drop
    };
    let to_parquet = is_parquet(&a.output);
    if to_parquet && policy == PartialPolicy::Mark {
        bail!("--keep-partial marks bars in a `partial` column, which only CSV output has");
    }
    // Streamed: only the (fewer) output bars are held in memory.
    let symbol = Symbol::new("X");
    let source: Box<dyn Iterator<Item = Result<tesser_core::Candle, DataError>>> = if is_parquet(&a.input) {
        Box::new(CandleParquetReader::open(&a.input, symbol, from)?)
    } else {
        Box::new(CandleCsvReader::open(&a.input, symbol, from)?)
    };
    let mut failure = None;
    let candles = source.map_while(|c| c.map_err(|e| failure = Some(e)).ok());
    let bars = resample(candles, from, a.interval, policy);
    if let Some(e) = failure {
        return Err(e.into());
    }
    if to_parquet {
        let mut w = CandleParquetWriter::create(&a.output, false)?;
        for b in &bars {
            w.write(&b.candle)?;
        }
        w.finish()?;
    } else {
        write_csv(&a.output, &bars, policy)?;
    }
    let partial = bars.iter().filter(|b| b.partial).count();
    println!(
        "wrote {} {} bars to {} ({partial} partial)",
        bars.len(),
        a.interval,
        a.output.display()
    );
    Ok(())
}
