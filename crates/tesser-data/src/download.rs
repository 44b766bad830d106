//! `data download`: pages closed candles through [`HistoricalData`] (1000
//! per request; the connector turns Bybit's newest-first pages around), writes
//! them ascending to CSV without gaps or duplicates it did not see at the
//! venue, resumes from an existing file and shows progress with an ETA.
//! Rate limits are the connector's job (it waits on `10006`/429 and the
//! `X-Bapi-Limit-*` headers); this loop issues one request at a time.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use tesser_broker::{BrokerError, HistoricalData};
use tesser_core::{Candle, Interval, Symbol, Timestamp};

/// Why a download, validation or resample could not run.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The venue failed.
    #[error("download failed: {0}")]
    Broker(#[from] BrokerError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The input is unusable (names file and line).
    #[error("{path}:{line}: {message}")]
    Input {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OpError + '_ {
    move |source| OpError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What to download.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    /// Instrument.
    pub symbol: Symbol,
    /// Bar length.
    pub interval: Interval,
    /// First bar (inclusive, aligned down to the interval).
    pub start: Timestamp,
    /// End (exclusive).
    pub end: Timestamp,
    /// Output CSV (`timestamp,open,high,low,close,volume`).
    pub path: PathBuf,
    /// Candles per request (Bybit's maximum is 1000).
    pub page: usize,
    /// Show a progress bar with ETA on stderr.
    pub progress: bool,
}

/// What a download did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadSummary {
    /// Rows appended.
    pub written: u64,
    /// Requests sent.
    pub requests: u64,
    /// Last bar already in the file when resuming.
    pub resumed_after: Option<Timestamp>,
    /// Holes in the venue's data: `(first missing, last missing)` bar starts.
    pub venue_gaps: Vec<(Timestamp, Timestamp)>,
    /// Open time of the last bar in the file.
    pub last: Option<Timestamp>,
}

/// Open time of the last row of an existing CSV, if any.
///
/// # Errors
/// [`OpError::Io`] or [`OpError::Input`] when the last row is unreadable.
pub fn last_timestamp(path: &Path) -> Result<Option<Timestamp>, OpError> {
    let Ok(file) = File::open(path) else {
        return Ok(None);
    };
    let mut last_line = None;
    let mut count = 0u64;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(io(path))?;
        count += 1;
        if count > 1 && !line.trim().is_empty() {
            last_line = Some((count, line));
        }
    }
    let Some((n, line)) = last_line else {
        return Ok(None);
    };
    let ts = line.split(',').next().unwrap_or("");
    Timestamp::parse(ts).map(Some).map_err(|e| OpError::Input {
        path: path.to_owned(),
        line: n,
        message: e.to_string(),
    })
}

fn write_row(out: &mut impl Write, c: &Candle) -> std::io::Result<()> {
    writeln!(
        out,
        "{},{},{},{},{},{}",
        c.open_time, c.open, c.high, c.low, c.close, c.volume
    )
}

fn progress_bar(total: u64, show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} bars  {per_sec}  ETA {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Downloads `[start, end)` into `req.path`, resuming after its last row.
///
/// # Errors
/// [`OpError::Broker`] when the venue fails (after the connector's own
/// retries), [`OpError::Io`] on file errors; rows written so far stay valid.
pub async fn download(
    source: &dyn HistoricalData,
    req: &DownloadRequest,
) -> Result<DownloadSummary, OpError> {
    let step = req.interval.millis();
    let mut summary = DownloadSummary::default();
    let resumed = last_timestamp(&req.path)?;
    summary.resumed_after = resumed;
    let aligned = req.start.as_millis().div_euclid(step) * step;
    let mut cursor = match resumed {
        Some(t) => (t.as_millis() + step).max(aligned),
        None => aligned,
    };
    let fresh = resumed.is_none();
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&req.path)
        .map_err(io(&req.path))?;
    if fresh {
        file.set_len(0).map_err(io(&req.path))?;
        file.seek(SeekFrom::Start(0)).map_err(io(&req.path))?;
    }
    let mut out = BufWriter::with_capacity(1 << 16, file);
    if fresh {
        writeln!(out, "timestamp,open,high,low,close,volume").map_err(io(&req.path))?;
    }
    let end = req.end.as_millis();
    let total = u64::try_from((end - cursor).max(0) / step).unwrap_or(0);
    let bar = progress_bar(total, req.progress);
    let mut last = resumed.map(Timestamp::as_millis);
    while cursor < end {
        let page = source
            .candles(
                req.symbol,
                req.interval,
                Timestamp::from_millis(cursor),
                req.end,
                req.page.max(1),
            )
            .await?;
        summary.requests += 1;
        if page.is_empty() {
            break;
        }
        let mut advanced = false;
        for c in &page {
            let t = c.open_time.as_millis();
            if t < cursor || last.is_some_and(|l| t <= l) || t >= end {
                continue; // duplicate, out of order or out of range
            }
            if t > cursor {
                summary
                    .venue_gaps
                    .push((Timestamp::from_millis(cursor), Timestamp::from_millis(t - step)));
            }
            write_row(&mut out, c).map_err(io(&req.path))?;
            summary.written += 1;
            last = Some(t);
            cursor = t + step;
            advanced = true;
        }
        bar.set_position(
            u64::try_from((cursor - aligned.max(resumed.map_or(aligned, |r| r.as_millis() + step))) / step)
                .unwrap_or(0),
        );
        if !advanced {
            break;
        }
    }
    out.flush().map_err(io(&req.path))?;
    bar.finish_and_clear();
    summary.last = last.map(Timestamp::from_millis);
    Ok(summary)
}
