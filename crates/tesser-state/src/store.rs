//! The SQLite file: one snapshot row, replaced on every save, and the
//! append-only fills journal, both written in one transaction.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use tesser_core::{Cash, ClientOrderId, Fill, Price, Quantity, Side, Symbol, Timestamp};

use crate::{LiveSnapshot, StateError};

/// The schema version this build writes (`PRAGMA user_version`); files with
/// a newer one are refused.
pub const SCHEMA_VERSION: i64 = 2;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the snapshot row and the fills journal. Decimals are exact TEXT,
    // times RFC 3339 text (snapshot) or epoch milliseconds (fills).
    "CREATE TABLE snapshot (
         id             INTEGER PRIMARY KEY CHECK (id = 1),
         saved_at       TEXT    NOT NULL,
         equity         TEXT    NOT NULL,
         cash           TEXT    NOT NULL,
         liquidate_only INTEGER NOT NULL CHECK (liquidate_only IN (0, 1)),
         payload        TEXT    NOT NULL
     );
     CREATE TABLE fills (
         seq      INTEGER PRIMARY KEY,
         order_id INTEGER NOT NULL,
         symbol   TEXT    NOT NULL,
         side     TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
         qty      TEXT    NOT NULL,
         price    TEXT    NOT NULL,
         fee      TEXT    NOT NULL,
         ts       INTEGER NOT NULL
     );
     CREATE UNIQUE INDEX fills_identity ON fills (order_id, ts, qty, price);",
    // 2: the venue's execution id (a 64-bit digest; 0 = none), part of a
    // fill's identity: two executions of one order at the same time, size
    // and price are two fills.
    "ALTER TABLE fills ADD COLUMN exec_id INTEGER NOT NULL DEFAULT 0;
     DROP INDEX fills_identity;
     CREATE UNIQUE INDEX fills_identity ON fills (order_id, ts, qty, price, exec_id);",
];

/// How long a statement waits for another connection's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Maps an SQLite error to a [`StateError`] naming `path`.
fn sql(path: &Path) -> impl FnOnce(rusqlite::Error) -> StateError + '_ {
    move |source| StateError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// The live state database. See the crate docs for the guarantees.
#[derive(Debug)]
pub struct StateStore {
    conn: Connection,
    path: PathBuf,
}

impl StateStore {
    /// Opens (creating it and its folder if needed) the database at `path`
    /// for reading and writing: WAL journaling, `synchronous=FULL`, a busy
    /// timeout, and the schema created or migrated to [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// [`StateError::CreateDir`] when the folder cannot be made,
    /// [`StateError::Sqlite`] for a file that is not a database (or is
    /// corrupt, locked, unwritable), [`StateError::SchemaTooNew`],
    /// [`StateError::Foreign`] for another program's database and
    /// [`StateError::NoWal`] when WAL journaling cannot be enabled.
    pub fn open(path: &Path) -> Result<StateStore, StateError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StateError::CreateDir {
                path: path.to_owned(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql(path))?;
        let mut store = StateStore {
            conn,
            path: path.to_owned(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing database read-only (for inspection; safe while the
    /// runtime writes). Never creates or migrates anything.
    ///
    /// # Errors
    /// [`StateError::Missing`] when there is no file at `path`, otherwise as
    /// [`Self::open`]; a database without the Tesser schema is
    /// [`StateError::Foreign`].
    pub fn open_read_only(path: &Path) -> Result<StateStore, StateError> {
        if !path.exists() {
            return Err(StateError::Missing {
                path: path.to_owned(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql(path))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql(path))?;
        let store = StateStore {
            conn,
            path: path.to_owned(),
        };
        let version = store.schema_version()?;
        if version < SCHEMA_VERSION {
            let reason = if version == 0 {
                "it has no Tesser schema (user_version 0)".to_owned()
            } else {
                format!("schema version {version} predates {SCHEMA_VERSION}; open it once with the live runtime to migrate")
            };
            return Err(store.foreign(reason));
        }
        Ok(store)
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Busy timeout, WAL journaling, full sync on every commit.
    fn configure(&self) -> Result<(), StateError> {
        let path = &self.path;
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(sql(path))?;
        let mode: String = self
            .conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(sql(path))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StateError::NoWal {
                path: path.clone(),
                mode,
            });
        }
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(sql(path))
    }

    /// `PRAGMA user_version`, refusing versions newer than ours.
    fn schema_version(&self) -> Result<i64, StateError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sql(&self.path))?;
        if version > SCHEMA_VERSION {
            return Err(StateError::SchemaTooNew {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 0 {
            return Err(self.foreign(format!("negative schema version {version}")));
        }
        Ok(version)
    }

    fn foreign(&self, reason: String) -> StateError {
        StateError::Foreign {
            path: self.path.clone(),
            reason,
        }
    }

    /// Creates or upgrades the schema in one transaction.
    fn migrate(&mut self) -> Result<(), StateError> {
        let version = self.schema_version()?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(path))?;
        // Re-read under the write lock: another process may have migrated.
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sql(path))?;
        if version == 0 {
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
                .map_err(sql(path))?;
            if tables > 0 {
                return Err(StateError::Foreign {
                    path: path.clone(),
                    reason: format!("it holds {tables} schema objects but no Tesser schema version"),
                });
            }
        }
        let from = usize::try_from(version).unwrap_or(usize::MAX);
        for migration in MIGRATIONS.iter().skip(from) {
            tx.execute_batch(migration).map_err(sql(path))?;
        }
        if version < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(sql(path))?;
        }
        tx.commit().map_err(sql(path))
    }

    /// The latest snapshot, or `None` when nothing was saved yet.
    ///
    /// # Errors
    /// [`StateError::Sqlite`] when the database cannot be read,
    /// [`StateError::Payload`] when the stored JSON is not a snapshot.
    pub fn load(&self) -> Result<Option<LiveSnapshot>, StateError> {
        let Some(payload) = self.load_raw()? else {
            return Ok(None);
        };
        serde_json::from_str(&payload)
            .map(Some)
            .map_err(|source| StateError::Payload {
                path: self.path.clone(),
                source,
            })
    }

    /// The latest snapshot's JSON payload exactly as stored (for audits).
    ///
    /// # Errors
    /// [`StateError::Sqlite`] when the database cannot be read.
    pub fn load_raw(&self) -> Result<Option<String>, StateError> {
        self.conn
            .query_row("SELECT payload FROM snapshot WHERE id = 1", [], |row| row.get(0))
            .optional()
            .map_err(sql(&self.path))
    }

    /// In one transaction, replaces the snapshot with `snapshot` and appends
    /// `new_fills` to the journal. A fill is identified by (order id, time,
    /// quantity, price, venue execution id): one already journaled (a replay
    /// after a crash) is skipped, not duplicated. Durable once this returns.
    ///
    /// # Errors
    /// [`StateError::Sqlite`] when the write fails (nothing is then
    /// changed), [`StateError::OrderId`] for an order id above `i64::MAX`.
    pub fn save(&mut self, snapshot: &LiveSnapshot, new_fills: &[Fill]) -> Result<(), StateError> {
        let path = &self.path;
        let payload = serde_json::to_string(snapshot).map_err(|source| StateError::Payload {
            path: path.clone(),
            source,
        })?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql(path))?;
        tx.execute(
            "INSERT OR REPLACE INTO snapshot (id, saved_at, equity, cash, liquidate_only, payload)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![
                snapshot.saved_at.to_string(),
                snapshot.equity().to_string(),
                snapshot.cash.to_string(),
                snapshot.liquidate_only,
                payload,
            ],
        )
        .map_err(sql(path))?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO fills (order_id, symbol, side, qty, price, fee, ts, exec_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(sql(path))?;
            for fill in new_fills {
                let order_id = i64::try_from(fill.order_id.0).map_err(|_| StateError::OrderId {
                    path: path.clone(),
                    id: fill.order_id.0,
                })?;
                insert
                    .execute(params![
                        order_id,
                        fill.symbol.as_str(),
                        fill.side.as_str(),
                        fill.qty.to_string(),
                        fill.price.to_string(),
                        fill.fee.to_string(),
                        fill.ts.as_millis(),
                        // Stored as the same 64 bits, read back unchanged.
                        fill.exec_id.map_or(0, |id| id as i64),
                    ])
                    .map_err(sql(path))?;
            }
        }
        tx.commit().map_err(sql(path))
    }

    /// Up to `limit` journaled fills, the most recently journaled first.
    ///
    /// # Errors
    /// [`StateError::Sqlite`] when the journal cannot be read,
    /// [`StateError::CorruptFill`] for a row that is not a valid fill.
    pub fn recent_fills(&self, limit: usize) -> Result<Vec<Fill>, StateError> {
        let path = &self.path;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, order_id, symbol, side, qty, price, fee, ts, exec_id
                 FROM fills ORDER BY seq DESC LIMIT ?1",
            )
            .map_err(sql(path))?;
        let rows = stmt
            .query_map([limit], |row| {
                Ok(FillRow {
                    seq: row.get(0)?,
                    order_id: row.get(1)?,
                    symbol: row.get(2)?,
                    side: row.get(3)?,
                    qty: row.get(4)?,
                    price: row.get(5)?,
                    fee: row.get(6)?,
                    ts: row.get(7)?,
                    exec_id: row.get(8)?,
                })
            })
            .map_err(sql(path))?;
        let mut fills = Vec::new();
        for row in rows {
            let row = row.map_err(sql(path))?;
            let seq = row.seq;
            fills.push(row.into_fill().map_err(|reason| StateError::CorruptFill {
                path: path.clone(),
                row: seq,
                reason,
            })?);
        }
        Ok(fills)
    }

    /// How many fills the journal holds.
    ///
    /// # Errors
    /// [`StateError::Sqlite`] when the journal cannot be read.
    pub fn fill_count(&self) -> Result<u64, StateError> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM fills", [], |row| row.get(0))
            .map_err(sql(&self.path))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

/// One row of the fills journal, as stored.
struct FillRow {
    seq: i64,
    order_id: i64,
    symbol: String,
    side: String,
    qty: String,
    price: String,
    fee: String,
    ts: i64,
    exec_id: i64,
}

impl FillRow {
    fn into_fill(self) -> Result<Fill, String> {
        let order_id =
            u64::try_from(self.order_id).map_err(|_| format!("negative order id {}", self.order_id))?;
        let side = match self.side.as_str() {
            "buy" => Side::Buy,
            "sell" => Side::Sell,
            other => return Err(format!("side `{other}` is neither `buy` nor `sell`")),
        };
        if self.symbol.is_empty() {
            return Err("empty symbol".to_owned());
        }
        Ok(Fill {
            order_id: ClientOrderId(order_id),
            symbol: Symbol::new(&self.symbol),
            side,
            qty: Quantity::parse(&self.qty).map_err(|e| e.to_string())?,
            price: Price::parse(&self.price).map_err(|e| e.to_string())?,
            fee: Cash::parse(&self.fee).map_err(|e| e.to_string())?,
            ts: Timestamp::from_millis(self.ts),
            exec_id: (self.exec_id != 0).then_some(self.exec_id as u64),
        })
    }
}

#[cfg(test)]
mod tests;
