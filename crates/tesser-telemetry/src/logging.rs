//! The live log: JSON lines in a file for Promtail/Loki, readable text on
//! stderr.
//!
//! Filtering reads `RUST_LOG` with `tracing-subscriber`'s `Targets` syntax
//! (`info`, `warn,tesser_bybit=debug`): the `env-filter` feature would add
//! regex-automata and regex-syntax (about 33 s of compile time on two cores)
//! for span and field matchers a trading process does not need. The file is
//! written by a background thread instead of `tracing-appender`, whose `time`
//! and crossbeam dependencies cost about 14 s; see [`writer`].

mod writer;

use std::fs::{self, OpenOptions};
use std::path::Path;

use tracing::level_filters::LevelFilter;
use tracing::Subscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{fmt, Layer as _, Registry};

use crate::TelemetryError;

pub use writer::LogGuard;

/// The filter when `RUST_LOG` is unset or empty.
const DEFAULT_FILTER: &str = "info";

/// Installs the process-wide `tracing` subscriber of the live runtime:
///
/// - every event `RUST_LOG` lets through (default `info`) is appended to
///   `path` as one JSON object per line, with `timestamp` (RFC 3339 UTC),
///   `level`, `target`, `message`, the event's own fields at the top level,
///   and the current span under `span`;
/// - the events at or above `console_level` among those are also printed to
///   stderr as text (a `tracing::Level`, or a `LevelFilter` where
///   `LevelFilter::OFF` silences the console).
///
/// Parent directories of `path` are created; an existing file is appended
/// to. Lines are written by a background thread; keep the returned guard
/// alive for the whole run: dropping it writes out what is queued and closes
/// the file.
///
/// # Errors
/// [`TelemetryError::LogFilter`] for an unparsable `RUST_LOG`,
/// [`TelemetryError::LogFile`] naming `path` when it cannot be opened,
/// [`TelemetryError::LogThread`] when the writer thread cannot start, and
/// [`TelemetryError::SubscriberInstalled`] when a global subscriber already
/// exists.
pub fn init_json_log(path: &Path, console_level: impl Into<LevelFilter>) -> Result<LogGuard, TelemetryError> {
    let console_level = console_level.into();
    let filter = parse_filter(std::env::var("RUST_LOG").ok().as_deref())?;
    let (subscriber, guard) = build_subscriber(path, console_level, filter)?;
    tracing::subscriber::set_global_default(subscriber).map_err(|_| TelemetryError::SubscriberInstalled)?;
    Ok(guard)
}

/// Parses a `RUST_LOG` value; `None`, blank or only commas mean `info`.
pub(crate) fn parse_filter(value: Option<&str>) -> Result<Targets, TelemetryError> {
    let raw = value.unwrap_or_default();
    let directives: Vec<&str> = raw.split(',').map(str::trim).filter(|d| !d.is_empty()).collect();
    let text = if directives.is_empty() {
        DEFAULT_FILTER.to_owned()
    } else {
        directives.join(",")
    };
    text.parse::<Targets>().map_err(|e| TelemetryError::LogFilter {
        value: raw.to_owned(),
        reason: e.to_string(),
    })
}

/// The subscriber [`init_json_log`] installs, for use with
/// `tracing::subscriber::with_default` in tests.
pub(crate) fn build_subscriber(
    path: &Path,
    console_level: LevelFilter,
    filter: Targets,
) -> Result<(impl Subscriber + Send + Sync + 'static, LogGuard), TelemetryError> {
    let open_error = |source| TelemetryError::LogFile {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(open_error)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(open_error)?;
    let (writer, guard) = writer::spawn(file, path)?;

    let json = fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(writer);
    let console = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(console_level);
    let subscriber = Registry::default().with(filter).with(json).with(console);
    Ok((subscriber, guard))
}

#[cfg(test)]
mod tests;
