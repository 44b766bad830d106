//! The `tesser_*` Prometheus series and their text exposition (format 0.0.4).
//!
//! The set of series is fixed, so it is a struct of atomics rendered by hand
//! rather than a generic registry: `prometheus-client` would add about 3.5 s
//! of compile time on two cores and only renders the OpenMetrics format,
//! while the 0.0.4 text format is a page of code (HELP/TYPE lines, label and
//! help escaping, `+Inf`/`-Inf`/`NaN`). Updates are lock-free except
//! [`Metrics::set_position`], which takes a short mutex for the symbol map.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::alerts::AlertKind;

/// The kind of a market event, the `kind` label of `tesser_events_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A candle (bar).
    Candle,
    /// A public trade print.
    Trade,
    /// An order book snapshot or delta.
    Book,
}

impl EventKind {
    /// Every kind, in exposition order.
    pub const ALL: [Self; 3] = [Self::Candle, Self::Trade, Self::Book];

    /// The label value: `candle`, `trade` or `book`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Candle => "candle",
            Self::Trade => "trade",
            Self::Book => "book",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// An `f64` gauge stored as bits. `NaN` means "not set yet": such a sample is
/// left out of the exposition instead of showing a misleading 0.
#[derive(Debug)]
struct Gauge(AtomicU64);

impl Gauge {
    fn unset() -> Self {
        Self(AtomicU64::new(f64::NAN.to_bits()))
    }

    fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }

    fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

#[derive(Debug)]
struct Inner {
    events: [AtomicU64; EventKind::ALL.len()],
    orders_submitted: AtomicU64,
    order_errors: AtomicU64,
    fills: AtomicU64,
    alerts: [AtomicU64; AlertKind::ALL.len()],
    reconnects: AtomicU64,
    equity: Gauge,
    cash: Gauge,
    data_gap: Gauge,
    liquidate_only: AtomicBool,
    open_orders: AtomicU64,
    positions: Mutex<BTreeMap<String, f64>>,
}

/// A handle to the live runtime's metrics. Cloning is cheap (one `Arc`), all
/// clones update the same series, and every method takes `&self`.
///
/// | series | type | meaning |
/// |---|---|---|
/// | `tesser_events_total{kind}` | counter | market events received (`candle`, `trade`, `book`) |
/// | `tesser_orders_submitted_total` | counter | orders sent to the venue |
/// | `tesser_order_errors_total` | counter | order submissions or cancels the venue refused or that failed in transit |
/// | `tesser_fills_total` | counter | fills received |
/// | `tesser_alerts_total{kind}` | counter | alerts raised, by [`AlertKind`] |
/// | `tesser_reconnects_total` | counter | stream reconnections |
/// | `tesser_equity` | gauge | portfolio equity, quote currency (absent until set) |
/// | `tesser_cash` | gauge | portfolio cash, quote currency (absent until set) |
/// | `tesser_position{symbol}` | gauge | signed net position per symbol, base units |
/// | `tesser_data_gap_seconds` | gauge | seconds since the last market event, as of the last check |
/// | `tesser_liquidate_only` | gauge | 1 once the kill switch allows only exposure-reducing orders |
/// | `tesser_open_orders` | gauge | orders working at the venue |
/// | `tesser_up` | gauge | always 1 while the process serves metrics |
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh set of series: counters at 0, equity and cash unset.
    #[must_use]
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                events: Default::default(),
                orders_submitted: AtomicU64::new(0),
                order_errors: AtomicU64::new(0),
                fills: AtomicU64::new(0),
                alerts: Default::default(),
                reconnects: AtomicU64::new(0),
                equity: Gauge::unset(),
                cash: Gauge::unset(),
                data_gap: Gauge(AtomicU64::new(0.0_f64.to_bits())),
                liquidate_only: AtomicBool::new(false),
                open_orders: AtomicU64::new(0),
                positions: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// Counts one market event of `kind`.
    pub fn inc_event(&self, kind: EventKind) {
        self.inner.events[kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` orders sent to the venue (one engine step may send several).
    pub fn add_orders_submitted(&self, n: u64) {
        self.inner.orders_submitted.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts one failed order request (rejected or lost in transit).
    pub fn inc_order_errors(&self) {
        self.inner.order_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` fills (one engine step may bring several).
    pub fn add_fills(&self, n: u64) {
        self.inner.fills.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts one alert of `kind`; [`crate::Alerter::notify`] calls this.
    pub fn inc_alert(&self, kind: AlertKind) {
        self.inner.alerts[kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one stream reconnection.
    pub fn inc_reconnects(&self) {
        self.inner.reconnects.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets portfolio equity (quote currency; converted from exact money for
    /// display only).
    pub fn set_equity(&self, equity: f64) {
        self.inner.equity.set(equity);
    }

    /// Sets portfolio cash (quote currency).
    pub fn set_cash(&self, cash: f64) {
        self.inner.cash.set(cash);
    }

    /// Sets the signed net position of `symbol` (base units; negative is
    /// short). A symbol keeps its series, at 0 when flat, once it has one.
    pub fn set_position(&self, symbol: &str, net: f64) {
        let mut positions = self
            .inner
            .positions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match positions.get_mut(symbol) {
            Some(slot) => *slot = net,
            None => {
                positions.insert(symbol.to_owned(), net);
            }
        }
    }

    /// Sets the time since the last market event.
    /// [`crate::Alerter::check_data_gap`] keeps it current.
    pub fn set_data_gap(&self, gap: Duration) {
        self.inner.data_gap.set(gap.as_secs_f64());
    }

    /// Sets whether the kill switch holds the portfolio in liquidate-only mode.
    pub fn set_liquidate_only(&self, on: bool) {
        self.inner.liquidate_only.store(on, Ordering::Relaxed);
    }

    /// Sets the number of orders working at the venue.
    pub fn set_open_orders(&self, count: usize) {
        self.inner
            .open_orders
            .store(u64::try_from(count).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Renders every series in the Prometheus text exposition format 0.0.4,
    /// the body of `GET /metrics`.
    #[must_use]
    pub fn render(&self) -> String {
        let m = &*self.inner;
        let mut out = Exposition(String::with_capacity(2048));
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);

        out.family(
            "tesser_events_total",
            "counter",
            "Market events received, by kind.",
        );
        for kind in EventKind::ALL {
            out.sample(
                "tesser_events_total",
                Some(("kind", kind.as_str())),
                load(&m.events[kind.index()]),
            );
        }
        out.scalar(
            "tesser_orders_submitted_total",
            "counter",
            "Orders sent to the venue.",
            load(&m.orders_submitted),
        );
        out.scalar(
            "tesser_order_errors_total",
            "counter",
            "Order requests the venue refused or that failed in transit.",
            load(&m.order_errors),
        );
        out.scalar("tesser_fills_total", "counter", "Fills received.", load(&m.fills));
        out.family("tesser_alerts_total", "counter", "Alerts raised, by kind.");
        for kind in AlertKind::ALL {
            out.sample(
                "tesser_alerts_total",
                Some(("kind", kind.as_str())),
                load(&m.alerts[kind.index()]),
            );
        }
        out.scalar(
            "tesser_reconnects_total",
            "counter",
            "Market or account stream reconnections.",
            load(&m.reconnects),
        );

        out.family(
            "tesser_equity",
            "gauge",
            "Portfolio equity in the quote currency.",
        );
        out.float_sample("tesser_equity", None, m.equity.get(), true);
        out.family("tesser_cash", "gauge", "Portfolio cash in the quote currency.");
        out.float_sample("tesser_cash", None, m.cash.get(), true);
        out.family(
            "tesser_position",
            "gauge",
            "Signed net position per symbol, in base units.",
        );
        {
            let positions = m.positions.lock().unwrap_or_else(PoisonError::into_inner);
            for (symbol, net) in positions.iter() {
                out.float_sample("tesser_position", Some(("symbol", symbol)), *net, false);
            }
        }
        out.family(
            "tesser_data_gap_seconds",
            "gauge",
            "Seconds since the last market event, as of the last check.",
        );
        out.float_sample("tesser_data_gap_seconds", None, m.data_gap.get(), false);
        out.scalar(
            "tesser_liquidate_only",
            "gauge",
            "1 when the kill switch allows only exposure-reducing orders.",
            u64::from(m.liquidate_only.load(Ordering::Relaxed)),
        );
        out.scalar(
            "tesser_open_orders",
            "gauge",
            "Orders working at the venue.",
            load(&m.open_orders),
        );
        out.scalar(
            "tesser_up",
            "gauge",
            "1 while the live runtime serves metrics.",
            1,
        );
        out.0
    }
}

/// A text exposition being written. `fmt::Write` into a `String` cannot
/// fail, so its results are discarded.
struct Exposition(String);

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.0, "# TYPE {name} {kind}");
    }

    fn scalar(&mut self, name: &str, kind: &str, help: &str, value: u64) {
        self.family(name, kind, help);
        self.sample(name, None, value);
    }

    fn labels(&mut self, label: Option<(&str, &str)>) {
        if let Some((key, value)) = label {
            let _ = write!(self.0, "{{{key}=\"{}\"}}", escape_label(value));
        }
    }

    fn sample(&mut self, name: &str, label: Option<(&str, &str)>, value: u64) {
        self.0.push_str(name);
        self.labels(label);
        let _ = writeln!(self.0, " {value}");
    }

    /// Writes an `f64` sample; `skip_nan` leaves out gauges never set.
    fn float_sample(&mut self, name: &str, label: Option<(&str, &str)>, value: f64, skip_nan: bool) {
        if skip_nan && value.is_nan() {
            return;
        }
        self.0.push_str(name);
        self.labels(label);
        let _ = writeln!(self.0, " {}", format_float(value));
    }
}

/// A sample value as Prometheus parses it (Go's `ParseFloat` plus `+Inf`,
/// `-Inf`, `NaN`). Rust's `Display` never uses an exponent and round-trips.
pub(crate) fn format_float(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        value.to_string()
    }
}

/// Escapes a label value: backslash, double quote and line feed.
pub(crate) fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes HELP text: backslash and line feed.
pub(crate) fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests;
