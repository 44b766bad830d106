//! Backtest reports: streaming performance metrics ([`MetricsBuilder`] →
//! [`Metrics`]), monthly returns, a downsampled equity curve in constant
//! memory ([`EquityCurve`]) and a self-contained HTML page
//! ([`render_html`]) with inline SVG charts and no network reference.
//!
//! Metrics are defined in `docs/metrics.md`. Money stays [`tesser_core::Cash`];
//! ratios and return statistics are `f64`. This crate reads records from the
//! backtester through its [`tesser_backtester::Recorder`] trait and performs
//! no I/O itself: callers write the rendered HTML where they like.

mod curve;
mod html;
mod metrics;
mod monthly;
mod recorder;
mod svg;

pub use curve::{Bucket, EquityCurve, DEFAULT_BUCKETS};
pub use html::{escape, render_html, HtmlReport};
pub use metrics::{Metrics, MetricsBuilder, METRIC_NAMES};
pub use monthly::MonthlyReturn;
pub use recorder::{ReportRecorder, RunReport, Tee, DEFAULT_TRADE_ROWS};
