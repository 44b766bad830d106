//! Alert delivery to a webhook on a loopback listener.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tesser_core::Timestamp;
use tesser_telemetry::{AlertConfig, AlertKind, Alerter, Delivery, Metrics, Severity};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A received request: the request line, lower-cased headers and the body.
struct Received {
    request_line: String,
    headers: String,
    body: String,
}

/// Accepts one connection, reads one request (headers plus Content-Length
/// body), answers `status` and returns what it read.
async fn one_shot_listener(status: &'static str) -> (String, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut raw = Vec::new();
        let mut chunk = [0u8; 4096];
        let (head_len, content_length) = loop {
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before the request was complete");
            raw.extend_from_slice(&chunk[..n]);
            if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                break (end + 4, length);
            }
        };
        while raw.len() < head_len + content_length {
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed inside the body");
            raw.extend_from_slice(&chunk[..n]);
        }
        let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        stream.write_all(reply.as_bytes()).await.unwrap();
        let head = String::from_utf8(raw[..head_len - 4].to_vec()).unwrap();
        let (request_line, headers) = head.split_once("\r\n").unwrap();
        Received {
            request_line: request_line.to_owned(),
            headers: headers.to_ascii_lowercase(),
            body: String::from_utf8(raw[head_len..head_len + content_length].to_vec()).unwrap(),
        }
    });
    (base, task)
}

/// Everything logged while the returned guard lives, as plain text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let captured = Self::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .finish();
        (captured, tracing::subscriber::set_default(subscriber))
    }

    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

fn alerter(webhook_url: String, metrics: &Metrics) -> Alerter {
    let config = AlertConfig {
        webhook_url,
        ..AlertConfig::default()
    };
    Alerter::new(config, metrics.clone()).unwrap()
}

#[tokio::test]
async fn an_alert_is_posted_as_json_with_slack_text() {
    let (base, received) = one_shot_listener("200 OK").await;
    let metrics = Metrics::new();
    let mut alerter = alerter(format!("{base}/services/T0/B0/token?x=1"), &metrics);
    for t in 0..2 {
        assert_eq!(alerter.on_order_result(false, Timestamp::from_millis(t)), None);
    }
    let alert = alerter
        .on_order_result(false, Timestamp::from_millis(1_704_164_645_000))
        .unwrap();

    assert_eq!(alerter.notify(&alert).await, Delivery::Delivered);
    let got = received.await.unwrap();
    assert_eq!(got.request_line, "POST /services/T0/B0/token?x=1 HTTP/1.1");
    assert!(
        got.headers.contains("content-type: application/json"),
        "{}",
        got.headers
    );
    let body: Value = serde_json::from_str(&got.body).unwrap();
    assert_eq!(body["kind"], "order_failures");
    assert_eq!(body["severity"], "critical");
    assert_eq!(body["ts"], "2024-01-02T03:04:05Z");
    assert_eq!(
        body["text"],
        "[tesser] critical order_failures: 3 consecutive order requests failed (max_order_failures 3)"
    );
    assert_eq!(body.as_object().unwrap().len(), 4);
    assert!(metrics
        .render()
        .contains("tesser_alerts_total{kind=\"order_failures\"} 1\n"));
}

#[tokio::test]
async fn a_refused_connection_is_reported_not_raised() {
    // Bind, note the port, close: nothing listens there any more.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let metrics = Metrics::new();
    let (log, _guard) = Captured::start();
    let alerter = alerter(
        format!("http://user:pw@{closed}/hook/SECRET?token=SECRET"),
        &metrics,
    );
    let alert = alerter.on_kill_switch(0.06, Timestamp::from_millis(0));
    let delivery = tokio::time::timeout(Duration::from_secs(30), alerter.notify(&alert))
        .await
        .unwrap();
    assert_eq!(delivery, Delivery::Failed);
    assert!(
        metrics
            .render()
            .contains("tesser_alerts_total{kind=\"kill_switch\"} 1\n"),
        "still counted"
    );

    let log = log.text();
    assert!(
        log.contains("kill switch: drawdown 6.00 %"),
        "the alert itself is logged:\n{log}"
    );
    assert!(log.contains("alert webhook delivery failed"), "{log}");
    assert!(
        log.contains(&format!("webhook=http://{closed}")),
        "the redacted URL names the host:\n{log}"
    );
    for secret in ["SECRET", "/hook", "user", "pw@"] {
        assert!(!log.contains(secret), "`{secret}` leaked into the log:\n{log}");
    }
}

#[tokio::test]
async fn an_error_status_is_a_failed_delivery() {
    let (base, received) = one_shot_listener("500 Internal Server Error").await;
    let alerter = alerter(format!("{base}/hook"), &Metrics::new());
    let alert = tesser_telemetry::Alert::custom(Severity::Warning, "test", Timestamp::from_millis(0));
    assert_eq!(alerter.notify(&alert).await, Delivery::Failed);
    assert_eq!(received.await.unwrap().request_line, "POST /hook HTTP/1.1");
}

#[tokio::test]
async fn without_a_webhook_alerts_are_only_logged_and_counted() {
    let metrics = Metrics::new();
    let mut alerter = alerter(String::new(), &metrics);
    alerter.on_market_event(Timestamp::from_millis(0));
    let alert = alerter.check_data_gap(Timestamp::from_millis(301_000)).unwrap();
    assert_eq!(alert.kind, AlertKind::DataGap);
    assert_eq!(alerter.notify(&alert).await, Delivery::LogOnly);
    assert!(metrics
        .render()
        .contains("tesser_alerts_total{kind=\"data_gap\"} 1\n"));
}
