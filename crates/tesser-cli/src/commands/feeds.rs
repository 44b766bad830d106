//! Builds the market-event stream of `backtest run`: candle files (or the
//! synthetic walk) merged by time with order-book replays.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use anyhow::bail;
use tesser_backtester::PerpConfig;
use tesser_core::Decimal;
use tesser_core::{Event, Symbol, Timestamp};
use tesser_data::FundingRates;
use tesser_data::{BookJsonlReader, DataError, MergedEvents, SyntheticBook, TradeJsonlReader};

use crate::cli::BacktestRunArgs;

/// A boxed, time-ordered stream of market events.
pub(crate) type EventFeed = Box<dyn Iterator<Item = Result<Event, DataError>> + Send>;

/// Synthetic books start here (2024-01-01T00:00:00Z), like synthetic candles.
const SYNTHETIC_START: Timestamp = Timestamp::from_millis(1_704_067_200_000);

/// Splits `SYMBOL=FILE` (a symbol has no path separators or dots).
pub(crate) fn split_spec(spec: &str) -> (Option<Symbol>, PathBuf) {
    match spec.split_once('=') {
        Some((s, p)) if !s.is_empty() && !s.contains(['/', '\\', '.']) => {
            (Some(Symbol::new(s)), PathBuf::from(p))
        }
        _ => (None, PathBuf::from(spec)),
    }
}

/// True when the run replays order books or trades (event-driven, not bars).
pub(crate) fn has_books(args: &BacktestRunArgs) -> bool {
    !args.book.is_empty() || args.synthetic_book.is_some() || !args.trades.is_empty()
}

/// Order-book and trade streams requested by `args`, each named by its source.
pub(crate) fn book_streams(
    args: &BacktestRunArgs,
    symbols: &[Symbol],
    seed: u64,
) -> anyhow::Result<Vec<(PathBuf, EventFeed)>> {
    let mut streams: Vec<(PathBuf, EventFeed)> = Vec::new();
    for spec in &args.book {
        let (symbol, path) = split_spec(spec);
        if symbol.is_none() && symbols.len() > 1 {
            bail!(
                "--book {spec}: the strategy trades {} symbols; write SYMBOL=FILE",
                symbols.len()
            );
        }
        let symbol = symbol.or_else(|| symbols.first().copied());
        let reader = BookJsonlReader::open(Path::new(&path), symbol)?;
        streams.push((path, Box::new(reader.map(|u| u.map(Event::Book)))));
    }
    for spec in &args.trades {
        let (symbol, path) = split_spec(spec);
        if symbol.is_none() && symbols.len() > 1 {
            bail!(
                "--trades {spec}: the strategy trades {} symbols; write SYMBOL=FILE",
                symbols.len()
            );
        }
        let symbol = symbol.or_else(|| symbols.first().copied());
        let reader = TradeJsonlReader::open(Path::new(&path), symbol)?;
        streams.push((path, Box::new(reader.map(|t| t.map(Event::Trade)))));
    }
    if let Some(count) = args.synthetic_book {
        let Some(symbol) = symbols.first().copied() else {
            bail!("the strategy names no symbol")
        };
        let book = SyntheticBook::new(symbol, SYNTHETIC_START, 1_000, count, 20, seed);
        streams.push((
            PathBuf::from("synthetic-book"),
            Box::new(book.map(|u| Ok(Event::Book(u)))),
        ));
    }
    Ok(streams)
}

/// Merges a candle stream (first, so a bar precedes a book of the same time)
/// with the book streams.
pub(crate) fn merge(candles: Option<EventFeed>, books: Vec<(PathBuf, EventFeed)>) -> EventFeed {
    let mut inputs: Vec<(PathBuf, EventFeed)> = Vec::with_capacity(books.len() + 1);
    if let Some(c) = candles {
        inputs.push((PathBuf::from("candles"), c));
    }
    inputs.extend(books);
    if inputs.len() == 1 {
        if let Some((_, only)) = inputs.pop() {
            return only;
        }
    }
    Box::new(MergedEvents::new(inputs))
}

/// Perpetual-futures rules when `--leverage` (or a funding flag) is given.
pub(crate) fn perp_config(
    args: &BacktestRunArgs,
    symbols: &[Symbol],
    cfg: &crate::config::AppConfig,
) -> anyhow::Result<Option<PerpConfig>> {
    if args.leverage.is_none() && args.funding_rate.is_none() && args.funding.is_none() {
        return Ok(None);
    }
    let leverage = args.leverage.unwrap_or(Decimal::ONE);
    if leverage < Decimal::ONE {
        bail!("--leverage must be at least 1, got {leverage}");
    }
    if args.maintenance_margin < Decimal::ZERO || args.maintenance_margin >= Decimal::ONE {
        bail!(
            "--maintenance-margin must be in [0, 1), got {}",
            args.maintenance_margin
        );
    }
    let mut perp = PerpConfig::new(leverage);
    perp.maintenance_margin_rate = args.maintenance_margin;
    perp.funding_rate = args.funding_rate;
    for (name, spec) in &cfg.instruments {
        if let Some(l) = spec.max_leverage {
            if l < Decimal::ONE {
                bail!("[instruments.{name}] max_leverage must be at least 1, got {l}");
            }
            perp.leverage_by_symbol.insert(Symbol::new(name), l);
        }
    }
    if let Some(path) = &args.funding {
        let default = symbols.first().copied().unwrap_or_else(|| Symbol::new(""));
        perp.funding_rates = Some(Arc::new(FundingRates::read_csv(path, default)?));
    }
    Ok(Some(perp))
}
