//! A query string built once, signed and sent byte for byte.

use std::fmt::Write;

/// Ordered `key=value` pairs; values are percent-encoded once on insertion.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(String);

fn encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

impl Query {
    pub(crate) fn new() -> Self {
        Self(String::new())
    }

    fn sep(&mut self, key: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(key);
        self.0.push('=');
    }

    /// Adds `key=value`, percent-encoding the value.
    pub(crate) fn push(mut self, key: &str, value: impl AsRef<str>) -> Self {
        self.sep(key);
        encode(value.as_ref(), &mut self.0);
        self
    }

    /// Adds `key=value` when `value` is `Some`.
    pub(crate) fn opt(self, key: &str, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) => self.push(key, v),
            None => self,
        }
    }

    /// Adds an already-encoded value (cursors arrive percent-encoded).
    pub(crate) fn raw(mut self, key: &str, value: &str) -> Self {
        self.sep(key);
        self.0.push_str(value);
        self
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_encodes() {
        let q = Query::new()
            .push("category", "linear")
            .push("symbol", "BTCUSDT")
            .opt("limit", None::<&str>)
            .push("coin", "BTC,ETH")
            .raw("cursor", "a%3D1");
        assert_eq!(
            q.as_str(),
            "category=linear&symbol=BTCUSDT&coin=BTC%2CETH&cursor=a%3D1"
        );
    }
}
