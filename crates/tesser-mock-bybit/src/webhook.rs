//! A loopback HTTP sink standing in for an alert webhook (Slack, Alertmanager)
//! in tests: it answers every request `200 OK` and hands over the bodies.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

/// A running sink. It serves on a background thread until the process ends.
#[derive(Debug)]
pub struct WebhookSink {
    url: String,
    bodies: mpsc::Receiver<String>,
}

impl WebhookSink {
    /// Binds `127.0.0.1:0` and starts accepting.
    ///
    /// # Errors
    /// The bind error.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        let (tx, bodies) = mpsc::channel();
        std::thread::spawn(move || {
            for conn in listener.incoming().map_while(Result::ok) {
                let mut reader = BufReader::new(conn);
                let body = read_body(&mut reader);
                let _ = reader
                    .get_mut()
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                if tx.send(body).is_err() {
                    break;
                }
            }
        });
        Ok(Self { url, bodies })
    }

    /// The URL to configure as the webhook.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next request body, waiting at most `timeout`.
    #[must_use]
    pub fn next(&self, timeout: std::time::Duration) -> Option<String> {
        self.bodies.recv_timeout(timeout).ok()
    }
}

/// Reads the headers, then `Content-Length` bytes of body.
fn read_body(reader: &mut impl BufRead) -> String {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}
