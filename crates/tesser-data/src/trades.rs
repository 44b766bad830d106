//! Public-trade replay: Bybit v5 `publicTrade.{symbol}` frames stored one JSON
//! object per line (JSONL, exactly as pushed on the public WebSocket). Each
//! frame holds one or more prints; every print becomes a core [`Trade`] stamped
//! with its trade time `T`. Prints must not go back in time.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tesser_core::{Price, Quantity, Side, Symbol, Timestamp, Trade};

use crate::error::Fused;
use crate::DataError;

/// One `publicTrade.*` push.
/// See <https://bybit-exchange.github.io/docs/v5/websocket/public/trade>.
#[derive(Debug, Deserialize)]
struct BybitTradeFrame {
    topic: String,
    data: Vec<BybitTrade>,
}

#[derive(Debug, Deserialize)]
struct BybitTrade {
    #[serde(rename = "T")]
    time: i64,
    s: String,
    #[serde(rename = "S")]
    side: BybitSide,
    v: String,
    p: String,
}

#[derive(Debug, Clone, Copy, Deserialize)]
enum BybitSide {
    Buy,
    Sell,
}

/// Streams [`Trade`]s from a Bybit v5 publicTrade JSONL file.
#[derive(Debug)]
pub struct TradeJsonlReader<R> {
    path: PathBuf,
    reader: R,
    symbol: Option<Symbol>,
    line: u64,
    buf: String,
    pending: VecDeque<Trade>,
    last: Option<Timestamp>,
    failed: bool,
}

impl TradeJsonlReader<BufReader<File>> {
    /// Opens `path`. With `symbol`, prints carry that symbol instead of the
    /// frame's `s`.
    ///
    /// # Errors
    /// [`DataError::Io`] when the file cannot be opened.
    pub fn open(path: &Path, symbol: Option<Symbol>) -> Result<Self, DataError> {
        let file = File::open(path).map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self::from_reader(BufReader::new(file), path, symbol))
    }
}

impl<R: BufRead> TradeJsonlReader<R> {
    /// Reads frames from `reader`; `path` names the source in errors.
    pub fn from_reader(reader: R, path: &Path, symbol: Option<Symbol>) -> Self {
        Self {
            path: path.to_owned(),
            reader,
            symbol,
            line: 0,
            buf: String::new(),
            pending: VecDeque::new(),
            last: None,
            failed: false,
        }
    }

    fn row_err(&self, message: String) -> DataError {
        DataError::Row {
            path: self.path.clone(),
            line: self.line,
            message,
        }
    }

    fn parse(&mut self, text: &str) -> Result<(), DataError> {
        let frame: BybitTradeFrame =
            serde_json::from_str(text).map_err(|e| self.row_err(format!("not a publicTrade frame: {e}")))?;
        if !frame.topic.starts_with("publicTrade.") {
            return Err(self.row_err(format!("topic `{}` is not a publicTrade topic", frame.topic)));
        }
        for t in frame.data {
            let ts = Timestamp::from_millis(t.time);
            if self.last.is_some_and(|last| ts < last) {
                return Err(self.row_err(format!("trade at {ts} is older than the previous one")));
            }
            self.last = Some(ts);
            let price = Price::parse(&t.p).map_err(|e| self.row_err(format!("p: {e}")))?;
            let qty = Quantity::parse(&t.v).map_err(|e| self.row_err(format!("v: {e}")))?;
            let taker_side = match t.side {
                BybitSide::Buy => Side::Buy,
                BybitSide::Sell => Side::Sell,
            };
            let symbol = self.symbol.unwrap_or_else(|| Symbol::new(&t.s));
            self.pending.push_back(Trade {
                symbol,
                ts,
                price,
                qty,
                taker_side,
            });
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for TradeJsonlReader<R> {
    type Item = Result<Trade, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_fused()
    }
}

impl<R: BufRead> Fused for TradeJsonlReader<R> {
    type Item = Trade;

    fn failed(&mut self) -> &mut bool {
        &mut self.failed
    }

    fn step(&mut self) -> Result<Option<Trade>, DataError> {
        loop {
            if let Some(t) = self.pending.pop_front() {
                return Ok(Some(t));
            }
            self.buf.clear();
            let n = self
                .reader
                .read_line(&mut self.buf)
                .map_err(|e| self.row_err(e.to_string()))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let text = std::mem::take(&mut self.buf);
            if !text.trim().is_empty() {
                self.parse(text.trim())?;
            }
            self.buf = text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: &str = r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950","BT":false},{"T":1672304486866,"s":"BTCUSDT","S":"Sell","v":"0.5","p":"16578.00","L":"MinusTick","i":"20f43951","BT":false}]}"#;

    fn read(text: &str, symbol: Option<Symbol>) -> Result<Vec<Trade>, DataError> {
        TradeJsonlReader::from_reader(text.as_bytes(), Path::new("t.jsonl"), symbol).collect()
    }

    #[test]
    fn reads_every_print_of_every_frame() {
        let trades = read(
            &format!("{FRAME}\n\n{FRAME}\n").replace("1672304486866", "1672304486865"),
            None,
        )
        .unwrap();
        assert_eq!(trades.len(), 4);
        assert_eq!(trades[0].symbol.as_str(), "BTCUSDT");
        assert_eq!(trades[1].taker_side, Side::Sell);
        assert_eq!(trades[1].price.to_string(), "16578");
        assert_eq!(trades[1].qty.to_string(), "0.5");
        let renamed = read(FRAME, Some(Symbol::new("BTCUSD"))).unwrap();
        assert_eq!(renamed[0].symbol.as_str(), "BTCUSD");
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let err = read(&format!("{FRAME}\nnot json\n"), None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("t.jsonl:2: not a publicTrade frame"), "{err}");
        let err = read(&FRAME.replace("\"S\":\"Buy\"", "\"S\":\"Hold\""), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("t.jsonl:1"), "{err}");
        let older = format!("{FRAME}\n{}", FRAME.replace("16724", "16723"));
        assert!(read(&older, None)
            .unwrap_err()
            .to_string()
            .contains("t.jsonl:2: trade at"));
        let err = read(&FRAME.replace("publicTrade.", "orderbook.1."), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a publicTrade topic"), "{err}");
    }
}
