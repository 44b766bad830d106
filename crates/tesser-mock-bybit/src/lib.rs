//! A loopback mock of Bybit v5 for tests and demos: the same REST paths and
//! WebSocket protocol as the real service (docs §9), with HMAC/timestamp
//! checks, candles from a CSV file (or a seeded random walk), a WS replay at a
//! chosen speed, accounts with a simple matcher and private pushes, and
//! scriptable faults ([`Faults`]).
//!
//! It binds only to `127.0.0.1` and never talks to anything else. It must not
//! depend on `tesser-bybit`: it checks signatures with its own code.

mod auth;
pub mod data;
mod exchange;
mod faults;
mod http;
mod rest;
mod state;
mod webhook;
mod ws;

use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rust_decimal::Decimal;
use tesser_core::{Interval, Timestamp};
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

pub use data::{Bar, Bars};
pub use faults::{FaultPlan, Faults};
pub use webhook::WebhookSink;

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// The candle file is unusable.
    #[error("mock data: {0}")]
    Data(String),
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// Requested port.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
}

/// One account the mock knows.
#[derive(Debug, Clone)]
pub struct MockAccount {
    /// API key.
    pub api_key: String,
    /// API secret.
    pub api_secret: String,
    /// Starting USDT balance.
    pub usdt: Decimal,
}

/// Where the candles come from.
#[derive(Debug, Clone)]
pub enum MockData {
    /// A CSV file with header `timestamp,open,high,low,close,volume`.
    Csv(PathBuf),
    /// `count` bars from `start`, a deterministic random walk.
    Synthetic {
        /// First bar's open time.
        start: Timestamp,
        /// Bar length.
        interval: Interval,
        /// Number of bars.
        count: usize,
    },
    /// Bars already in memory.
    Bars(Bars),
}

/// How to run the mock.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Candle source.
    pub data: MockData,
    /// Interval of the CSV data (`None`: detect from the rows).
    pub interval: Option<Interval>,
    /// The one symbol served.
    pub symbol: String,
    /// Port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// WebSocket replay speed: one bar per `tick` (`None`: only [`MockBybit::step`]).
    pub tick: Option<Duration>,
    /// Accounts (default: `mock-api-key` / `mock-api-secret` with 100 000 USDT).
    pub accounts: Vec<MockAccount>,
    /// Close a socket after this long without any client frame (Bybit: 10 min).
    pub idle_close: Duration,
    /// Faults armed from the start.
    pub faults: FaultPlan,
    /// Live replay: REST klines end at the last bar the replay has pushed,
    /// as on the real venue where later bars do not exist yet. Off: REST
    /// serves the whole file.
    pub live: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            data: MockData::Synthetic {
                start: Timestamp::from_millis(1_704_067_200_000), // 2024-01-01
                interval: Interval::parse("1m").unwrap_or(Interval::ALL[0]),
                count: 2_000,
            },
            interval: None,
            symbol: "BTCUSDT".into(),
            port: 0,
            tick: None,
            accounts: vec![MockAccount {
                api_key: "mock-api-key".into(),
                api_secret: "mock-api-secret".into(),
                usdt: Decimal::new(100_000, 0),
            }],
            idle_close: Duration::from_secs(600),
            faults: FaultPlan::default(),
            live: false,
        }
    }
}

/// A running mock. Dropping it stops the server.
pub struct MockBybit {
    port: u16,
    state: Arc<state::State>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for MockBybit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockBybit")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl MockBybit {
    /// Loads the data, binds `127.0.0.1:port` and starts serving.
    ///
    /// # Errors
    /// [`MockError::Data`] for a bad CSV, [`MockError::Bind`] if the port is taken.
    pub async fn start(cfg: MockConfig) -> Result<Self, MockError> {
        let bars = match &cfg.data {
            MockData::Csv(path) => Bars::from_csv(path, cfg.interval)?,
            MockData::Synthetic {
                start,
                interval,
                count,
            } => Bars::synthetic(*start, *interval, *count, 42),
            MockData::Bars(b) => b.clone(),
        };
        let listener = TcpListener::bind(("127.0.0.1", cfg.port))
            .await
            .map_err(|source| MockError::Bind {
                port: cfg.port,
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| MockError::Bind {
                port: cfg.port,
                source,
            })?
            .port();
        let mut exchange = exchange::Exchange::default();
        for a in &cfg.accounts {
            exchange.accounts.insert(
                a.api_key.clone(),
                exchange::Account {
                    secret: a.api_secret.clone(),
                    usdt: a.usdt,
                    ..Default::default()
                },
            );
        }
        let faults = Arc::new(Faults::default());
        faults.set(cfg.faults.clone());
        let mut market = state::Market::default();
        if let Some(first) = bars.bars.first() {
            market.last = first.open;
            state::State::rebuild_book(&mut market, first.open, 0);
            market.u = 1;
        }
        let (public_tx, _) = broadcast::channel(8192);
        let (private_tx, _) = broadcast::channel(8192);
        let state = Arc::new(state::State {
            symbol: cfg.symbol.clone(),
            bars,
            faults,
            market: Mutex::new(market),
            exchange: Mutex::new(exchange),
            public_tx,
            private_tx,
            conn_seq: AtomicU64::new(1),
            idle_close_ms: u64::try_from(cfg.idle_close.as_millis()).unwrap_or(u64::MAX),
            live: cfg.live,
        });
        let mut tasks = Vec::new();
        let st = state.clone();
        tasks.push(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(http::serve(stream, st.clone()));
            }
        }));
        if let Some(tick) = cfg.tick {
            let st = state.clone();
            tasks.push(tokio::spawn(async move {
                let mut every = tokio::time::interval(tick.max(Duration::from_micros(100)));
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                every.tick().await;
                loop {
                    every.tick().await;
                    st.step();
                }
            }));
        }
        Ok(Self { port, state, tasks })
    }

    /// The bound port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// REST base URL, `http://127.0.0.1:<port>`.
    #[must_use]
    pub fn rest_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Public WebSocket URL (linear).
    #[must_use]
    pub fn ws_public_url(&self) -> String {
        format!("ws://127.0.0.1:{}/v5/public/linear", self.port)
    }

    /// Private WebSocket URL.
    #[must_use]
    pub fn ws_private_url(&self) -> String {
        format!("ws://127.0.0.1:{}/v5/private", self.port)
    }

    /// The fault switchboard.
    #[must_use]
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// The served bars.
    #[must_use]
    pub fn bars(&self) -> &Bars {
        &self.state.bars
    }

    /// Advances the replay by one bar (pushes kline/trade/book/ticker frames
    /// and matches resting orders).
    pub fn step(&self) {
        self.state.step();
    }

    /// How many bars the replay has pushed.
    #[must_use]
    pub fn replay_position(&self) -> usize {
        self.state.lock_market().index
    }
}

impl Drop for MockBybit {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
