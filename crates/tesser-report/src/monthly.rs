//! Calendar-month returns, one row per month (UTC).

use chrono::Datelike;
use serde::{Deserialize, Serialize};
use tesser_core::{Cash, Decimal, Timestamp};

/// The return of one calendar month: last equity of the month over the last
/// equity of the month before (the starting cash for the first month), minus 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReturn {
    /// Calendar year (UTC).
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Simple return of the month.
    pub ret: f64,
}

/// Streams equity rows into monthly returns.
#[derive(Debug, Clone)]
pub(crate) struct MonthlyReturns {
    rows: Vec<MonthlyReturn>,
    current: Option<(i32, u32)>,
    base: Cash,
    last: Cash,
}

fn ret(base: Cash, last: Cash) -> f64 {
    if base.get().is_zero() {
        0.0
    } else {
        Cash::new(last.get() / base.get() - Decimal::ONE).to_f64()
    }
}

impl MonthlyReturns {
    pub(crate) fn new(initial: Cash) -> Self {
        Self {
            rows: Vec::new(),
            current: None,
            base: initial,
            last: initial,
        }
    }

    pub(crate) fn on_equity(&mut self, ts: Timestamp, equity: Cash) {
        let key = ts.to_datetime().map(|d| (d.year(), d.month()));
        if let (Some((year, month)), Some(key)) = (self.current, key) {
            if (year, month) != key {
                self.rows.push(MonthlyReturn {
                    year,
                    month,
                    ret: ret(self.base, self.last),
                });
                self.base = self.last;
            }
        }
        if key.is_some() {
            self.current = key;
        }
        self.last = equity;
    }

    /// The closed months plus the current one.
    pub(crate) fn rows(&self) -> Vec<MonthlyReturn> {
        let mut rows = self.rows.clone();
        if let Some((year, month)) = self.current {
            rows.push(MonthlyReturn {
                year,
                month,
                ret: ret(self.base, self.last),
            });
        }
        rows
    }
}
