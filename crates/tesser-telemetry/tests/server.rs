//! The /metrics endpoint over real loopback sockets.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use std::net::SocketAddr;

use tesser_telemetry::{serve, AlertKind, EventKind, Metrics, TelemetryError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one raw HTTP/1.1 request and returns (status line, headers, body).
async fn request(addr: SocketAddr, method: &str, path: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap();
    (status.to_owned(), headers.to_ascii_lowercase(), body.to_owned())
}

#[tokio::test]
async fn get_metrics_serves_the_exposition() {
    let metrics = Metrics::new();
    let server = serve(metrics.clone(), "127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0);

    metrics.inc_event(EventKind::Trade);
    metrics.inc_event(EventKind::Trade);
    metrics.inc_alert(AlertKind::DataGap);
    metrics.set_equity(10_500.25);
    metrics.set_position("BTCUSDT", -0.25);

    let (status, headers, body) = request(addr, "GET", "/metrics").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.contains("content-type: text/plain; version=0.0.4; charset=utf-8"),
        "{headers}"
    );
    for line in [
        "# HELP tesser_events_total Market events received, by kind.",
        "# TYPE tesser_events_total counter",
        "tesser_events_total{kind=\"trade\"} 2",
        "tesser_alerts_total{kind=\"data_gap\"} 1",
        "# TYPE tesser_equity gauge",
        "tesser_equity 10500.25",
        "tesser_position{symbol=\"BTCUSDT\"} -0.25",
        "tesser_up 1",
    ] {
        assert!(body.lines().any(|l| l == line), "missing `{line}` in\n{body}");
    }
    assert_eq!(body, metrics.render());

    // The same body through an ordinary HTTP client.
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("tesser_events_total{kind=\"trade\"} 2\n"));
    server.shutdown().await;
}

#[tokio::test]
async fn other_paths_are_404_and_other_methods_405() {
    let server = serve(Metrics::new(), "127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    for path in ["/", "/metric", "/metrics/extra", "/favicon.ico"] {
        let (status, _, body) = request(addr, "GET", path).await;
        assert_eq!(status, "HTTP/1.1 404 Not Found", "{path}");
        assert!(!body.contains("tesser_"), "{path}");
    }
    let (status, headers, _) = request(addr, "POST", "/metrics").await;
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    assert!(headers.contains("allow: get, head"), "{headers}");
    let (status, _, body) = request(addr, "GET", "/metrics?name=x").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("tesser_up 1"));
}

#[tokio::test]
async fn keep_alive_connections_serve_several_requests() {
    let metrics = Metrics::new();
    let server = serve(metrics.clone(), "127.0.0.1:0").await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://{}/metrics", server.local_addr());
    for n in 1..=3 {
        metrics.add_fills(1);
        let body = client.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(body.contains(&format!("tesser_fills_total {n}\n")), "{body}");
    }
}

#[tokio::test]
async fn the_port_is_released_on_shutdown_and_on_drop() {
    let server = serve(Metrics::new(), "127.0.0.1:0").await.unwrap();
    let addr = server.local_addr();
    server.shutdown().await;
    let again = serve(Metrics::new(), &addr.to_string()).await.unwrap();
    assert_eq!(again.local_addr(), addr);
    drop(again);
    // An aborted task releases its listener once the runtime polls it.
    let mut rebound = None;
    for _ in 0..100 {
        tokio::task::yield_now().await;
        if let Ok(s) = serve(Metrics::new(), &addr.to_string()).await {
            rebound = Some(s);
            break;
        }
    }
    assert!(rebound.is_some(), "port {addr} still bound after drop");
}

#[tokio::test]
async fn bind_errors_name_the_address() {
    let first = serve(Metrics::new(), "127.0.0.1:0").await.unwrap();
    let taken = first.local_addr().to_string();
    let err = serve(Metrics::new(), &taken).await.unwrap_err();
    assert!(
        matches!(err, TelemetryError::Bind { ref addr, .. } if *addr == taken),
        "{err}"
    );
    assert!(err.to_string().contains(&taken), "{err}");

    let err = serve(Metrics::new(), "not-an-address").await.unwrap_err();
    assert!(err.to_string().contains("`not-an-address`"), "{err}");
}
