//! The one error type of the crate.

use std::io;
use std::path::PathBuf;

/// Why a telemetry component could not start.
///
/// Running components never fail their caller: a webhook that cannot be
/// reached or a log line that cannot be written is reported, not returned.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The metrics endpoint could not listen on the configured address.
    #[error("cannot bind the metrics endpoint to `{addr}`: {source}")]
    Bind {
        /// The address as configured (`metrics_addr`).
        addr: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The log file or its parent directory could not be created or opened.
    #[error("cannot open the log file `{}`: {source}", path.display())]
    LogFile {
        /// The log file path (`log_path`).
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The background thread that writes the log file could not be started.
    #[error("cannot start the log writer thread: {0}")]
    LogThread(io::Error),
    /// `RUST_LOG` holds something that is not a target filter.
    #[error("RUST_LOG=`{value}` is not a filter like `info` or `info,tesser_bybit=debug`: {reason}")]
    LogFilter {
        /// The rejected value.
        value: String,
        /// The parser's reason.
        reason: String,
    },
    /// Another global `tracing` subscriber was installed first.
    #[error("a global tracing subscriber is already installed; call init_json_log once, before any other")]
    SubscriberInstalled,
    /// The alerting `webhook_url` is not an absolute http(s) URL. Only the
    /// redacted form (`scheme://host`) is kept, so the error can be logged.
    #[error("alerting webhook_url `{redacted}` is not a valid http(s) URL: {reason}")]
    WebhookUrl {
        /// The URL reduced to `scheme://host` (see [`crate::redact_url`]).
        redacted: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An alerting setting is out of range.
    #[error("alerting {key}: {reason}")]
    AlertConfig {
        /// The setting (`drawdown_limit`, ...).
        key: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// The HTTP client for webhooks could not be built (TLS back-end setup).
    #[error("cannot build the webhook HTTP client: {0}")]
    HttpClient(String),
}
