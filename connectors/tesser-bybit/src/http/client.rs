//! The REST core: signing, clock sync, rate-limit bookkeeping and retries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use tesser_core::Timestamp;

use super::error::BybitError;
use super::models::{BybitEnvelope, BybitServerTime};
use super::query::Query;
use crate::common::backoff::Backoff;
use crate::common::consts::{RET_RATE_LIMIT, RET_SERVER_ERROR, RET_SERVER_TIMEOUT, RET_TIMESTAMP_WINDOW};
use crate::common::credential::sign_payload;
use crate::common::urls;
use crate::config::BybitConfig;

/// Wall-clock milliseconds; the one place the connector reads the clock.
#[allow(clippy::disallowed_methods, reason = "signing needs the wall clock")]
pub(crate) fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// What the last response said about an endpoint's rate limit.
#[derive(Debug, Clone, Copy, Default)]
struct RateLimit {
    remaining: Option<u64>,
    reset_ms: Option<i64>,
}

/// HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// Cheap-to-clone Bybit v5 REST client.
#[derive(Clone)]
pub struct BybitHttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    cfg: BybitConfig,
    offset_ms: AtomicI64,
    limits: Mutex<HashMap<&'static str, RateLimit>>,
    seed: AtomicU64,
}

impl std::fmt::Debug for BybitHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BybitHttpClient")
            .field("cfg", &self.inner.cfg)
            .finish()
    }
}

impl BybitHttpClient {
    /// Builds a client for a profile.
    ///
    /// # Errors
    /// [`BybitError::Transport`] if the HTTP client cannot be built.
    pub fn new(cfg: BybitConfig) -> Result<Self, BybitError> {
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout())
            .connect_timeout(cfg.timeout())
            .build()
            .map_err(|e| BybitError::Transport(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                cfg,
                offset_ms: AtomicI64::new(0),
                limits: Mutex::new(HashMap::new()),
                seed: AtomicU64::new(0x5DEE_CE66_D1CE_4E5B),
            }),
        })
    }

    /// The profile.
    #[must_use]
    pub fn config(&self) -> &BybitConfig {
        &self.inner.cfg
    }

    /// Local clock corrected by the last measured server offset.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        Timestamp::from_millis(wall_ms() + self.clock_offset_ms())
    }

    /// Server minus local clock in milliseconds, as last measured.
    #[must_use]
    pub fn clock_offset_ms(&self) -> i64 {
        self.inner.offset_ms.load(Ordering::Relaxed)
    }

    /// `GET /v5/market/time`.
    ///
    /// # Errors
    /// Transport, HTTP or decode failures.
    pub async fn server_time(&self) -> Result<Timestamp, BybitError> {
        let t: BybitServerTime = self
            .call(Method::Get, urls::SERVER_TIME, &Query::new(), None, false)
            .await?;
        parse_server_time(&t)
    }

    /// Measures the server clock offset and applies it to later signatures.
    ///
    /// # Errors
    /// Transport, HTTP or decode failures.
    pub async fn sync_time(&self) -> Result<i64, BybitError> {
        let t0 = wall_ms();
        // No retry loop here: `call` itself re-syncs on 10002.
        let t: BybitServerTime = self
            .send_once(Method::Get, urls::SERVER_TIME, &Query::new(), None, false)
            .await?;
        let server = parse_server_time(&t)?.as_millis();
        let t1 = wall_ms();
        let offset = server - (t0 + t1) / 2;
        self.inner.offset_ms.store(offset, Ordering::Relaxed);
        tracing::debug!(offset, "bybit clock offset measured");
        Ok(offset)
    }

    fn backoff(&self) -> Backoff {
        let cfg = &self.inner.cfg;
        let seed = self.inner.seed.fetch_add(0x9E37_79B9, Ordering::Relaxed);
        Backoff::new(
            Duration::from_millis(cfg.backoff_base_ms),
            Duration::from_millis(cfg.backoff_cap_ms),
        )
        .with_jitter(0.5, seed)
    }

    /// Time to wait before calling `path`, if its window is used up.
    fn rate_limit_wait(&self, path: &'static str) -> Option<Duration> {
        let limits = self.inner.limits.lock().ok()?;
        let rl = limits.get(path)?;
        if rl.remaining? > 0 {
            return None;
        }
        let wait = rl.reset_ms? - self.now().as_millis();
        (wait > 0).then(|| Duration::from_millis(wait.unsigned_abs().min(self.inner.cfg.backoff_cap_ms)))
    }

    fn record_limits(&self, path: &'static str, headers: &reqwest::header::HeaderMap) {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<i64>().ok())
        };
        let rl = RateLimit {
            remaining: get("x-bapi-limit-status").and_then(|v| u64::try_from(v).ok()),
            reset_ms: get("x-bapi-limit-reset-timestamp"),
        };
        if rl.remaining.is_none() && rl.reset_ms.is_none() {
            return;
        }
        if let Ok(mut limits) = self.inner.limits.lock() {
            limits.insert(path, rl);
        }
    }

    /// One request with retries: 429/5xx/transport/10000/10016 back off with
    /// jitter, 10006 waits for the window reset (1 s if unknown), and 10002
    /// re-syncs the clock and retries once.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &'static str,
        query: &Query,
        body: Option<String>,
        signed: bool,
    ) -> Result<T, BybitError> {
        let mut sent = 0;
        self.call_counted(method, path, query, body, signed, &mut sent)
            .await
    }

    /// [`Self::call`], also counting the requests sent in `sent` (more than
    /// one means a retry, whose first attempt may have taken effect).
    pub(crate) async fn call_counted<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &'static str,
        query: &Query,
        body: Option<String>,
        signed: bool,
        sent: &mut u32,
    ) -> Result<T, BybitError> {
        if signed && !self.inner.cfg.has_credentials() {
            return Err(BybitError::NoCredentials(path));
        }
        let mut backoff = self.backoff();
        let mut retries = 0u32;
        let mut resynced = false;
        loop {
            if let Some(wait) = self.rate_limit_wait(path) {
                tracing::debug!(path, ?wait, "waiting for bybit rate-limit window");
                tokio::time::sleep(wait).await;
            }
            *sent += 1;
            let err = match self.send_once(method, path, query, body.as_deref(), signed).await {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            let delay = match err.ret_code() {
                Some(RET_TIMESTAMP_WINDOW) if signed && !resynced => {
                    resynced = true;
                    self.sync_time().await?;
                    continue;
                }
                Some(RET_RATE_LIMIT) => Some(self.reset_delay(path).unwrap_or(Duration::from_secs(1))),
                Some(RET_SERVER_TIMEOUT | RET_SERVER_ERROR) => Some(backoff.next_delay()),
                Some(_) => None,
                None if err.is_transient() => Some(backoff.next_delay()),
                None => None,
            };
            match delay {
                Some(d) if retries < self.inner.cfg.max_retries => {
                    retries += 1;
                    tracing::warn!(path, error = %err, ?d, retries, "retrying bybit request");
                    tokio::time::sleep(d).await;
                }
                _ => return Err(err),
            }
        }
    }

    fn reset_delay(&self, path: &'static str) -> Option<Duration> {
        let limits = self.inner.limits.lock().ok()?;
        let wait = limits.get(path)?.reset_ms? - self.now().as_millis();
        (wait > 0).then(|| Duration::from_millis(wait.unsigned_abs().min(self.inner.cfg.backoff_cap_ms)))
    }

    async fn send_once<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &'static str,
        query: &Query,
        body: Option<&str>,
        signed: bool,
    ) -> Result<T, BybitError> {
        let cfg = &self.inner.cfg;
        let base = urls::join(&cfg.rest_url, path);
        let url = if query.as_str().is_empty() {
            base
        } else {
            format!("{base}?{}", query.as_str())
        };
        let mut req = match method {
            Method::Get => self.inner.http.get(url),
            Method::Post => self
                .inner
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .body(body.unwrap_or("{}").to_owned()),
        };
        if signed {
            let ts = self.now().as_millis();
            let payload = match method {
                Method::Get => query.as_str(),
                Method::Post => body.unwrap_or("{}"),
            };
            let sign = sign_payload(
                cfg.api_secret.expose(),
                ts,
                &cfg.api_key,
                cfg.recv_window_ms,
                payload,
            );
            req = req
                .header("X-BAPI-API-KEY", &cfg.api_key)
                .header("X-BAPI-TIMESTAMP", ts.to_string())
                .header("X-BAPI-RECV-WINDOW", cfg.recv_window_ms.to_string())
                .header("X-BAPI-SIGN-TYPE", "2")
                .header("X-BAPI-SIGN", sign);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| BybitError::Transport(e.to_string()))?;
        let status = resp.status().as_u16();
        self.record_limits(path, resp.headers());
        let text = resp
            .text()
            .await
            .map_err(|e| BybitError::Transport(e.to_string()))?;
        if status != 200 {
            let body: String = text.chars().take(200).collect();
            return Err(BybitError::Http { status, body });
        }
        let env: BybitEnvelope = serde_json::from_str(&text).map_err(|e| BybitError::decode(path, e))?;
        if env.ret_code != 0 {
            return Err(BybitError::Api {
                code: env.ret_code,
                message: env.ret_msg,
            });
        }
        serde_json::from_value(env.result).map_err(|e| BybitError::decode(path, e))
    }
}

fn parse_server_time(t: &BybitServerTime) -> Result<Timestamp, BybitError> {
    if t.time_nano.len() > 6 {
        if let Ok(ns) = t.time_nano.parse::<i128>() {
            let ms = i64::try_from(ns / 1_000_000).map_err(|e| BybitError::decode("timeNano", e))?;
            return Ok(Timestamp::from_millis(ms));
        }
    }
    let s: i64 = t
        .time_second
        .parse()
        .map_err(|e| BybitError::decode("timeSecond", e))?;
    Ok(Timestamp::from_millis(s * 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_time_prefers_nanos() {
        let t = BybitServerTime {
            time_second: "1688639403".into(),
            time_nano: "1688639403423213947".into(),
        };
        assert_eq!(parse_server_time(&t).unwrap().as_millis(), 1_688_639_403_423);
    }
}
