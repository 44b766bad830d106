//! `tesser-cli backtest run`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Serialize;
use tesser_backtester::{BacktestConfig, BacktestReport, CsvRecorder};
use tesser_core::{Candle, Cash, Decimal, Interval, Quantity, Symbol, Timestamp};
use tesser_data::{detect_interval, CandleCsvReader, DataError, MergedCandles, SyntheticCandles};
use tesser_engine::EngineConfig;
use tesser_execution::Sizer;
use tesser_paper::PaperConfig;
use tesser_report::{Metrics, ReportRecorder, Tee, DEFAULT_BUCKETS, DEFAULT_TRADE_ROWS};

use crate::cli::BacktestRunArgs;
use crate::config::AppConfig;

type Feed = Box<dyn Iterator<Item = Result<Candle, DataError>> + Send>;

/// What `summary.json` holds: the run's inputs and its report.
#[derive(Serialize)]
struct Summary<'a> {
    strategy: &'a str,
    symbols: Vec<&'a str>,
    data: Vec<String>,
    interval: Interval,
    fill: tesser_paper::FillModel,
    fee_bps: Decimal,
    slippage_bps: Decimal,
    maker_fee_bps: Option<Decimal>,
    latency_ms: u64,
    max_volume_fraction: Option<Decimal>,
    quantity: Quantity,
    sizer: Sizer,
    /// Every metric of docs/metrics.md.
    metrics: &'a Metrics,
    #[serde(flatten)]
    report: &'a BacktestReport,
}

/// Runs the backtest described by `args` over the config defaults.
pub(crate) fn run(config_dir: &Path, env: &str, args: &BacktestRunArgs) -> anyhow::Result<()> {
    let cfg = AppConfig::load(config_dir, env)?;
    let d = &cfg.backtest;
    let strategy = tesser_strategy::load_strategy_file(&args.strategy_config)?;
    let symbols: Vec<Symbol> = strategy.symbols().to_vec();
    let name = strategy.name();

    let crate::commands::sizing::Trade {
        quantity,
        initial,
        fill,
        fee_bps,
        slippage_bps,
    } = crate::commands::sizing::trade(&args.trade, &cfg, args.taker_fee_bps)?;
    if args
        .max_volume_fraction
        .is_some_and(|f| f <= Decimal::ZERO || f > Decimal::ONE)
    {
        bail!("--max-volume-fraction must be in (0, 1]");
    }

    let books = crate::commands::feeds::has_books(args);
    let book_streams = crate::commands::feeds::book_streams(args, &symbols, args.seed.unwrap_or(d.seed))?;
    let (feed, interval, mut data_names) = if args.data.is_empty() && books {
        // Book-only replay: no candles at all.
        let feed: Feed = Box::new(std::iter::empty());
        (feed, args.interval.unwrap_or(d.synthetic_interval), Vec::new())
    } else if args.data.is_empty() {
        let interval = args.interval.unwrap_or(d.synthetic_interval);
        let count = args.candles.unwrap_or(d.candles);
        let seed = args.seed.unwrap_or(d.seed);
        let symbol = *symbols.first().context("the strategy names no symbol")?;
        // 2024-01-01T00:00:00Z: a fixed start keeps synthetic runs reproducible.
        let start = Timestamp::from_millis(1_704_067_200_000);
        let feed: Feed = Box::new(SyntheticCandles::new(symbol, interval, start, count, seed));
        (feed, interval, vec![format!("synthetic:{count}:{seed}")])
    } else {
        open_files(&args.data, &symbols, args.interval)?
    };
    data_names.extend(
        book_streams
            .iter()
            .map(|(name, _)| format!("book:{}", name.display())),
    );
    // Parse on the second core while the engine runs on this one; bounded, so
    // memory stays flat (4 batches of 4,096 candles at most).
    let feed: Feed = Box::new(tesser_data::Prefetch::new(feed, 4096, 4));
    let synthetic = args.candles.unwrap_or(d.candles) as u64;
    let feed = crate::commands::progress::wrap(feed, || {
        if args.data.is_empty() {
            Some(synthetic)
        } else {
            crate::commands::progress::csv_rows(
                args.data.iter().map(|s| crate::commands::progress::data_path(s)),
            )
        }
    });

    let config = BacktestConfig {
        engine: EngineConfig {
            initial_equity: Cash::new(initial),
            sizer: crate::commands::sizing::sizer(&args.trade.sizing, &cfg, quantity)?,
            limits: cfg.risk_management.limits(),
            instruments: crate::commands::sizing::instruments(&cfg)?,
        },
        paper: PaperConfig {
            fill,
            fee_bps,
            slippage_bps,
            maker_fee_bps: args.maker_fee_bps,
            latency_ms: args.latency_ms,
            max_volume_fraction: args.max_volume_fraction,
        },
        // Book replays annualise by the observed spacing of equity rows.
        bars_per_year: if books { 0.0 } else { interval.bars_per_year() },
        perp: crate::commands::feeds::perp_config(args, &symbols, &cfg)?,
    };
    let out_dir = args
        .output_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&d.output_dir));
    let mut recorder = CsvRecorder::create(&out_dir).context("creating the output folder")?;
    let mut reporter = ReportRecorder::new(config.engine.initial_equity, DEFAULT_BUCKETS, DEFAULT_TRADE_ROWS);
    let mut tee = Tee::new(&mut recorder, &mut reporter);
    let report = if book_streams.is_empty() {
        // Candles only: the loop's direct candle path, no event wrapping.
        tesser_backtester::run(strategy, feed, &config, &mut tee)?
    } else {
        let candles: crate::commands::feeds::EventFeed =
            Box::new(feed.map(|c| c.map(tesser_core::Event::Candle)));
        let feed = crate::commands::feeds::merge(Some(candles), book_streams);
        tesser_backtester::run_events(strategy, feed, &config, &mut tee)?
    };
    recorder.finish().context("writing results")?;
    let run_report = reporter.finish(report.bars_per_year, report.funding_paid);

    let summary = Summary {
        strategy: name,
        symbols: symbols.iter().map(Symbol::as_str).collect(),
        data: data_names,
        interval,
        fill,
        fee_bps,
        slippage_bps,
        maker_fee_bps: args.maker_fee_bps,
        latency_ms: args.latency_ms,
        max_volume_fraction: args.max_volume_fraction,
        quantity,
        sizer: config.engine.sizer,
        metrics: &run_report.metrics,
        report: &report,
    };
    let json = serde_json::to_string_pretty(&summary)?;
    let path = out_dir.join("summary.json");
    std::fs::write(&path, json + "\n").with_context(|| format!("writing {}", path.display()))?;
    if let Some(html) = &args.report {
        let mut rows = vec![
            ("strategy".to_owned(), name.to_owned()),
            (
                "strategy file".to_owned(),
                args.strategy_config.display().to_string(),
            ),
            ("data".to_owned(), summary.data.join(" ")),
            ("interval".to_owned(), interval.to_string()),
            (
                "fill".to_owned(),
                serde_json::to_value(fill)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            ),
            ("fee bps".to_owned(), fee_bps.to_string()),
            ("slippage bps".to_owned(), slippage_bps.to_string()),
            ("quantity".to_owned(), quantity.to_string()),
            ("initial equity".to_owned(), initial.to_string()),
        ];
        rows.extend(crate::commands::backtest_html::param_rows(&args.strategy_config));
        let title = format!("{name} on {}", summary.symbols.join(", "));
        crate::commands::backtest_html::write(html, &title, &rows, &run_report)?;
    }
    print!(
        "{}",
        crate::commands::backtest_print::render(name, &report, &out_dir)
    );
    Ok(())
}

/// Opens `--data` inputs (`[SYMBOL=]FILE`) as one time-ordered feed.
fn open_files(
    specs: &[String],
    symbols: &[Symbol],
    interval: Option<Interval>,
) -> anyhow::Result<(Feed, Interval, Vec<String>)> {
    let mut inputs = Vec::new();
    let mut found = None;
    for spec in specs {
        let (symbol, path) = match spec.split_once('=') {
            Some((s, p)) if !s.is_empty() && !s.contains(['/', '\\', '.']) => {
                (Symbol::new(s), PathBuf::from(p))
            }
            _ => match symbols {
                [only] => (*only, PathBuf::from(spec)),
                _ => bail!(
                    "--data {spec}: the strategy trades {} symbols; write SYMBOL=FILE",
                    symbols.len()
                ),
            },
        };
        let file_interval = match interval {
            Some(i) => i,
            None => detect_interval(&path)?,
        };
        if found.is_some_and(|f| f != file_interval) {
            bail!(
                "--data {spec}: bars are {file_interval}, other files are {}",
                found.unwrap_or(file_interval)
            );
        }
        found = Some(file_interval);
        let reader: Feed = if tesser_data::is_parquet(&path) {
            Box::new(tesser_data::CandleParquetReader::open(
                &path,
                symbol,
                file_interval,
            )?)
        } else {
            Box::new(CandleCsvReader::open(&path, symbol, file_interval)?)
        };
        inputs.push((path, reader));
    }
    let interval = found.context("no --data given")?;
    let names = specs.to_vec();
    Ok((Box::new(MergedCandles::new(inputs)), interval, names))
}
