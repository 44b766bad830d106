//! A small HTTP/1.1 server (keep-alive, Content-Length bodies) — enough for
//! reqwest, pybit and curl; WebSocket upgrades are handed to [`crate::ws`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::state::State;

/// One parsed request.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    /// The raw query string as received (signatures cover it verbatim).
    pub(crate) query: String,
    pub(crate) headers: HashMap<String, String>,
    pub(crate) body: String,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).cloned()
    }

    /// Decoded query parameters.
    pub(crate) fn params(&self) -> HashMap<String, String> {
        self.query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), percent_decode(v))
            })
            .collect()
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One response.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: String,
}

impl Response {
    pub(crate) fn json(body: String) -> Self {
        Self {
            status: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body,
        }
    }

    /// Bybit's 403 page: an HTML body, as sent on an IP rate-limit breach
    /// ("access too frequent") or a geo block, never JSON.
    pub(crate) fn forbidden() -> Self {
        Self {
            status: 403,
            content_type: "text/html",
            headers: Vec::new(),
            body: "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>\
                   <h1>403 Forbidden</h1><p>access too frequent</p></body></html>"
                .into(),
        }
    }

    pub(crate) fn html(status: u16) -> Self {
        Self {
            status,
            content_type: "text/html",
            headers: Vec::new(),
            body: format!("<html><body><h1>{status}</h1>mock bybit fault</body></html>"),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Serves one TCP connection: a WebSocket upgrade or HTTP requests.
pub(crate) async fn serve(stream: TcpStream, state: Arc<State>) {
    let mut peek = vec![0u8; 4096];
    for _ in 0..200 {
        match stream.peek(&mut peek).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let head = &peek[..n];
                if head.windows(4).any(|w| w == b"\r\n\r\n") || n == peek.len() {
                    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
                    if lower.contains("upgrade: websocket") {
                        crate::ws::serve(stream, state).await;
                        return;
                    }
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
    if let Err(e) = http_loop(stream, state).await {
        tracing::debug!(error = %e, "mock http connection ended");
    }
}

async fn http_loop(stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("/").to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len.min(1 << 20)];
        reader.read_exact(&mut body).await?;
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (target.clone(), String::new()),
        };
        let close = headers
            .get("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let req = Request {
            method,
            path,
            query,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let resp = crate::rest::handle(&state, &req);
        if let Some(delay) = state.faults.take_slow() {
            tokio::time::sleep(delay).await; // the request already took effect
        }
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            resp.status,
            reason(resp.status),
            resp.content_type,
            resp.body.len()
        );
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&resp.body);
        let stream = reader.get_mut();
        stream.write_all(out.as_bytes()).await?;
        stream.flush().await?;
        if close {
            return Ok(());
        }
    }
}
