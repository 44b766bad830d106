//! The live runtime behind `tesser-cli live run`.
//!
//! The same sans-IO [`tesser_engine::Engine`] the backtester drives in a
//! plain loop is driven here by Bybit v5 WebSocket streams. Orders go to the
//! paper venue (`tesser-paper`, the same fill rules as a backtest) or to
//! Bybit's REST API. After every step the whole state is saved to SQLite in
//! one transaction (`tesser-state`), so a process killed at any moment resumes
//! where the last completed step left it:
//!
//! - order ids are deterministic (the order manager's counter is saved), so
//!   a bar replayed after a crash re-sends the same `orderLinkId` and Bybit's
//!   duplicate check (answered by a lookup in the connector) keeps it single;
//! - fills are keyed by order, time, size and price, so an execution the
//!   venue reports again after a reconnect is booked once;
//! - closed bars missed while the process was down are fetched over REST and
//!   processed in order before the stream's own bars.
//!
//! At start-up the strategy is warmed up on the last `warm_up_bars` closed
//! candles (its signals are discarded), then live bars trade.

mod history;
mod reconcile;
mod rules;
mod runtime;
mod session;
mod snapshot;

use std::path::PathBuf;

use tesser_bybit::BybitConfig;
use tesser_core::{Interval, Symbol};
use tesser_engine::EngineConfig;
use tesser_paper::PaperConfig;

pub use runtime::{run, run_observed, LiveReport, Ready};
pub use session::{Session, StepOutput};

/// Everything a live run needs besides the strategy.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// Strategy name (saved with the state; a state file of another strategy is refused).
    pub strategy_name: String,
    /// Symbols traded (kline subscriptions).
    pub symbols: Vec<Symbol>,
    /// Bar interval.
    pub interval: Interval,
    /// Engine settings (cash, sizing, risk limits, instruments).
    pub engine: EngineConfig,
    /// Paper venue settings; `None` sends orders to the exchange.
    pub paper: Option<PaperConfig>,
    /// Exchange profile (URLs, credentials, timeouts).
    pub exchange: BybitConfig,
    /// SQLite state file.
    pub state_path: PathBuf,
    /// Prometheus endpoint address (`None`: no endpoint).
    pub metrics_addr: Option<String>,
    /// Alert rules and webhook.
    pub alerts: tesser_telemetry::AlertConfig,
    /// Closed candles shown to the strategy before trading.
    pub warm_up_bars: usize,
    /// Stop after this many live bars (demos and tests).
    pub max_bars: Option<u64>,
}

/// Why a live run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The state database failed.
    #[error(transparent)]
    State(#[from] tesser_state::StateError),
    /// Metrics or logging could not be set up.
    #[error(transparent)]
    Telemetry(#[from] tesser_telemetry::TelemetryError),
    /// The exchange could not be reached or refused a start-up request.
    #[error("exchange: {0}")]
    Exchange(#[from] tesser_bybit::BybitError),
    /// The venue's trading rules of a traded symbol are unavailable
    /// (required for real orders; set `[instruments.SYMBOL]` instead).
    #[error("{0}; set [instruments.SYMBOL] in the config to trade without them")]
    Rules(String),
    /// The saved state belongs to another setup.
    #[error("state file {path} {problem}; use another --state-path or the same strategy")]
    Mismatch {
        /// The state file.
        path: String,
        /// What differs.
        problem: String,
    },
}
