//! Data errors, each naming the file and line at fault.

use std::path::PathBuf;

/// Why market data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The header lacks a required column.
    #[error("{path}: header has no `{column}` column (need timestamp,open,high,low,close,volume)")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The missing column.
        column: &'static str,
    },
    /// A row is malformed or inconsistent.
    #[error("{path}:{line}: {message}")]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong with the row.
        message: String,
    },
    /// The data cannot be used as given (e.g. the interval cannot be inferred).
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A stream that stops at its first error: implementors produce one item
/// per [`step`](Self::step) and keep a `failed` flag; [`next_fused`]
/// (their `Iterator::next`) returns nothing after an error.
///
/// [`next_fused`]: Self::next_fused
pub(crate) trait Fused {
    /// What the stream yields.
    type Item;

    /// The flag remembering that an error was returned.
    fn failed(&mut self) -> &mut bool;

    /// The next item; `Ok(None)` at the end.
    fn step(&mut self) -> Result<Option<Self::Item>, DataError>;

    /// One step, unless the stream already failed.
    #[inline]
    fn next_fused(&mut self) -> Option<Result<Self::Item, DataError>> {
        if *self.failed() {
            return None;
        }
        let item = self.step().transpose();
        *self.failed() = matches!(item, Some(Err(_)));
        item
    }
}
