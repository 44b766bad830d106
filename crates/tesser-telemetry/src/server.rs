//! The `GET /metrics` endpoint.
//!
//! Served with hyper's HTTP/1 server: reqwest already builds hyper, hyper-util
//! and http-body-util, so the `server` feature costs about 1.5 s of compile
//! time (hyper's server half and `httpdate`), less than the care a
//! hand-written HTTP parser would need (keep-alive, pipelining, slow clients).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::{Metrics, TelemetryError};

/// The content type of the text exposition format.
const EXPOSITION_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// How long a client may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Pause after a failed `accept` (for instance out of file descriptors), so
/// the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// A running metrics endpoint. It stops, closing its socket and every open
/// connection, when dropped or on [`MetricsServer::shutdown`].
#[derive(Debug)]
pub struct MetricsServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl MetricsServer {
    /// The address actually bound (the real port when `:0` was asked for).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits until its socket is closed.
    pub async fn shutdown(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `metrics` on `addr` (`host:port`; port 0 picks a free port) from a
/// task on the current tokio runtime: `GET /metrics` answers 200 with the
/// text exposition ([`Metrics::render`]), other methods on `/metrics` 405,
/// other paths 404.
///
/// # Errors
/// [`TelemetryError::Bind`] naming `addr` when it cannot be resolved or bound.
pub async fn serve(metrics: Metrics, addr: &str) -> Result<MetricsServer, TelemetryError> {
    let bind_error = |source| TelemetryError::Bind {
        addr: addr.to_owned(),
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    tracing::info!(addr = %bound, "metrics endpoint listening on /metrics");
    let task = tokio::spawn(accept_loop(listener, metrics));
    Ok(MetricsServer { addr: bound, task })
}

/// Accepts connections until aborted; the connection tasks live in a
/// `JoinSet`, so aborting this task drops (and aborts) them too.
async fn accept_loop(listener: TcpListener, metrics: Metrics) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, metrics.clone()));
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics endpoint: accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, metrics: Metrics) {
    let service = service_fn(move |request: Request<Incoming>| {
        let response = respond(&metrics, &request);
        async move { Ok::<_, Infallible>(response) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    if let Err(err) = connection.await {
        tracing::debug!(error = %err, "metrics endpoint: connection ended with an error");
    }
}

fn respond<B>(metrics: &Metrics, request: &Request<B>) -> Response<Full<Bytes>> {
    if request.uri().path() != "/metrics" {
        return plain(StatusCode::NOT_FOUND, "not found; metrics are at /metrics\n");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "use GET\n");
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let mut response = Response::new(Full::new(Bytes::from(metrics.render())));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(EXPOSITION_CONTENT_TYPE));
    response
}

fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
