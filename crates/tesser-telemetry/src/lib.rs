//! Observability for the Tesser live runtime.
//!
//! Three independent pieces, each small enough to wire in a few lines:
//!
//! - [`Metrics`]: a cheap, cloneable handle of `tesser_*` counters and gauges,
//!   rendered in the Prometheus text format 0.0.4 and served on `GET /metrics`
//!   by [`serve`].
//! - [`init_json_log`]: one JSON object per line in a log file (for
//!   Promtail/Loki) plus human-readable stderr output.
//! - [`Alerter`]: guardrail rules (data gap, consecutive order failures,
//!   drawdown, kill switch) that take time as an argument, and
//!   [`Alerter::notify`], which logs an [`Alert`] and posts it to a webhook.
//!
//! Secrets stay out of logs and metrics: the webhook URL is only ever shown
//! as `scheme://host` ([`redact_url`]), and no series carries a credential.
//!
//! ```no_run
//! # async fn wire() -> Result<(), tesser_telemetry::TelemetryError> {
//! use std::path::Path;
//! use tesser_telemetry::{init_json_log, serve, AlertConfig, Alerter, EventKind, Metrics};
//!
//! let _log = init_json_log(Path::new("./logs/live.json"), tracing::Level::INFO)?;
//! let metrics = Metrics::new();
//! let _server = serve(metrics.clone(), "127.0.0.1:9100").await?;
//! let mut alerter = Alerter::new(AlertConfig::default(), metrics.clone())?;
//! metrics.inc_event(EventKind::Candle);
//! # let now = tesser_core::Timestamp::from_millis(0);
//! alerter.on_market_event(now);
//! if let Some(alert) = alerter.check_data_gap(now) {
//!     alerter.notify(&alert).await;
//! }
//! # Ok(()) }
//! ```

mod alerts;
mod error;
mod logging;
mod metrics;
mod server;

pub use alerts::{redact_url, Alert, AlertConfig, AlertKind, Alerter, Delivery, Severity, WEBHOOK_TIMEOUT};
pub use error::TelemetryError;
pub use logging::{init_json_log, LogGuard};
pub use metrics::{EventKind, Metrics};
pub use server::{serve, MetricsServer};
