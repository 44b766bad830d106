//! Interned instrument symbols: `Copy`, 8 bytes, no allocation per event.

use std::fmt;

use serde::{Deserialize, Serialize};
use ustr::Ustr;

/// An instrument symbol such as `BTCUSDT`, interned once and copied freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Symbol(Ustr);

impl Symbol {
    /// Interns `name` (the first call allocates; later calls look it up).
    #[must_use]
    pub fn new(name: &str) -> Self {
        Self(Ustr::from(name))
    }

    /// The symbol's text.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.0.as_str()
    }
}

impl From<&str> for Symbol {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
