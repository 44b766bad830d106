//! API credentials and HMAC-SHA256 request signing (v5 rules, docs §3).

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An API secret. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text, for signing only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// True when no secret was configured.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

fn hmac_hex(secret: &str, message: &[u8]) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here;
    // an empty signature would simply be rejected by the venue.
    match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message);
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// `X-BAPI-SIGN` for a REST request: lower-case hex HMAC-SHA256 over
/// `timestamp + api_key + recv_window + payload`, where `payload` is the raw
/// query string (GET) or the exact body bytes (POST).
#[must_use]
pub fn sign_payload(secret: &str, ts_ms: i64, api_key: &str, recv_window_ms: u64, payload: &str) -> String {
    let message = format!("{ts_ms}{api_key}{recv_window_ms}{payload}");
    hmac_hex(secret, message.as_bytes())
}

/// Signature of the private WebSocket `auth` op: HMAC over `GET/realtime{expires}`.
#[must_use]
pub fn ws_auth_signature(secret: &str, expires_ms: i64) -> String {
    hmac_hex(secret, format!("GET/realtime{expires_ms}").as_bytes())
}
