//! The live-trading state store: one SQLite file holding the latest
//! [`LiveSnapshot`] of the runtime (portfolio, open orders, last prices, kill
//! switch) and an append-only journal of every fill.
//!
//! Each [`StateStore::save`] is one ACID transaction: the snapshot is
//! replaced and the new fills appended together, so a process killed at any
//! instant (even `kill -9` mid-write) restarts from the last committed save,
//! never from a torn one. The file uses WAL journaling with
//! `synchronous=FULL`, so a commit is durable once `save` returns and
//! `sqlite3 FILE ".backup 'copy.db'"` takes a consistent online backup while
//! the runtime writes.
//!
//! Why SQLite (`rusqlite` with the `bundled` feature): it gives atomic,
//! crash-safe commits and online backups without us writing a journal, the
//! file is readable with the stock `sqlite3` tool for audits, and bundling
//! pins one SQLite version on every machine with no system library.
//!
//! Money stays exact: the snapshot payload is JSON whose decimals are
//! strings, and the fills journal stores decimals as `TEXT`. Secrets
//! (API keys, webhook URLs) are never part of a snapshot.

mod error;
mod snapshot;
mod store;

pub use error::StateError;
pub use snapshot::{LastCandle, LiveSnapshot, Mark, OpenOrder};
pub use store::{StateStore, SCHEMA_VERSION};
