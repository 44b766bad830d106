//! Progress bars on stderr for long runs, drawn only when stderr is a
//! terminal (hidden in pipes, CI and tests).

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` `unit`s, or a counter when the length is unknown; hidden
/// when stderr is not a terminal.
pub(crate) fn bar(len: Option<u64>, unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match len {
        Some(n) => (
            ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
            format!("{{bar:40}} {{pos}}/{{len}} {unit}  {{per_sec}}  ETA {{eta}}"),
        ),
        None => (
            ProgressBar::new_spinner(),
            format!("{{spinner}} {{pos}} {unit}  {{per_sec}}"),
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}

/// Data rows (lines after the header) of CSV files, for the bar's length;
/// `None` if a file cannot be read (the run itself will report it).
pub(crate) fn csv_rows<'a>(paths: impl Iterator<Item = &'a Path>) -> Option<u64> {
    let mut rows = 0_u64;
    for path in paths {
        let mut reader = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).ok()?);
        let mut lines = 0_u64;
        loop {
            let buf = reader.fill_buf().ok()?;
            if buf.is_empty() {
                break;
            }
            lines += buf.iter().filter(|b| **b == b'\n').count() as u64;
            let n = buf.len();
            reader.consume(n);
        }
        rows += lines.saturating_sub(1);
    }
    Some(rows)
}

/// Batches of items between bar updates: keeps the per-candle cost to a
/// counter increment.
const BATCH: u64 = 4096;

/// Counts the items of an iterator on a progress bar.
pub(crate) struct Counted<I> {
    inner: I,
    bar: ProgressBar,
    pending: u64,
}

impl<I> Counted<I> {
    /// Wraps `inner`; the bar is finished when `inner` ends.
    pub(crate) fn new(inner: I, bar: ProgressBar) -> Self {
        Self {
            inner,
            bar,
            pending: 0,
        }
    }
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next();
        if item.is_some() {
            self.pending += 1;
            if self.pending == BATCH {
                self.bar.inc(BATCH);
                self.pending = 0;
            }
        } else if !self.bar.is_finished() {
            self.bar.inc(self.pending);
            self.pending = 0;
            self.bar.finish_and_clear();
        }
        item
    }
}

/// The file of a `--data` argument (`[SYMBOL=]FILE`).
pub(crate) fn data_path(spec: &str) -> &Path {
    match spec.split_once('=') {
        Some((s, p)) if !s.is_empty() && !s.contains(['/', '\\', '.']) => Path::new(p),
        _ => Path::new(spec),
    }
}

/// Wraps a candle feed in a progress bar when stderr is a terminal; `len`
/// is asked only then (counting file rows costs a read of the files).
pub(crate) fn wrap<T: 'static>(
    feed: Box<dyn Iterator<Item = T> + Send>,
    len: impl FnOnce() -> Option<u64>,
) -> Box<dyn Iterator<Item = T> + Send> {
    if !std::io::stderr().is_terminal() {
        return feed;
    }
    Box::new(Counted::new(feed, bar(len(), "candles")))
}
