//! The connection loop: connect, authenticate (private), subscribe, backfill,
//! then read frames while sending `{"op":"ping"}` heartbeats. A closed,
//! erroring or silent socket, or a missing pong, ends the session; the loop
//! reconnects after a capped exponential backoff with jitter.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tesser_broker::{BrokerFuture, MarketStream};
use tesser_core::{Event, Timestamp};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{timeout, timeout_at, Instant};
use tokio_tungstenite::tungstenite::Message;

use super::handler::{Handler, Output};
use super::{StreamEvent, Subscription};
use crate::common::backoff::Backoff;
use crate::common::credential::ws_auth_signature;
use crate::http::BybitHttpClient;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const PRIVATE_TOPICS: [&str; 4] = ["order", "execution", "position", "wallet"];

/// A running public or private stream. Dropping it stops the connection task.
pub struct BybitStream {
    rx: mpsc::Receiver<StreamEvent>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for BybitStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BybitStream").finish_non_exhaustive()
    }
}

impl BybitStream {
    /// Starts the public stream of the client's profile for `subs`. Closed
    /// candles missed while disconnected are fetched over REST.
    #[must_use]
    pub fn public(client: BybitHttpClient, subs: Vec<Subscription>) -> Self {
        Self::spawn(Runner::new(client, Some(subs)))
    }

    /// Starts the private stream (order, execution, position, wallet).
    #[must_use]
    pub fn private(client: BybitHttpClient) -> Self {
        Self::spawn(Runner::new(client, None))
    }

    fn spawn(mut runner: Runner) -> Self {
        let (tx, rx) = mpsc::channel(4096);
        let task = tokio::spawn(async move { runner.run(tx).await });
        Self { rx, task }
    }

    /// The next event; `None` once the stream task has ended. Cancellation-safe.
    pub async fn next(&mut self) -> Option<StreamEvent> {
        self.rx.recv().await
    }
}

impl Drop for BybitStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MarketStream for BybitStream {
    fn next_event(&mut self) -> BrokerFuture<'_, Option<Event>> {
        Box::pin(async move {
            loop {
                match self.rx.recv().await {
                    None => return Ok(None),
                    Some(StreamEvent::Market(e)) => return Ok(Some(e)),
                    Some(_) => {}
                }
            }
        })
    }
}

enum End {
    /// The consumer dropped the stream.
    Closed,
    /// The session died; reconnect.
    Dead(String),
}

struct Runner {
    client: BybitHttpClient,
    subs: Option<Vec<Subscription>>,
    handler: Handler,
    req_id: u64,
    /// When the stream started: executions older than this are history,
    /// not fills of this session.
    started_at: Timestamp,
}

fn err(e: impl std::fmt::Display) -> End {
    End::Dead(e.to_string())
}

impl Runner {
    fn new(client: BybitHttpClient, subs: Option<Vec<Subscription>>) -> Self {
        let started_at = client.now();
        Self {
            client,
            subs,
            handler: Handler::default(),
            req_id: 0,
            started_at,
        }
    }

    fn next_req_id(&mut self) -> String {
        self.req_id += 1;
        self.req_id.to_string()
    }

    async fn run(&mut self, tx: mpsc::Sender<StreamEvent>) {
        let cfg = self.client.config().clone();
        let mut backoff = Backoff::new(
            Duration::from_millis(cfg.backoff_base_ms),
            Duration::from_millis(cfg.backoff_cap_ms),
        )
        .with_jitter(0.3, 0x000B_1B17);
        let mut attempt = 0u32;
        loop {
            let mut healthy = false;
            match self.session(&tx, attempt, &mut healthy).await {
                End::Closed => return,
                End::Dead(reason) => {
                    tracing::warn!(%reason, attempt, "bybit socket down; reconnecting");
                    if tx.send(StreamEvent::Disconnected { reason }).await.is_err() {
                        return;
                    }
                }
            }
            if healthy {
                backoff.reset();
            }
            backoff.wait().await;
            attempt += 1;
        }
    }

    fn topics(&self) -> Vec<String> {
        match &self.subs {
            Some(subs) => subs.iter().map(Subscription::topic).collect(),
            None => PRIVATE_TOPICS.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    async fn send_json(ws: &mut Ws, value: serde_json::Value) -> Result<(), End> {
        ws.send(Message::text(value.to_string())).await.map_err(err)
    }

    async fn authenticate(&mut self, ws: &mut Ws, wait: Duration) -> Result<(), End> {
        let req_id = self.next_req_id();
        let cfg = self.client.config();
        let expires = self.client.now().as_millis() + 10_000;
        let sig = ws_auth_signature(cfg.api_secret.expose(), expires);
        let msg = serde_json::json!({"req_id": req_id, "op": "auth", "args": [cfg.api_key, expires, sig]});
        Self::send_json(ws, msg).await?;
        let deadline = Instant::now() + wait;
        loop {
            let frame = match timeout_at(deadline, ws.next()).await {
                Err(_) => return Err(End::Dead("no auth reply".into())),
                Ok(None) => return Err(End::Dead("closed during auth".into())),
                Ok(Some(Err(e))) => return Err(err(e)),
                Ok(Some(Ok(m))) => m,
            };
            if let Message::Text(text) = frame {
                let mut out = Output::default();
                self.handler.handle(text.as_str(), &mut out);
                match out.auth {
                    Some(Ok(())) => return Ok(()),
                    Some(Err(msg)) => return Err(End::Dead(format!("auth refused: {msg}"))),
                    None => {}
                }
            }
        }
    }

    async fn emit(tx: &mpsc::Sender<StreamEvent>, out: Output) -> Result<(), End> {
        for e in out.events {
            tx.send(e).await.map_err(|_| End::Closed)?;
        }
        Ok(())
    }

    /// Fetches closed candles missed since the last one emitted.
    async fn backfill(&mut self, tx: &mpsc::Sender<StreamEvent>) -> Result<(), End> {
        let Some(subs) = self.subs.clone() else {
            return Ok(());
        };
        for sub in subs {
            let Subscription::Kline { symbol, interval } = sub else {
                continue;
            };
            let Some(last) = self.handler.last_kline(symbol, interval) else {
                continue;
            };
            let from = Timestamp::from_millis(last + interval.millis());
            let to = self.client.now().plus_millis(1);
            let candles = self
                .client
                .closed_klines(symbol, interval, from, to, usize::MAX)
                .await
                .map_err(|e| End::Dead(format!("kline backfill failed: {e}")))?;
            let mut out = Output::default();
            for c in candles {
                self.handler.accept_candle(c, &mut out);
            }
            Self::emit(tx, out).await?;
        }
        Ok(())
    }

    /// Private streams, after every (re)connect: open orders, positions and
    /// the executions since the newest one seen (or since the stream
    /// started), over REST. Pushes missed while down arrive this way; those
    /// that also come over the socket are dropped by the `execId` dedupe, so
    /// every fill is reported exactly once.
    async fn reconcile(&mut self, tx: &mpsc::Sender<StreamEvent>) -> Result<(), End> {
        if self.subs.is_some() {
            return Ok(());
        }
        let failed =
            |what: &str, e: crate::http::BybitError| End::Dead(format!("reconcile {what} failed: {e}"));
        let since = self
            .handler
            .last_execution_ms()
            .map_or(self.started_at, Timestamp::from_millis);
        let orders = self
            .client
            .open_orders(None)
            .await
            .map_err(|e| failed("open orders", e))?;
        let positions = self
            .client
            .positions(None)
            .await
            .map_err(|e| failed("positions", e))?;
        let mut execs = self
            .client
            .executions(None, Some(since))
            .await
            .map_err(|e| failed("executions", e))?;
        execs.sort_by_key(|e| e.ts); // REST lists newest first; emit in time order
        let mut out = Output::default();
        for o in orders {
            Handler::accept_order(o, &mut out);
        }
        out.events
            .extend(positions.into_iter().map(StreamEvent::Position));
        for e in execs {
            self.handler.accept_execution(e, &mut out);
        }
        Self::emit(tx, out).await
    }

    async fn session(&mut self, tx: &mpsc::Sender<StreamEvent>, attempt: u32, healthy: &mut bool) -> End {
        let cfg = self.client.config().clone();
        let url = if self.subs.is_some() {
            cfg.ws_public_url.clone()
        } else {
            cfg.ws_private_url.clone()
        };
        let mut ws = match timeout(cfg.timeout(), tokio_tungstenite::connect_async(url.as_str())).await {
            Err(_) => return End::Dead("connect timed out".into()),
            Ok(Err(e)) => return End::Dead(format!("connect failed: {e}")),
            Ok(Ok((ws, _))) => ws,
        };
        if self.subs.is_none() {
            if !cfg.has_credentials() {
                let _ = tx
                    .send(StreamEvent::Refused {
                        message: "private stream needs an API key and secret".into(),
                    })
                    .await;
                return End::Closed;
            }
            if let Err(e) = self.authenticate(&mut ws, cfg.timeout()).await {
                return e;
            }
        }
        self.handler.on_reconnect();
        let req_id = self.next_req_id();
        let sub = serde_json::json!({"req_id": req_id, "op": "subscribe", "args": self.topics()});
        if let Err(e) = Self::send_json(&mut ws, sub).await {
            return e;
        }
        if tx.send(StreamEvent::Connected { attempt }).await.is_err() {
            return End::Closed;
        }
        if let Err(e) = self.backfill(tx).await {
            return e;
        }
        if let Err(e) = self.reconcile(tx).await {
            return e;
        }
        match self.read_loop(&mut ws, tx, healthy).await {
            End::Closed => End::Closed,
            End::Dead(reason) => {
                let _ = timeout(Duration::from_millis(100), ws.close(None)).await;
                End::Dead(reason)
            }
        }
    }

    async fn read_loop(&mut self, ws: &mut Ws, tx: &mpsc::Sender<StreamEvent>, healthy: &mut bool) -> End {
        let cfg = self.client.config().clone();
        let ping_every = Duration::from_millis(cfg.ping_interval_ms.max(1));
        let dead_after = Duration::from_millis(cfg.dead_after_ms.max(1));
        let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
        let mut last_rx = Instant::now();
        let mut awaiting_pong = false;
        loop {
            tokio::select! {
                frame = timeout_at(last_rx + dead_after, ws.next()) => {
                    let msg = match frame {
                        Err(_) => return End::Dead(format!("no frame for {dead_after:?}")),
                        Ok(None) => return End::Dead("socket closed".into()),
                        Ok(Some(Err(e))) => return End::Dead(format!("socket error: {e}")),
                        Ok(Some(Ok(m))) => m,
                    };
                    last_rx = Instant::now();
                    let text = match msg {
                        Message::Text(t) => t,
                        Message::Close(c) => return End::Dead(format!("closed by server: {c:?}")),
                        Message::Binary(b) => {
                            tracing::warn!(len = b.len(), "ignoring binary bybit frame");
                            continue;
                        }
                        _ => continue,
                    };
                    let mut out = Output::default();
                    self.handler.handle(text.as_str(), &mut out);
                    if out.pong {
                        awaiting_pong = false;
                    } else {
                        *healthy = true;
                    }
                    for topic in std::mem::take(&mut out.resubscribe) {
                        let unsub_id = self.next_req_id();
                        let sub_id = self.next_req_id();
                        let unsub = serde_json::json!({"req_id": unsub_id, "op": "unsubscribe", "args": [topic]});
                        let sub = serde_json::json!({"req_id": sub_id, "op": "subscribe", "args": [topic]});
                        if let Err(e) = Self::send_json(ws, unsub).await {
                            return e;
                        }
                        if let Err(e) = Self::send_json(ws, sub).await {
                            return e;
                        }
                    }
                    let refused = out.subscribe_refused.take();
                    if let Err(e) = Self::emit(tx, out).await {
                        return e;
                    }
                    if let Some(msg) = refused {
                        // Without its topics the socket is useless: start over
                        // (backoff, reconnect, subscribe again) instead of idling.
                        return End::Dead(format!("subscribe refused: {msg}"));
                    }
                }
                _ = ping.tick() => {
                    if awaiting_pong {
                        return End::Dead("pong missing".into());
                    }
                    let id = self.next_req_id();
                    if let Err(e) = Self::send_json(ws, serde_json::json!({"req_id": id, "op": "ping"})).await {
                        return e;
                    }
                    awaiting_pong = true;
                }
                () = tx.closed() => return End::Closed,
            }
        }
    }
}
