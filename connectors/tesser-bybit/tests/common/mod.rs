//! Shared helpers for the mock-server tests (loopback only).
#![allow(dead_code, reason = "each test binary uses a subset")]
#![allow(clippy::expect_used, missing_docs, reason = "test helpers")]

use std::time::Duration;

use tesser_bybit::{BybitConfig, BybitHttpClient, BybitStream, StreamEvent};
use tesser_mock_bybit::{MockBybit, MockConfig};

pub async fn mock(cfg: MockConfig) -> MockBybit {
    MockBybit::start(cfg).await.expect("mock starts on 127.0.0.1")
}

/// A profile pointing at the mock with fast timers.
pub fn profile(m: &MockBybit) -> BybitConfig {
    let mut c = BybitConfig::new(&m.rest_url(), &m.ws_public_url(), &m.ws_private_url())
        .with_credentials("mock-api-key", "mock-api-secret");
    assert!(c.rest_url.starts_with("http://127.0.0.1:"));
    c.backoff_base_ms = 10;
    c.backoff_cap_ms = 100;
    c.ping_interval_ms = 150;
    c.dead_after_ms = 400;
    c.request_timeout_ms = 2_000;
    c
}

pub fn client(m: &MockBybit) -> BybitHttpClient {
    BybitHttpClient::new(profile(m)).expect("client")
}

/// The next event matching `pred`, within 5 s.
pub async fn until(stream: &mut BybitStream, mut pred: impl FnMut(&StreamEvent) -> bool) -> StreamEvent {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let e = stream.next().await.expect("stream alive");
            if pred(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event within 5 s")
}
