//! Guardrail alerts: rules that decide, and a notifier that logs and posts.
//!
//! The rules ([`Alerter::check_data_gap`], [`Alerter::on_order_result`],
//! [`Alerter::check_drawdown`], [`Alerter::on_kill_switch`]) are synchronous
//! and take the current time as an argument, so a test can drive them along
//! a hand-built timeline. Each fires once per incident and re-arms when the
//! condition clears. [`Alerter::notify`] is the only async, I/O part.

use std::fmt;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::Url;
use tesser_core::Timestamp;

use crate::{Metrics, TelemetryError};

/// Time allowed for one webhook POST, connection included.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// The `[live.alerting]` guardrails.
///
/// `Debug` shows the webhook URL as `scheme://host` only: the rest of a
/// Slack or Telegram URL is a credential.
#[derive(Clone, PartialEq)]
pub struct AlertConfig {
    /// Where to POST alerts (Slack, Telegram, Alertmanager, ...); empty means
    /// alerts are only logged.
    pub webhook_url: String,
    /// Longest tolerated silence of the market data feed; zero turns the rule
    /// off.
    pub max_data_gap: Duration,
    /// Consecutive failed order requests that raise an alert; zero turns the
    /// rule off.
    pub max_order_failures: u32,
    /// Drawdown from the equity peak (a fraction, `0.03` = 3 %) that raises an
    /// alert; `None` turns the rule off. This is a warning, separate from the
    /// risk layer's kill switch ([`Alerter::on_kill_switch`]).
    pub drawdown_limit: Option<f64>,
}

impl Default for AlertConfig {
    /// Log-only alerts, a 5 minute data gap, 3 order failures, no drawdown rule.
    fn default() -> Self {
        Self {
            webhook_url: String::new(),
            max_data_gap: Duration::from_secs(300),
            max_order_failures: 3,
            drawdown_limit: None,
        }
    }
}

impl fmt::Debug for AlertConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlertConfig")
            .field("webhook_url", &redact_url(&self.webhook_url))
            .field("max_data_gap", &self.max_data_gap)
            .field("max_order_failures", &self.max_order_failures)
            .field("drawdown_limit", &self.drawdown_limit)
            .finish()
    }
}

/// What an alert is about; also the `kind` label of `tesser_alerts_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// No market data for longer than `max_data_gap`.
    DataGap,
    /// `max_order_failures` order requests failed in a row.
    OrderFailures,
    /// Drawdown passed the alerting `drawdown_limit`.
    Drawdown,
    /// The risk layer's kill switch fired: liquidate-only from now on.
    KillSwitch,
    /// Anything else the runtime wants to report.
    Custom,
}

impl AlertKind {
    /// Every kind, in exposition order.
    pub const ALL: [Self; 5] = [
        Self::DataGap,
        Self::OrderFailures,
        Self::Drawdown,
        Self::KillSwitch,
        Self::Custom,
    ];

    /// The label and payload value: `data_gap`, `order_failures`,
    /// `drawdown`, `kill_switch` or `custom`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DataGap => "data_gap",
            Self::OrderFailures => "order_failures",
            Self::Drawdown => "drawdown",
            Self::KillSwitch => "kill_switch",
            Self::Custom => "custom",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Needs a look soon; trading continues.
    Warning,
    /// Trading is impaired or restricted; needs a look now.
    Critical,
}

impl Severity {
    /// `warning` or `critical`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// One alert, ready for [`Alerter::notify`].
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent it is.
    pub severity: Severity,
    /// One human-readable sentence.
    pub message: String,
    /// When the condition was detected (the time passed to the rule).
    pub ts: Timestamp,
}

impl Alert {
    /// An alert of kind [`AlertKind::Custom`].
    #[must_use]
    pub fn custom(severity: Severity, message: impl Into<String>, ts: Timestamp) -> Self {
        Self {
            kind: AlertKind::Custom,
            severity,
            message: message.into(),
            ts,
        }
    }

    /// The webhook body: `{"text", "kind", "severity", "ts"}`, where `text`
    /// (what Slack-compatible webhooks display) reads like
    /// `[tesser] critical kill_switch: ...` and `ts` is RFC 3339 UTC.
    #[must_use]
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "text": format!("[tesser] {self}"),
            "kind": self.kind.as_str(),
            "severity": self.severity.as_str(),
            "ts": self.ts.to_string(),
        })
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.severity.as_str(),
            self.kind.as_str(),
            self.message
        )
    }
}

/// What [`Alerter::notify`] did with an alert beyond logging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// No webhook is configured; the log line is the alert.
    LogOnly,
    /// The webhook answered with a 2xx status.
    Delivered,
    /// The webhook could not be reached or refused; the failure was logged.
    Failed,
}

/// A parsed webhook. `Debug` never shows more than `scheme://host`.
#[derive(Clone)]
struct Webhook {
    url: Url,
    redacted: String,
    client: reqwest::Client,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Webhook").field(&self.redacted).finish()
    }
}

/// The guardrail rules and the alert notifier of one live session.
#[derive(Debug)]
pub struct Alerter {
    config: AlertConfig,
    metrics: Metrics,
    webhook: Option<Webhook>,
    last_event: Option<Timestamp>,
    gap_alerted: bool,
    failures: u32,
    failures_alerted: bool,
    drawdown_alerted: bool,
}

impl Alerter {
    /// Checks `config` and prepares the webhook client. `metrics` receives
    /// `tesser_alerts_total` and `tesser_data_gap_seconds`.
    ///
    /// # Errors
    /// [`TelemetryError::WebhookUrl`] when `webhook_url` is neither empty nor
    /// an absolute http(s) URL with a host; [`TelemetryError::AlertConfig`]
    /// when `drawdown_limit` is not a fraction in (0, 1];
    /// [`TelemetryError::HttpClient`] when the HTTP client cannot be built.
    pub fn new(config: AlertConfig, metrics: Metrics) -> Result<Self, TelemetryError> {
        if let Some(limit) = config.drawdown_limit {
            if !(limit > 0.0 && limit <= 1.0) {
                return Err(TelemetryError::AlertConfig {
                    key: "drawdown_limit",
                    reason: format!("{limit} is not a fraction in (0, 1]; 3 % is 0.03"),
                });
            }
        }
        let webhook = match config.webhook_url.trim() {
            "" => None,
            raw => Some(Webhook {
                url: parse_webhook_url(raw)?,
                redacted: redact_url(raw),
                client: reqwest::Client::builder()
                    .timeout(WEBHOOK_TIMEOUT)
                    .connect_timeout(WEBHOOK_TIMEOUT)
                    .build()
                    .map_err(|e| TelemetryError::HttpClient(error_chain(&e.without_url())))?,
            }),
        };
        Ok(Self {
            config,
            metrics,
            webhook,
            last_event: None,
            gap_alerted: false,
            failures: 0,
            failures_alerted: false,
            drawdown_alerted: false,
        })
    }

    /// The configuration in force.
    #[must_use]
    pub fn config(&self) -> &AlertConfig {
        &self.config
    }

    /// Records that market data arrived at `now` (receive time); re-arms the
    /// data-gap rule. Until the first call there is no gap to measure, so
    /// call it once at start-up to also catch a feed that never starts.
    pub fn on_market_event(&mut self, now: Timestamp) {
        self.last_event = Some(self.last_event.map_or(now, |last| last.max(now)));
        self.gap_alerted = false;
        self.metrics.set_data_gap(Duration::ZERO);
    }

    /// Measures the silence since the last market event, updates
    /// `tesser_data_gap_seconds`, and returns a [`AlertKind::DataGap`]
    /// warning the first time it exceeds `max_data_gap`. It fires again only
    /// after data resumed ([`Alerter::on_market_event`]) and stopped again.
    pub fn check_data_gap(&mut self, now: Timestamp) -> Option<Alert> {
        let last = self.last_event?;
        let gap_ms = u64::try_from(now.as_millis().saturating_sub(last.as_millis())).unwrap_or(0);
        let gap = Duration::from_millis(gap_ms);
        self.metrics.set_data_gap(gap);
        let limit = self.config.max_data_gap;
        if limit.is_zero() || self.gap_alerted || gap <= limit {
            return None;
        }
        self.gap_alerted = true;
        Some(Alert {
            kind: AlertKind::DataGap,
            severity: Severity::Warning,
            message: format!(
                "no market data for {:.1} s (max_data_gap {} s); last event at {last}",
                gap.as_secs_f64(),
                limit.as_secs_f64()
            ),
            ts: now,
        })
    }

    /// Records whether an order request succeeded. Returns a critical
    /// [`AlertKind::OrderFailures`] alert when the run of consecutive
    /// failures reaches `max_order_failures`, once until the next success.
    pub fn on_order_result(&mut self, ok: bool, now: Timestamp) -> Option<Alert> {
        if ok {
            self.failures = 0;
            self.failures_alerted = false;
            return None;
        }
        self.failures = self.failures.saturating_add(1);
        let limit = self.config.max_order_failures;
        if limit == 0 || self.failures_alerted || self.failures < limit {
            return None;
        }
        self.failures_alerted = true;
        Some(Alert {
            kind: AlertKind::OrderFailures,
            severity: Severity::Critical,
            message: format!(
                "{} consecutive order requests failed (max_order_failures {limit})",
                self.failures
            ),
            ts: now,
        })
    }

    /// Checks the drawdown from the equity peak (a fraction) against
    /// `drawdown_limit`. Returns a [`AlertKind::Drawdown`] warning when it
    /// passes the limit, once until it is back within the limit.
    pub fn check_drawdown(&mut self, drawdown: f64, now: Timestamp) -> Option<Alert> {
        let limit = self.config.drawdown_limit?;
        if drawdown.is_nan() {
            return None;
        }
        if drawdown <= limit {
            self.drawdown_alerted = false;
            return None;
        }
        if self.drawdown_alerted {
            return None;
        }
        self.drawdown_alerted = true;
        Some(Alert {
            kind: AlertKind::Drawdown,
            severity: Severity::Warning,
            message: format!(
                "drawdown {:.2} % passed the alerting limit of {:.2} %",
                drawdown * 100.0,
                limit * 100.0
            ),
            ts: now,
        })
    }

    /// The critical [`AlertKind::KillSwitch`] alert for the risk layer's kill
    /// switch, which fired at `drawdown` (a fraction): from now on only
    /// exposure-reducing orders are allowed. The caller decides when; this
    /// builds the alert (and sets no state).
    #[must_use]
    pub fn on_kill_switch(&self, drawdown: f64, now: Timestamp) -> Alert {
        Alert {
            kind: AlertKind::KillSwitch,
            severity: Severity::Critical,
            message: format!(
                "kill switch: drawdown {:.2} % passed the risk limit; liquidate-only until restart",
                drawdown * 100.0
            ),
            ts: now,
        }
    }

    /// Reports `alert`: logs it with `tracing::warn!`, counts it in
    /// `tesser_alerts_total{kind}`, and POSTs [`Alert::payload`] to the
    /// webhook if one is configured (within [`WEBHOOK_TIMEOUT`]). A delivery
    /// failure is logged, with the URL reduced to `scheme://host`, and never
    /// returned as an error.
    pub async fn notify(&self, alert: &Alert) -> Delivery {
        self.metrics.inc_alert(alert.kind);
        tracing::warn!(
            kind = alert.kind.as_str(),
            severity = alert.severity.as_str(),
            ts = %alert.ts,
            "alert: {}",
            alert.message
        );
        let Some(hook) = &self.webhook else {
            return Delivery::LogOnly;
        };
        match post(hook, alert).await {
            Ok(()) => Delivery::Delivered,
            Err(reason) => {
                tracing::warn!(
                    webhook = %hook.redacted,
                    kind = alert.kind.as_str(),
                    error = %reason,
                    "alert webhook delivery failed"
                );
                Delivery::Failed
            }
        }
    }
}

async fn post(hook: &Webhook, alert: &Alert) -> Result<(), String> {
    let response = hook
        .client
        .post(hook.url.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(alert.payload().to_string())
        .send()
        .await
        .map_err(|e| error_chain(&e.without_url()))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the webhook answered HTTP {status}"))
    }
}

/// An error and its sources, `: `-joined (reqwest's `Display` alone says only
/// "error sending request"). Callers strip the URL first.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn parse_webhook_url(raw: &str) -> Result<Url, TelemetryError> {
    let invalid = |reason: String| TelemetryError::WebhookUrl {
        redacted: redact_url(raw),
        reason,
    };
    let url = Url::parse(raw).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("scheme `{}` is not http or https", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host".to_owned()));
    }
    Ok(url)
}

/// Reduces a URL to `scheme://host[:port]`, dropping credentials, path,
/// query and fragment, which is where webhook tokens live. Returns `""` for
/// an empty input and `<invalid url>` for text that is not a URL.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        return String::new();
    }
    match Url::parse(url) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{}://{host}:{port}", parsed.scheme()),
            (Some(host), None) => format!("{}://{host}", parsed.scheme()),
            (None, _) => format!("{}://", parsed.scheme()),
        },
        Err(_) => "<invalid url>".to_owned(),
    }
}

#[cfg(test)]
mod tests;
