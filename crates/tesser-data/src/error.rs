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

/// One step of a stream that stops at its first error: runs `step` unless the
/// stream already failed, and remembers a failure so nothing follows it.
pub(crate) fn fused<T>(
    failed: &mut bool,
    step: impl FnOnce() -> Result<Option<T>, DataError>,
) -> Option<Result<T, DataError>> {
    if *failed {
        return None;
    }
    let item = step().transpose();
    *failed = matches!(item, Some(Err(_)));
    item
}
