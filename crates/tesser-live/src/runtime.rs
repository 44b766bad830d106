//! The async driver of a live run: Bybit streams in, the [`Session`] in the
//! middle, orders out, and after every step one atomic state save, metrics
//! and alerts.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tesser_broker::ExecutionClient;
use tesser_bybit::{BybitExecution, BybitHttpClient, BybitStream, StreamEvent, Subscription};
use tesser_core::{Cash, Command, Event, OrderStatus, OrderUpdate, Timestamp};
use tesser_engine::{Engine, Notice};
use tesser_paper::PaperExchange;
use tesser_portfolio::Portfolio;
use tesser_state::StateStore;
use tesser_strategy::Strategy;
use tesser_telemetry::{Alert, Alerter, EventKind, Metrics, Severity};

use crate::session::{Session, StepOutput};
use crate::{history, reconcile, rules, snapshot, LiveError, LiveSettings};

/// Longest time (event time) marks from trades and books go unsaved.
const MARK_SAVE_MS: i64 = 1_000;

/// How long a stopping live-execution run waits for working orders.
const SETTLE: Duration = Duration::from_secs(5);

/// What [`run_observed`] reports once the session is ready to trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ready {
    /// Where `/metrics` is served (the bound port when 0 was asked).
    pub metrics_addr: Option<SocketAddr>,
    /// True when the session resumed from a saved state.
    pub resumed: bool,
    /// Candles the strategy was warmed up on.
    pub warm_up_bars: u64,
    /// Missed candles processed as live bars at start-up.
    pub caught_up_bars: u64,
}

/// How a live run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveReport {
    /// Candles processed as live bars (catch-up included, warm-up not).
    pub bars: u64,
    /// Candles shown to the strategy to warm it up.
    pub warm_up_bars: u64,
    /// Fills booked in this run.
    pub fills: u64,
    /// Equity at the end.
    pub equity: Cash,
    /// True when the run resumed from a saved state.
    pub resumed: bool,
}

/// Runs until `shutdown` resolves, the public stream ends, or
/// `settings.max_bars` live bars were processed. State is saved after every
/// step, so the process may also be killed at any moment and restarted.
///
/// # Errors
/// [`LiveError`] when the state store, the metrics endpoint or the exchange
/// cannot be set up; failures during the run are logged, alerted and retried.
pub async fn run(
    strategy: Box<dyn Strategy>,
    settings: LiveSettings,
    shutdown: impl Future<Output = ()>,
) -> Result<LiveReport, LiveError> {
    run_observed(strategy, settings, shutdown, |_| {}).await
}

/// [`run`], calling `on_ready` once the streams are connected and the
/// start-up history (warm-up and missed bars) has been processed.
///
/// # Errors
/// As [`run`].
pub async fn run_observed(
    strategy: Box<dyn Strategy>,
    settings: LiveSettings,
    shutdown: impl Future<Output = ()>,
    on_ready: impl FnOnce(&Ready),
) -> Result<LiveReport, LiveError> {
    let client = BybitHttpClient::new(settings.exchange.clone())?;
    if let Err(e) = client.sync_time().await {
        tracing::warn!(error = %e, "could not read the exchange clock; using the local one");
    }
    let store = StateStore::open(&settings.state_path)?;
    let saved = store.load()?;
    if let Some(s) = &saved {
        snapshot::check_matches(s, &settings, &settings.state_path)?;
    }
    let mut engine_config = settings.engine.clone();
    let required = settings.paper.is_none();
    rules::complete(
        &client,
        &settings.symbols,
        &mut engine_config.instruments,
        required,
    )
    .await
    .map_err(LiveError::Rules)?;
    let engine = match &saved {
        Some(s) => snapshot::engine_from(strategy, engine_config, s),
        // Real orders need ids no earlier session on the account used (the
        // venue refuses a reused `orderLinkId`): a fresh session counts up
        // from the exchange clock in microseconds; paper ones start at 1.
        None if required => {
            let first_id = u64::try_from(client.now().as_millis())
                .unwrap_or(0)
                .saturating_mul(1000);
            Engine::with_state(
                strategy,
                engine_config.clone(),
                Portfolio::new(engine_config.initial_equity),
                first_id,
            )
        }
        None => Engine::new(strategy, engine_config),
    };
    let paper = settings.paper.map(PaperExchange::new);
    let mut session = Session::new(engine, paper);
    if let Some(s) = &saved {
        snapshot::restore_session(&mut session, s);
        session.remember_fills(&store.recent_fills(snapshot::REMEMBERED_FILLS)?);
    }

    let metrics = Metrics::new();
    let server = match &settings.metrics_addr {
        Some(addr) => {
            let server = tesser_telemetry::serve(metrics.clone(), addr).await?;
            Some(server)
        }
        None => None,
    };
    let mut alerter = Alerter::new(settings.alerts.clone(), metrics.clone())?;
    alerter.on_market_event(client.now());
    let mut driver = Driver {
        session,
        store,
        metrics,
        exec: settings
            .paper
            .is_none()
            .then(|| BybitExecution::new(client.clone())),
        settings: &settings,
        report: LiveReport {
            bars: 0,
            warm_up_bars: 0,
            fills: 0,
            equity: Cash::ZERO,
            resumed: saved.is_some(),
        },
        last_save: None,
    };

    // Subscribe before reading history, so no bar falls between the two.
    let subs = subscriptions(&settings, driver.session.engine().strategy().market_data());
    let mut public = BybitStream::public(client.clone(), subs);
    let mut private = driver
        .exec
        .is_some()
        .then(|| BybitStream::private(client.clone()));

    tokio::pin!(shutdown);
    // History is read once the stream is live, so no bar falls between them
    // (bars the stream delivers meanwhile wait in its queue).
    loop {
        tokio::select! {
            () = &mut shutdown => return Ok(driver.report),
            event = public.next() => match event {
                Some(StreamEvent::Connected { .. }) => break,
                Some(StreamEvent::Disconnected { reason }) => {
                    tracing::warn!(%reason, "public stream not connected yet; retrying");
                }
                Some(_) => {}
                None => return Ok(driver.report),
            },
        }
    }
    driver.start_up(&client, &mut alerter).await?;
    on_ready(&Ready {
        metrics_addr: server.as_ref().map(tesser_telemetry::MetricsServer::local_addr),
        resumed: driver.report.resumed,
        warm_up_bars: driver.report.warm_up_bars,
        caught_up_bars: driver.report.bars,
    });
    let symbols: Vec<&str> = settings.symbols.iter().map(|s| s.as_str()).collect();
    tracing::info!(
        strategy = %settings.strategy_name,
        symbols = %symbols.join(","),
        interval = %settings.interval,
        execution = if settings.paper.is_some() { "paper" } else { "live" },
        state = %settings.state_path.display(),
        resumed = driver.report.resumed,
        warm_up = driver.report.warm_up_bars,
        caught_up = driver.report.bars,
        "live session started"
    );

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    while !driver.done() {
        tokio::select! {
            () = &mut shutdown => break,
            event = public.next() => match event {
                Some(StreamEvent::Market(Event::Candle(candle))) => {
                    alerter.on_market_event(client.now());
                    driver.metrics.inc_event(EventKind::Candle);
                    if driver.session.on_candle(&candle) {
                        driver.report.bars += 1;
                        driver.after_step(&mut alerter, candle.open_time).await;
                    }
                }
                Some(StreamEvent::Market(event @ (Event::Trade(_) | Event::Book(_)))) => {
                    alerter.on_market_event(client.now());
                    driver.metrics.inc_event(match event {
                        Event::Trade(_) => EventKind::Trade,
                        _ => EventKind::Book,
                    });
                    driver.session.on_market_event(&event);
                    driver.after_market_event(&mut alerter, event.ts()).await;
                }
                Some(StreamEvent::Disconnected { reason }) => {
                    tracing::warn!(%reason, "public stream disconnected; reconnecting");
                    driver.metrics.inc_reconnects();
                }
                Some(_) => {}
                None => break,
            },
            event = next_private(&mut private) => match event {
                Some(event) => driver.on_private(event, &mut alerter, client.now()).await,
                None => private = None,
            },
            _ = tick.tick() => {
                if let Some(alert) = alerter.check_data_gap(client.now()) {
                    alerter.notify(&alert).await;
                }
            }
        }
    }
    if private.is_some() {
        driver.settle(&mut private, &mut alerter, &client).await;
    }
    driver.report.equity = driver.session.engine().portfolio().equity();
    tracing::info!(
        bars = driver.report.bars,
        fills = driver.report.fills,
        equity = %driver.report.equity,
        "live session stopped"
    );
    Ok(driver.report)
}

/// Klines of every symbol (marks, warm-up, candle strategies) plus the
/// trades and book depth the strategy reads.
fn subscriptions(settings: &LiveSettings, data: tesser_strategy::MarketData) -> Vec<Subscription> {
    let mut subs = Vec::new();
    for &symbol in &settings.symbols {
        subs.push(Subscription::Kline {
            symbol,
            interval: settings.interval,
        });
        if data.trades {
            subs.push(Subscription::Trades(symbol));
        }
        if let Some(depth) = data.book_depth {
            subs.push(Subscription::OrderBook { symbol, depth });
        }
    }
    subs
}

async fn next_private(stream: &mut Option<BybitStream>) -> Option<StreamEvent> {
    match stream {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

struct Driver<'a> {
    session: Session,
    store: StateStore,
    metrics: Metrics,
    exec: Option<BybitExecution>,
    settings: &'a LiveSettings,
    report: LiveReport,
    /// Event time of the last state save.
    last_save: Option<Timestamp>,
}

impl Driver<'_> {
    /// Books a private-stream event (our fills and order updates).
    async fn on_private(&mut self, event: StreamEvent, alerter: &mut Alerter, now: Timestamp) {
        match event {
            StreamEvent::Market(event @ (Event::Fill(_) | Event::OrderUpdate(_))) => {
                let ts = match &event {
                    Event::Fill(f) => f.ts,
                    Event::OrderUpdate(u) => u.ts,
                    _ => now,
                };
                if self.session.on_venue_event(&event) {
                    self.after_step(alerter, ts).await;
                }
            }
            StreamEvent::Disconnected { reason } => {
                tracing::warn!(%reason, "private stream disconnected; reconnecting");
                self.metrics.inc_reconnects();
            }
            _ => {}
        }
    }

    /// On the way out (live execution), waits up to [`SETTLE`] for working
    /// orders to fill or end, so the saved state matches the venue; what is
    /// still open is reconciled at the next start.
    async fn settle(
        &mut self,
        private: &mut Option<BybitStream>,
        alerter: &mut Alerter,
        client: &BybitHttpClient,
    ) {
        let deadline = tokio::time::sleep(SETTLE);
        tokio::pin!(deadline);
        loop {
            let working = self.session.engine().orders().working().count();
            if working == 0 {
                return;
            }
            tokio::select! {
                () = &mut deadline => {
                    tracing::warn!(working, "stopping with orders still working; the next start reconciles them");
                    return;
                }
                event = next_private(private) => match event {
                    Some(event) => self.on_private(event, alerter, client.now()).await,
                    None => return,
                },
            }
        }
    }

    fn done(&self) -> bool {
        self.settings.max_bars.is_some_and(|max| self.report.bars >= max)
    }

    /// Warms the strategy up on recent history and processes, as live bars,
    /// the candles missed since the saved state.
    async fn start_up(&mut self, client: &BybitHttpClient, alerter: &mut Alerter) -> Result<(), LiveError> {
        let now = client.now();
        if self.exec.is_some() && self.report.resumed {
            let (booked, ended) = reconcile::restored_orders(client, &mut self.session, now).await?;
            if booked + ended > 0 {
                tracing::warn!(booked, ended, "restored orders reconciled with the venue");
                self.after_step(alerter, now).await;
            }
        }
        if self.exec.is_some() {
            // Trading on a position the venue does not have compounds the
            // error: say so loudly (the venue's figure is the real one).
            for (symbol, ours, venue) in
                reconcile::position_mismatches(client, &self.session, &self.settings.symbols).await?
            {
                let message = format!(
                    "position mismatch on {symbol}: the saved portfolio holds {ours}, the venue {venue}; \
                     reconcile by hand (the session keeps trading its own figure)"
                );
                tracing::error!(%symbol, %ours, %venue, "position mismatch with the venue");
                alerter
                    .notify(&Alert::custom(Severity::Critical, message, now))
                    .await;
            }
        }
        let (mut warm, mut missed) = (Vec::new(), Vec::new());
        for &symbol in &self.settings.symbols {
            let anchor = self.session.last_candle(symbol);
            let until = anchor.unwrap_or(now);
            let interval = self.settings.interval;
            warm.push(
                history::closed_until(client, symbol, interval, until, self.settings.warm_up_bars, now)
                    .await?,
            );
            if let Some(last) = anchor {
                missed.push(history::closed_after(client, symbol, interval, last, now).await?);
            }
        }
        for candle in history::merge_by_time(warm) {
            self.session.warm_up(&candle);
            self.report.warm_up_bars += 1;
        }
        // Signals went nowhere during the warm-up: the strategy learns what
        // is really held (nothing, or the restored positions).
        self.session.engine_mut().sync_strategy();
        for candle in history::merge_by_time(missed) {
            if self.done() {
                break;
            }
            if self.session.on_candle(&candle) {
                self.report.bars += 1;
                self.after_step(alerter, candle.open_time).await;
            }
        }
        Ok(())
    }

    /// After a trade or book update: a full step when it caused orders or
    /// fills, otherwise at most one save a second (marks only moved).
    async fn after_market_event(&mut self, alerter: &mut Alerter, ts: Timestamp) {
        let busy = !self.session.is_quiet();
        let due = self
            .last_save
            .is_none_or(|last| ts.as_millis() - last.as_millis() >= MARK_SAVE_MS);
        if busy || due {
            self.after_step(alerter, ts).await;
        }
    }

    /// Sends queued orders, saves the state, updates metrics, raises alerts.
    async fn after_step(&mut self, alerter: &mut Alerter, ts: Timestamp) {
        self.send_orders(alerter).await;
        let out = self.session.take_output();
        self.report.fills += out.fills.len() as u64;
        let snap = snapshot::take(&self.session, self.settings, ts);
        self.last_save = Some(ts);
        if let Err(e) = self.store.save(&snap, &out.fills) {
            tracing::error!(error = %e, "saving the live state failed");
            let alert = Alert::custom(
                Severity::Critical,
                format!("saving the live state failed: {e}"),
                ts,
            );
            alerter.notify(&alert).await;
        }
        self.observe(&out, alerter, ts).await;
    }

    /// Hands the outbox to the real venue (live mode). A refused order is fed
    /// back to the engine as rejected so its exposure is released; a
    /// connectivity failure leaves it working until the private stream's
    /// reconciliation says what became of it.
    async fn send_orders(&mut self, alerter: &mut Alerter) {
        let Some(exec) = self.exec.clone() else { return };
        loop {
            let outbox = self.session.take_outbox();
            if outbox.is_empty() {
                return;
            }
            for command in outbox {
                match command {
                    Command::Submit(request) => {
                        let result = exec.submit_order(request).await;
                        if let Some(alert) = alerter.on_order_result(result.is_ok(), request.created) {
                            alerter.notify(&alert).await;
                        }
                        let Err(e) = result else { continue };
                        self.metrics.inc_order_errors();
                        tracing::error!(order = request.id.0, symbol = %request.symbol, error = %e, "order failed");
                        if matches!(e, tesser_broker::BrokerError::Rejected { .. }) {
                            let update = OrderUpdate {
                                id: request.id,
                                symbol: request.symbol,
                                status: OrderStatus::Rejected,
                                ts: request.created,
                                reason: Some(e.to_string()),
                            };
                            self.session.on_venue_event(&Event::OrderUpdate(update));
                        }
                    }
                    Command::Cancel { symbol, id } => {
                        if let Err(e) = exec.cancel_order(symbol, id).await {
                            self.metrics.inc_order_errors();
                            tracing::error!(order = id.0, %symbol, error = %e, "cancel failed");
                        }
                    }
                }
            }
        }
    }

    async fn observe(&mut self, out: &StepOutput, alerter: &mut Alerter, ts: Timestamp) {
        let engine = self.session.engine();
        let portfolio = engine.portfolio();
        self.metrics.add_orders_submitted(out.orders);
        self.metrics.add_fills(out.fills.len() as u64);
        self.metrics.set_equity(portfolio.equity().to_f64());
        self.metrics.set_cash(portfolio.cash().to_f64());
        for position in portfolio.open_positions() {
            self.metrics.set_position(
                position.symbol.as_str(),
                tesser_core::decimal_to_f64(position.net),
            );
        }
        self.metrics
            .set_liquidate_only(engine.orders().is_liquidate_only());
        self.metrics.set_open_orders(engine.orders().working().count());
        if self.exec.is_none() && (out.orders > 0 || out.rejected > 0) {
            // Paper venue: a rejection is an order failure like a venue refusal.
            let ok = out.rejected == 0;
            if let Some(alert) = alerter.on_order_result(ok, ts) {
                alerter.notify(&alert).await;
            }
        }
        let peak = engine.peak_equity().to_f64();
        if peak > 0.0 {
            let drawdown = 1.0 - portfolio.equity().to_f64() / peak;
            if let Some(alert) = alerter.check_drawdown(drawdown, ts) {
                alerter.notify(&alert).await;
            }
        }
        for notice in &out.notices {
            match notice {
                Notice::KillSwitch { drawdown } => {
                    let alert = alerter.on_kill_switch(tesser_core::decimal_to_f64(*drawdown), ts);
                    alerter.notify(&alert).await;
                }
                Notice::RiskRejected { signal, reason } => {
                    tracing::warn!(symbol = %signal.symbol, %reason, "signal refused by the risk checks");
                }
                Notice::OrderEnded(update) => {
                    tracing::info!(order = update.id.0, status = ?update.status, reason = ?update.reason, "order ended");
                }
                Notice::Book(e) => tracing::warn!(error = %e, "order book out of sync"),
            }
        }
    }
}
