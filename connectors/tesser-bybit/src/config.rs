//! The exchange profile: where to connect and with which key. `Debug` and
//! `Display` never show the secret (nor the key in full).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::common::consts::DEFAULT_RECV_WINDOW_MS;
use crate::common::credential::Secret;
use crate::common::enums::Category;

/// One exchange profile, e.g. `[exchange.bybit_testnet]` in `config/default.toml`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BybitConfig {
    /// REST base URL, e.g. `https://api-testnet.bybit.com` (no path).
    pub rest_url: String,
    /// Public WebSocket URL including the category path,
    /// e.g. `wss://stream-testnet.bybit.com/v5/public/linear`.
    pub ws_public_url: String,
    /// Private WebSocket URL, e.g. `wss://stream-testnet.bybit.com/v5/private`.
    pub ws_private_url: String,
    /// API key (empty for market data only).
    #[serde(default)]
    pub api_key: String,
    /// API secret (empty for market data only).
    #[serde(default)]
    pub api_secret: Secret,
    /// Product category used for every request.
    #[serde(default)]
    pub category: Category,
    /// `X-BAPI-RECV-WINDOW` in milliseconds.
    #[serde(default = "default_recv_window")]
    pub recv_window_ms: u64,
    /// Per-request timeout in milliseconds.
    #[serde(default = "default_timeout")]
    pub request_timeout_ms: u64,
    /// Retries for transient REST failures (5xx, 429, 10006, 10000, 10016).
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    /// First retry / reconnect delay in milliseconds (doubles up to the cap).
    #[serde(default = "default_backoff_base")]
    pub backoff_base_ms: u64,
    /// Longest retry / reconnect delay in milliseconds.
    #[serde(default = "default_backoff_cap")]
    pub backoff_cap_ms: u64,
    /// Interval of the JSON `{"op":"ping"}` heartbeat in milliseconds (Bybit asks for 20 s).
    #[serde(default = "default_ping")]
    pub ping_interval_ms: u64,
    /// A socket with no frame at all for this long is dead (default two ping periods).
    #[serde(default = "default_dead")]
    pub dead_after_ms: u64,
}

fn default_recv_window() -> u64 {
    DEFAULT_RECV_WINDOW_MS
}
fn default_timeout() -> u64 {
    10_000
}
fn default_retries() -> u32 {
    3
}
fn default_backoff_base() -> u64 {
    500
}
fn default_backoff_cap() -> u64 {
    30_000
}
fn default_ping() -> u64 {
    20_000
}
fn default_dead() -> u64 {
    40_000
}

impl BybitConfig {
    /// A profile with the given URLs and no credentials; other fields take
    /// their documented defaults.
    #[must_use]
    pub fn new(rest_url: &str, ws_public_url: &str, ws_private_url: &str) -> Self {
        Self {
            rest_url: rest_url.to_owned(),
            ws_public_url: ws_public_url.to_owned(),
            ws_private_url: ws_private_url.to_owned(),
            api_key: String::new(),
            api_secret: Secret::default(),
            category: Category::Linear,
            recv_window_ms: default_recv_window(),
            request_timeout_ms: default_timeout(),
            max_retries: default_retries(),
            backoff_base_ms: default_backoff_base(),
            backoff_cap_ms: default_backoff_cap(),
            ping_interval_ms: default_ping(),
            dead_after_ms: default_dead(),
        }
    }

    /// Mainnet URLs for `category`.
    #[must_use]
    pub fn mainnet(category: Category) -> Self {
        let mut c = Self::new(
            "https://api.bybit.com",
            &format!("wss://stream.bybit.com/v5/public/{category}"),
            "wss://stream.bybit.com/v5/private",
        );
        c.category = category;
        c
    }

    /// Testnet URLs for `category`.
    #[must_use]
    pub fn testnet(category: Category) -> Self {
        let mut c = Self::new(
            "https://api-testnet.bybit.com",
            &format!("wss://stream-testnet.bybit.com/v5/public/{category}"),
            "wss://stream-testnet.bybit.com/v5/private",
        );
        c.category = category;
        c
    }

    /// Sets the credentials.
    #[must_use]
    pub fn with_credentials(mut self, api_key: &str, api_secret: &str) -> Self {
        self.api_key = api_key.to_owned();
        self.api_secret = Secret::new(api_secret);
        self
    }

    /// True when both key and secret are set.
    #[must_use]
    pub fn has_credentials(&self) -> bool {
        !self.api_key.is_empty() && !self.api_secret.is_empty()
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    fn masked_key(&self) -> String {
        let n = self.api_key.chars().count();
        if n == 0 {
            "<none>".to_owned()
        } else {
            let head: String = self.api_key.chars().take(3.min(n / 2)).collect();
            format!("{head}***")
        }
    }
}

impl fmt::Debug for BybitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BybitConfig")
            .field("rest_url", &self.rest_url)
            .field("ws_public_url", &self.ws_public_url)
            .field("ws_private_url", &self.ws_private_url)
            .field("api_key", &self.masked_key())
            .field("api_secret", &self.api_secret)
            .field("category", &self.category)
            .field("recv_window_ms", &self.recv_window_ms)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("ping_interval_ms", &self.ping_interval_ms)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for BybitConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bybit {} rest={} ws={} key={}",
            self.category,
            self.rest_url,
            self.ws_public_url,
            self.masked_key()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_printed() {
        let c = BybitConfig::testnet(Category::Linear).with_credentials("ABCDEFGHIJ", "super-secret-value");
        let debug = format!("{c:?}");
        let display = c.to_string();
        for text in [&debug, &display] {
            assert!(!text.contains("super-secret-value"), "{text}");
            assert!(!text.contains("ABCDEFGHIJ"), "{text}");
        }
        assert!(debug.contains("***"));
    }
}
