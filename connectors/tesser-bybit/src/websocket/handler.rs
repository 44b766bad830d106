//! Frame dispatch and per-connection state: local books with sequence checks,
//! closed-kline de-duplication, ticker merging and execution de-duplication.

use std::collections::{HashMap, HashSet, VecDeque};

use tesser_core::{BookUpdateKind, Candle, Event, Interval, OrderBook, OrderUpdate, Symbol};

use crate::types::{Execution, OrderState};

use super::messages::{BybitWsBook, BybitWsFrame, BybitWsKline, BybitWsTrade};
use super::{parse, StreamEvent};
use crate::http::models::{BybitExecution, BybitOrder, BybitPosition, BybitTicker, BybitWallet};
use crate::http::{parse as hp, BybitError};

/// What one frame produced.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub(crate) events: Vec<StreamEvent>,
    /// Topics to unsubscribe and subscribe again (book resync).
    pub(crate) resubscribe: Vec<String>,
    pub(crate) pong: bool,
    /// Reply to our `auth` op.
    pub(crate) auth: Option<Result<(), String>>,
    /// A `subscribe` was refused (`success:false`): Bybit's `ret_msg`.
    pub(crate) subscribe_refused: Option<String>,
}

struct BookState {
    book: OrderBook,
    last_u: Option<u64>,
}

const EXEC_MEMORY: usize = 10_000;

/// Per-stream state that survives reconnects (kline and execution memory)
/// or is reset by them (books).
#[derive(Default)]
pub(crate) struct Handler {
    books: HashMap<Symbol, BookState>,
    last_kline: HashMap<(Symbol, Interval), i64>,
    tickers: HashMap<Symbol, serde_json::Map<String, serde_json::Value>>,
    seen_exec: HashSet<String>,
    exec_order: VecDeque<String>,
    last_exec_ms: Option<i64>,
}

impl Handler {
    /// Forget books and tickers: a new connection starts with snapshots.
    pub(crate) fn on_reconnect(&mut self) {
        self.books.clear();
        self.tickers.clear();
    }

    /// The start of the last emitted closed candle for `(symbol, interval)`.
    pub(crate) fn last_kline(&self, symbol: Symbol, interval: Interval) -> Option<i64> {
        self.last_kline.get(&(symbol, interval)).copied()
    }

    /// Emits a closed candle once: only if it starts after the last one emitted.
    pub(crate) fn accept_candle(&mut self, c: Candle, out: &mut Output) {
        let last = self.last_kline.entry((c.symbol, c.interval)).or_insert(i64::MIN);
        if c.open_time.as_millis() > *last {
            *last = c.open_time.as_millis();
            out.events.push(StreamEvent::Market(Event::Candle(c)));
        }
    }

    /// The time of the newest execution seen (pushed or reconciled).
    pub(crate) fn last_execution_ms(&self) -> Option<i64> {
        self.last_exec_ms
    }

    /// Emits an execution once per `execId` (a push, its duplicate and its
    /// REST copy after a reconnect all collapse to one fill).
    pub(crate) fn accept_execution(&mut self, exec: Execution, out: &mut Output) {
        if !self.remember_exec(&exec.exec_id) {
            return;
        }
        let ts = exec.ts.as_millis();
        self.last_exec_ms = Some(self.last_exec_ms.map_or(ts, |t| t.max(ts)));
        if let Some(fill) = exec.to_fill() {
            out.events.push(StreamEvent::Market(Event::Fill(fill)));
        }
        out.events.push(StreamEvent::Execution(exec));
    }

    /// Emits an order state, plus a core order update when the order is ours.
    pub(crate) fn accept_order(state: OrderState, out: &mut Output) {
        if let Some(id) = state.client_id {
            out.events
                .push(StreamEvent::Market(Event::OrderUpdate(OrderUpdate {
                    id,
                    symbol: state.symbol,
                    status: state.status,
                    ts: state.updated,
                    reason: state.reason.clone(),
                })));
        }
        out.events.push(StreamEvent::Order(state));
    }

    /// Handles one text frame; undecodable frames are logged and skipped.
    pub(crate) fn handle(&mut self, text: &str, out: &mut Output) {
        let frame: BybitWsFrame = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, frame = %text.chars().take(120).collect::<String>(), "skipping malformed bybit frame");
                return;
            }
        };
        if let Some(op) = frame.op.as_deref() {
            self.control(op, &frame, out);
            return;
        }
        let Some(topic) = frame.topic.clone() else {
            tracing::warn!("bybit frame without op or topic");
            return;
        };
        if let Err(e) = self.data(&topic, frame, out) {
            tracing::warn!(topic, error = %e, "skipping undecodable bybit push");
        }
    }

    fn control(&mut self, op: &str, f: &BybitWsFrame, out: &mut Output) {
        let msg = f.ret_msg.clone().unwrap_or_default();
        if op == "pong" || msg == "pong" {
            out.pong = true;
            return;
        }
        let ok = f.success.unwrap_or(false);
        match op {
            "auth" => out.auth = Some(if ok { Ok(()) } else { Err(msg) }),
            "subscribe" if !ok => {
                out.events.push(StreamEvent::Refused { message: msg.clone() });
                out.subscribe_refused = Some(msg);
            }
            "unsubscribe" if !ok => out.events.push(StreamEvent::Refused { message: msg }),
            _ => {}
        }
    }

    fn data(&mut self, topic: &str, f: BybitWsFrame, out: &mut Output) -> Result<(), BybitError> {
        let head = topic.split('.').next().unwrap_or("");
        let ts = f.ts.unwrap_or(0);
        let dec = |e: serde_json::Error| BybitError::decode(topic, e);
        match head {
            "kline" => {
                let symbol = Symbol::new(topic.rsplit('.').next().unwrap_or(""));
                let items: Vec<BybitWsKline> = serde_json::from_value(f.data).map_err(dec)?;
                for k in items.iter().filter(|k| k.confirm) {
                    let c = parse::kline(symbol, k)?;
                    self.accept_candle(c, out);
                }
            }
            "publicTrade" => {
                let items: Vec<BybitWsTrade> = serde_json::from_value(f.data).map_err(dec)?;
                for t in &items {
                    out.events
                        .push(StreamEvent::Market(Event::Trade(parse::trade(t)?)));
                }
            }
            "orderbook" => {
                let kind = match f.kind.as_deref() {
                    Some("snapshot") => BookUpdateKind::Snapshot,
                    Some("delta") => BookUpdateKind::Delta,
                    other => return Err(BybitError::decode(topic, format!("book type {other:?}"))),
                };
                let b: BybitWsBook = serde_json::from_value(f.data).map_err(dec)?;
                self.book(topic, &b, kind, ts, out)?;
            }
            "tickers" => {
                let serde_json::Value::Object(fields) = f.data else {
                    return Err(BybitError::decode(topic, "ticker data is not an object"));
                };
                let symbol = Symbol::new(topic.rsplit('.').next().unwrap_or(""));
                let cached = self.tickers.entry(symbol).or_default();
                if f.kind.as_deref() == Some("snapshot") {
                    cached.clear();
                }
                cached.extend(fields);
                let t: BybitTicker =
                    serde_json::from_value(serde_json::Value::Object(cached.clone())).map_err(dec)?;
                out.events.push(StreamEvent::Ticker(hp::ticker(&t)?));
            }
            "order" => {
                let items: Vec<BybitOrder> = serde_json::from_value(f.data).map_err(dec)?;
                for o in &items {
                    Self::accept_order(hp::order(o)?, out);
                }
            }
            "execution" => {
                let items: Vec<BybitExecution> = serde_json::from_value(f.data).map_err(dec)?;
                for e in &items {
                    self.accept_execution(hp::execution(e)?, out);
                }
            }
            "position" => {
                let items: Vec<BybitPosition> = serde_json::from_value(f.data).map_err(dec)?;
                for p in &items {
                    out.events.push(StreamEvent::Position(hp::position(p)?));
                }
            }
            "wallet" => {
                let items: Vec<BybitWallet> = serde_json::from_value(f.data).map_err(dec)?;
                let coins = items
                    .iter()
                    .flat_map(|w| w.coin.iter())
                    .map(hp::coin)
                    .collect::<Result<Vec<_>, _>>()?;
                out.events.push(StreamEvent::Wallet(coins));
            }
            other => tracing::warn!(topic = other, "unknown bybit topic"),
        }
        Ok(())
    }

    fn remember_exec(&mut self, id: &str) -> bool {
        if !self.seen_exec.insert(id.to_owned()) {
            return false;
        }
        self.exec_order.push_back(id.to_owned());
        if self.exec_order.len() > EXEC_MEMORY {
            if let Some(old) = self.exec_order.pop_front() {
                self.seen_exec.remove(&old);
            }
        }
        true
    }

    fn book(
        &mut self,
        topic: &str,
        b: &BybitWsBook,
        kind: BookUpdateKind,
        ts: i64,
        out: &mut Output,
    ) -> Result<(), BybitError> {
        let update = parse::book(b, kind, ts)?;
        let symbol = update.symbol;
        let state = self.books.entry(symbol).or_insert_with(|| BookState {
            book: OrderBook::new(symbol),
            last_u: None,
        });
        if kind == BookUpdateKind::Delta {
            let Some(last) = state.last_u else {
                return Ok(()); // waiting for a snapshot after a resync
            };
            if update.update_id <= last {
                tracing::debug!(topic, u = update.update_id, last, "dropping stale book delta");
                return Ok(());
            }
            if update.update_id > last + 1 {
                let reason = format!("update id gap: expected {}, got {}", last + 1, update.update_id);
                self.resync(topic, symbol, reason, out);
                return Ok(());
            }
        }
        if let Err(e) = state.book.apply(&update) {
            self.resync(topic, symbol, e.to_string(), out);
            return Ok(());
        }
        state.last_u = Some(update.update_id);
        if let (Some(bid), Some(ask)) = (state.book.best_bid(), state.book.best_ask()) {
            if bid.price >= ask.price {
                let reason = format!("crossed book: bid {} >= ask {}", bid.price, ask.price);
                self.resync(topic, symbol, reason, out);
                return Ok(());
            }
        }
        out.events.push(StreamEvent::Market(Event::Book(update)));
        Ok(())
    }

    fn resync(&mut self, topic: &str, symbol: Symbol, reason: String, out: &mut Output) {
        tracing::warn!(topic, %reason, "order book resync");
        self.books.remove(&symbol);
        out.resubscribe.push(topic.to_owned());
        out.events.push(StreamEvent::BookResync { symbol, reason });
    }

    /// The local book of `symbol`, when one is valid.
    #[cfg(test)]
    pub(crate) fn book_of(&self, symbol: Symbol) -> Option<&OrderBook> {
        self.books
            .get(&symbol)
            .filter(|s| s.last_u.is_some())
            .map(|s| &s.book)
    }
}
