//! Errors of the state store; every message names the database file.

use std::path::PathBuf;

/// Why the state store could not open, read or write its database.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// [`crate::StateStore::open_read_only`] was given a path with no file.
    #[error("no state database at {}", path.display())]
    Missing {
        /// The database path.
        path: PathBuf,
    },
    /// The folder of a new database could not be created.
    #[error("cannot create the folder of state database {}: {source}", path.display())]
    CreateDir {
        /// The database path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// SQLite refused an operation: not a database, corrupt, locked, disk full...
    #[error("state database {}: {source}", path.display())]
    Sqlite {
        /// The database path.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Tesser with a schema this build does not know.
    #[error(
        "state database {} has schema version {found}, newer than version {supported} \
         that this build understands (upgrade tesser-cli or restore a backup)",
        path.display()
    )]
    SchemaTooNew {
        /// The database path.
        path: PathBuf,
        /// `PRAGMA user_version` of the file.
        found: i64,
        /// The newest version this build reads.
        supported: i64,
    },
    /// The file is an SQLite database, but not one of ours.
    #[error("{} is not a Tesser state database: {reason}", path.display())]
    Foreign {
        /// The database path.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// SQLite would not switch the file to WAL journaling.
    #[error(
        "state database {}: cannot enable WAL journaling (journal_mode stays `{mode}`)",
        path.display()
    )]
    NoWal {
        /// The database path.
        path: PathBuf,
        /// The journal mode SQLite kept.
        mode: String,
    },
    /// The stored snapshot payload is not a valid snapshot.
    #[error("state database {}: corrupt snapshot payload: {source}", path.display())]
    Payload {
        /// The database path.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A row of the fills journal does not hold a valid fill.
    #[error("state database {}: corrupt fill in row {row}: {reason}", path.display())]
    CorruptFill {
        /// The database path.
        path: PathBuf,
        /// The row's `seq`.
        row: i64,
        /// What is wrong with it.
        reason: String,
    },
    /// An order id too large for SQLite's signed 64-bit integers.
    #[error("state database {}: order id {id} does not fit a signed 64-bit integer", path.display())]
    OrderId {
        /// The database path.
        path: PathBuf,
        /// The order id.
        id: u64,
    },
}
