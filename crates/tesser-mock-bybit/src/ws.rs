//! WebSocket side: `/v5/public/{category}` and `/v5/private`, with Bybit's
//! control frames (pong/ack shapes per stream, `req_id` echoed), auth,
//! subscriptions and the injected faults.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::auth::hmac_hex;
use crate::state::{PublicFrame, State};

type Sink = SplitSink<WebSocketStream<TcpStream>, Message>;

struct Conn {
    state: Arc<State>,
    private: bool,
    conn_id: String,
    topics: HashSet<String>,
    key: Option<String>,
    sent: u32,
    stalled: bool,
}

/// Why the connection loop ends.
enum Stop {
    Drop,
}

#[allow(clippy::result_large_err, reason = "tungstenite's callback signature")]
pub(crate) async fn serve(stream: TcpStream, state: Arc<State>) {
    let mut path = String::new();
    let cb = |req: &Request, resp: Response| {
        path = req.uri().path().to_owned();
        Ok(resp)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, cb).await else {
        return;
    };
    let private = path.starts_with("/v5/private");
    if !private && !path.starts_with("/v5/public/") {
        return;
    }
    let seq = state.conn_seq.fetch_add(1, Ordering::Relaxed);
    let mut conn = Conn {
        state: state.clone(),
        private,
        conn_id: format!("mock-conn-{seq}"),
        topics: HashSet::new(),
        key: None,
        sent: 0,
        stalled: false,
    };
    let (mut sink, mut source) = ws.split();
    let mut pub_rx = state.public_tx.subscribe();
    let mut priv_rx = state.private_tx.subscribe();
    let idle = Duration::from_millis(state.idle_close_ms);
    loop {
        let result = tokio::select! {
            msg = tokio::time::timeout(idle, source.next()) => match msg {
                Err(_) => {
                    let _ = sink.close().await;
                    return;
                }
                Ok(None | Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return,
                Ok(Some(Ok(Message::Text(t)))) => conn.control(&mut sink, t.as_str()).await,
                Ok(Some(Ok(_))) => Ok(()),
            },
            f = pub_rx.recv(), if !private => match f {
                Ok(frame) => conn.public(&mut sink, &frame).await,
                Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => return,
            },
            f = priv_rx.recv(), if private => match f {
                Ok(frame) if conn.key.as_deref() == Some(frame.api_key.as_str()) && conn.topics.contains(frame.topic) => {
                    conn.data(&mut sink, frame.text.clone()).await
                }
                Ok(_) | Err(RecvError::Lagged(_)) => Ok(()),
                Err(RecvError::Closed) => return,
            },
        };
        if let Err(Stop::Drop) = result {
            return; // dropped without a close frame
        }
    }
}

fn malformed(n: u32) -> Message {
    match n % 4 {
        0 => Message::text("{\"topic\":\"publicTrade.BTCUSDT\",\"data\":[{\"T\":1"),
        1 => Message::text("this is not json"),
        2 => Message::binary(vec![0u8, 159, 146, 150]),
        _ => Message::text("{\"topic\":\"mystery.BTCUSDT\",\"type\":\"snapshot\",\"data\":{}}"),
    }
}

impl Conn {
    async fn send(&self, sink: &mut Sink, text: String) -> Result<(), Stop> {
        sink.send(Message::text(text)).await.map_err(|_| Stop::Drop)
    }

    /// Sends a data push, applying the frame-count faults.
    async fn data(&mut self, sink: &mut Sink, text: String) -> Result<(), Stop> {
        if self.stalled {
            return Ok(());
        }
        let faults = &self.state.faults;
        if let Some(n) = faults.take_malformed() {
            sink.send(malformed(n)).await.map_err(|_| Stop::Drop)?;
        }
        self.send(sink, text).await?;
        self.sent += 1;
        if faults.take_drop(self.sent) {
            return Err(Stop::Drop);
        }
        if faults.take_stall(self.sent) {
            self.stalled = true;
        }
        Ok(())
    }

    fn wants(&self, topic: &str, kind: &str) -> bool {
        let mut parts = topic.split('.');
        if parts.next() != Some(kind) || !topic.ends_with(&format!(".{}", self.state.symbol)) {
            return false;
        }
        kind != "kline" || parts.next() == Some(self.state.bars.interval.bybit_name())
    }

    async fn public(&mut self, sink: &mut Sink, frame: &PublicFrame) -> Result<(), Stop> {
        let topics: Vec<String> = self
            .topics
            .iter()
            .filter(|t| self.wants(t, frame.kind))
            .cloned()
            .collect();
        for topic in topics {
            let mut body = frame.body.clone();
            if let Value::Object(map) = &mut body {
                map.insert("topic".into(), Value::String(topic));
            }
            self.data(sink, body.to_string()).await?;
        }
        Ok(())
    }

    async fn control(&mut self, sink: &mut Sink, text: &str) -> Result<(), Stop> {
        let Ok(msg) = serde_json::from_str::<Value>(text) else {
            return Ok(());
        };
        let op = msg.get("op").and_then(Value::as_str).unwrap_or("");
        let req_id = msg.get("req_id").and_then(Value::as_str).unwrap_or("").to_owned();
        let args: Vec<Value> = msg
            .get("args")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let now = self.state.now_ms();
        match op {
            "ping" => {
                if self.stalled {
                    return Ok(());
                }
                if let Some(d) = self.state.faults.pong_delay() {
                    tokio::time::sleep(d).await;
                }
                let pong = if self.private {
                    json!({"req_id": req_id, "op": "pong", "args": [now.to_string()], "conn_id": self.conn_id})
                } else {
                    json!({"success": true, "ret_msg": "pong", "conn_id": self.conn_id, "req_id": req_id, "op": "ping"})
                };
                self.send(sink, pong.to_string()).await
            }
            "auth" => {
                let key = args.first().and_then(Value::as_str).unwrap_or("").to_owned();
                let expires = args.get(1).and_then(Value::as_i64).unwrap_or(0);
                let sig = args.get(2).and_then(Value::as_str).unwrap_or("");
                let secret = self.state.lock_exchange().secret_of(&key);
                let ok = self.private
                    && expires > now
                    && secret.is_some_and(|s| hmac_hex(&s, &format!("GET/realtime{expires}")) == sig);
                let reply = if ok {
                    self.key = Some(key);
                    json!({"success": true, "ret_msg": "", "op": "auth", "conn_id": self.conn_id, "req_id": req_id})
                } else {
                    json!({"conn_id": self.conn_id, "op": "auth", "ret_msg": "Params Error", "success": false, "req_id": req_id})
                };
                self.send(sink, reply.to_string()).await
            }
            "subscribe" | "unsubscribe" => {
                let topics: Vec<String> = args.iter().filter_map(Value::as_str).map(str::to_owned).collect();
                let fail = |m: String| json!({"success": false, "ret_msg": m, "conn_id": self.conn_id, "req_id": req_id, "op": op});
                if self.private && self.key.is_none() {
                    return self
                        .send(sink, fail("Request not authorized".into()).to_string())
                        .await;
                }
                let known = ["order", "execution", "position", "wallet"];
                let bad = topics.iter().find(|t| {
                    if self.private {
                        !known.contains(&t.as_str())
                    } else {
                        !["kline", "publicTrade", "orderbook", "tickers"]
                            .iter()
                            .any(|k| self.wants(t, k))
                    }
                });
                if op == "subscribe" && self.state.faults.take_subscribe_failure() {
                    let topic = topics.first().cloned().unwrap_or_default();
                    return self
                        .send(
                            sink,
                            fail(format!("error:handler not found,topic:{topic}")).to_string(),
                        )
                        .await;
                }
                if let Some(bad) = bad {
                    return self
                        .send(
                            sink,
                            fail(format!("error:handler not found,topic:{bad}")).to_string(),
                        )
                        .await;
                }
                let ack = json!({"success": true, "ret_msg": "", "conn_id": self.conn_id, "req_id": req_id, "op": op});
                self.send(sink, ack.to_string()).await?;
                for t in topics {
                    if op == "unsubscribe" {
                        self.topics.remove(&t);
                        continue;
                    }
                    self.topics.insert(t.clone());
                    if t.starts_with("orderbook.") {
                        let data = self.state.book_snapshot_data();
                        let snap =
                            json!({"topic": t, "type": "snapshot", "ts": now, "data": data, "cts": now});
                        self.data(sink, snap.to_string()).await?;
                    } else if t.starts_with("tickers.") {
                        let (bid, ask, last) = self.state.top_of_book();
                        let snap = json!({"topic": t, "type": "snapshot", "ts": now, "cs": 1, "data": {
                            "symbol": self.state.symbol, "lastPrice": last, "bid1Price": bid, "ask1Price": ask, "markPrice": last}});
                        self.data(sink, snap.to_string()).await?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
