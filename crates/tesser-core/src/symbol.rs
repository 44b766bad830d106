//! Interned instrument symbols: `Copy`, 8 bytes, no allocation per event.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

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

/// Hasher for [`Symbol`] keys: an interned symbol hashes as its precomputed
/// 64-bit hash, so a map lookup costs no SipHash rounds.
#[derive(Debug, Default, Clone, Copy)]
pub struct SymbolHasher(u64);

impl Hasher for SymbolHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached for `Symbol` (which writes one u64); mix anything else.
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// A hash map keyed by [`Symbol`] with the cheap [`SymbolHasher`].
pub type SymbolMap<V> = HashMap<Symbol, V, BuildHasherDefault<SymbolHasher>>;
