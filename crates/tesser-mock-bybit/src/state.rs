//! Shared server state: candles, replay position, synthetic book, accounts
//! and the broadcast channels feeding WebSocket connections.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

use rust_decimal::Decimal;
use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::data::Bars;
use crate::exchange::{Exchange, Push};
use crate::faults::Faults;

/// Wall-clock milliseconds (the mock is a server: it has a clock).
#[allow(clippy::disallowed_methods, reason = "the mock server stamps its own time")]
pub(crate) fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A public push before its topic is filled in: `kind` is the topic prefix.
#[derive(Debug)]
pub(crate) struct PublicFrame {
    pub(crate) kind: &'static str,
    pub(crate) body: Value,
}

/// A private push for one API key.
#[derive(Debug)]
pub(crate) struct PrivateFrame {
    pub(crate) api_key: String,
    pub(crate) topic: &'static str,
    pub(crate) text: String,
}

/// Replay position and the synthetic book around the last close.
#[derive(Debug, Default)]
pub(crate) struct Market {
    pub(crate) index: usize,
    pub(crate) u: u64,
    pub(crate) bids: BTreeMap<Decimal, Decimal>,
    pub(crate) asks: BTreeMap<Decimal, Decimal>,
    pub(crate) last: Decimal,
    pub(crate) held: Option<Value>,
    pub(crate) trade_seq: u64,
}

pub(crate) struct State {
    pub(crate) symbol: String,
    pub(crate) bars: Bars,
    pub(crate) faults: Arc<Faults>,
    pub(crate) market: Mutex<Market>,
    pub(crate) exchange: Mutex<Exchange>,
    pub(crate) public_tx: broadcast::Sender<Arc<PublicFrame>>,
    pub(crate) private_tx: broadcast::Sender<Arc<PrivateFrame>>,
    pub(crate) conn_seq: AtomicU64,
    pub(crate) idle_close_ms: u64,
    pub(crate) live: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn s(d: Decimal) -> String {
    d.normalize().to_string()
}

impl State {
    /// The mock's clock: wall time plus the injected skew.
    pub(crate) fn now_ms(&self) -> i64 {
        wall_ms() + self.faults.skew()
    }

    pub(crate) fn lock_exchange(&self) -> MutexGuard<'_, Exchange> {
        lock(&self.exchange)
    }

    pub(crate) fn lock_market(&self) -> MutexGuard<'_, Market> {
        lock(&self.market)
    }

    /// `(best bid, best ask, last)` as strings.
    pub(crate) fn top_of_book(&self) -> (String, String, String) {
        let m = self.lock_market();
        let bid = m.bids.keys().next_back().copied().unwrap_or(m.last);
        let ask = m.asks.keys().next().copied().unwrap_or(m.last);
        (s(bid), s(ask), s(m.last))
    }

    /// Book data object `{s,b,a,u,seq,ts,cts}` for a snapshot.
    pub(crate) fn book_snapshot_data(&self) -> Value {
        let m = self.lock_market();
        self.book_data(
            &m,
            m.bids.iter().rev().map(|(p, q)| (*p, *q)).collect(),
            m.asks.iter().map(|(p, q)| (*p, *q)).collect(),
        )
    }

    pub(crate) fn book_data(
        &self,
        m: &Market,
        bids: Vec<(Decimal, Decimal)>,
        asks: Vec<(Decimal, Decimal)>,
    ) -> Value {
        let side = |v: Vec<(Decimal, Decimal)>| {
            v.into_iter()
                .map(|(p, q)| json!([s(p), s(q)]))
                .collect::<Vec<_>>()
        };
        json!({"s": self.symbol, "b": side(bids), "a": side(asks), "u": m.u, "seq": m.u * 10, "ts": self.now_ms(), "cts": self.now_ms()})
    }

    /// Sends private pushes to the matching authenticated connections.
    pub(crate) fn publish_private(&self, pushes: Vec<Push>) {
        let now = self.now_ms();
        for (api_key, topic, data) in pushes {
            let seq = self.conn_seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let text =
                json!({"id": format!("mock-{seq}"), "topic": topic, "creationTime": now, "data": data})
                    .to_string();
            let frame = Arc::new(PrivateFrame { api_key, topic, text });
            if topic == "execution" && self.faults.take_duplicate_execution() {
                let _ = self.private_tx.send(frame.clone()); // same execId twice
            }
            let _ = self.private_tx.send(frame);
        }
    }

    /// Sets the synthetic book around `mid`: 5 levels each side, 0.5 apart.
    /// Returns the delta `(bids, asks)` relative to the previous book.
    #[allow(clippy::type_complexity, reason = "two level lists")]
    pub(crate) fn rebuild_book(
        m: &mut Market,
        mid: Decimal,
        salt: u64,
    ) -> (Vec<(Decimal, Decimal)>, Vec<(Decimal, Decimal)>) {
        let half = Decimal::new(5, 1);
        let mut bids = BTreeMap::new();
        let mut asks = BTreeMap::new();
        for k in 1..=5i64 {
            let q = Decimal::new(((salt as i64 + k * 7) % 50) + 1, 2);
            bids.insert(mid - half * Decimal::from(k), q);
            asks.insert(mid + half * Decimal::from(k), q + Decimal::new(1, 2));
        }
        let diff = |old: &BTreeMap<Decimal, Decimal>, new: &BTreeMap<Decimal, Decimal>| {
            let mut out: Vec<(Decimal, Decimal)> = old
                .keys()
                .filter(|p| !new.contains_key(p))
                .map(|p| (*p, Decimal::ZERO))
                .collect();
            out.extend(
                new.iter()
                    .filter(|(p, q)| old.get(p) != Some(q))
                    .map(|(p, q)| (*p, *q)),
            );
            out
        };
        let d = (diff(&m.bids, &bids), diff(&m.asks, &asks));
        m.bids = bids;
        m.asks = asks;
        d
    }

    /// Advances the replay by one bar and broadcasts kline, trade, book and
    /// ticker pushes; crosses resting orders at the new close.
    pub(crate) fn step(&self) {
        let step_ms = self.bars.interval.millis();
        let mut frames: Vec<PublicFrame> = Vec::new();
        let close;
        {
            let mut m = self.lock_market();
            let Some(bar) = self.bars.bars.get(m.index).copied() else {
                return;
            };
            let now = self.now_ms();
            let kline = |b: &crate::data::Bar, confirm: bool| {
                json!({"start": b.start, "end": b.start + step_ms - 1, "interval": self.bars.interval.bybit_name(),
                       "open": s(b.open), "close": s(b.close), "high": s(b.high), "low": s(b.low),
                       "volume": s(b.volume), "turnover": s(b.volume * b.close), "confirm": confirm, "timestamp": now})
            };
            let mut data = vec![kline(&bar, true)];
            if let Some(next) = self.bars.bars.get(m.index + 1) {
                let forming = crate::data::Bar {
                    high: next.open,
                    low: next.open,
                    close: next.open,
                    volume: Decimal::ZERO,
                    ..*next
                };
                data.push(kline(&forming, false));
            }
            frames.push(PublicFrame {
                kind: "kline",
                body: json!({"type": "snapshot", "ts": now, "data": data}),
            });
            m.trade_seq += 1;
            let taker = if bar.close >= bar.open { "Buy" } else { "Sell" };
            frames.push(PublicFrame {
                kind: "publicTrade",
                body: json!({"type": "snapshot", "ts": now, "data": [{
                "T": bar.start + step_ms - 1, "s": self.symbol, "S": taker, "v": "0.01", "p": s(bar.close),
                "L": "PlusTick", "i": format!("mock-{}", m.trade_seq), "BT": false, "seq": m.trade_seq}]}),
            });
            let salt = m.index as u64;
            let (bids, asks) = Self::rebuild_book(&mut m, bar.close, salt);
            m.u += if self.faults.take_book_gap() { 2 } else { 1 };
            let delta =
                json!({"type": "delta", "ts": now, "data": self.book_data(&m, bids, asks), "cts": now});
            if let Some(held) = m.held.take() {
                frames.push(PublicFrame {
                    kind: "orderbook",
                    body: delta,
                });
                frames.push(PublicFrame {
                    kind: "orderbook",
                    body: held,
                });
            } else if self.faults.take_book_reorder() {
                m.held = Some(delta);
            } else {
                frames.push(PublicFrame {
                    kind: "orderbook",
                    body: delta,
                });
            }
            m.last = bar.close;
            let (bid, ask) = (m.bids.keys().next_back().copied(), m.asks.keys().next().copied());
            frames.push(PublicFrame { kind: "tickers", body: json!({"type": "delta", "cs": m.u, "ts": now, "data": {
                "symbol": self.symbol, "lastPrice": s(bar.close), "bid1Price": bid.map(s), "ask1Price": ask.map(s)}})});
            m.index += 1;
            close = bar.close;
        }
        for f in frames {
            let _ = self.public_tx.send(Arc::new(f));
        }
        let pushes = self.lock_exchange().on_price(close, self.now_ms());
        self.publish_private(pushes);
    }
}
