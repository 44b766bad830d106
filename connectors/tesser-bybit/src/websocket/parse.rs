//! WebSocket wire types to core types.

use tesser_core::{BookUpdate, BookUpdateKind, Candle, Interval, Symbol, Timestamp, Trade};

use super::messages::{BybitWsBook, BybitWsKline, BybitWsTrade};
use crate::common::parse as p;
use crate::http::parse::levels;
use crate::http::BybitError;

pub(crate) fn kline(symbol: Symbol, k: &BybitWsKline) -> Result<Candle, BybitError> {
    let interval = Interval::parse(&k.interval).map_err(|e| BybitError::decode("kline interval", e))?;
    Ok(Candle {
        symbol,
        interval,
        open_time: Timestamp::from_millis(k.start),
        open: p::price("open", &k.open)?,
        high: p::price("high", &k.high)?,
        low: p::price("low", &k.low)?,
        close: p::price("close", &k.close)?,
        volume: p::qty("volume", &k.volume)?,
    })
}

pub(crate) fn trade(t: &BybitWsTrade) -> Result<Trade, BybitError> {
    Ok(Trade {
        symbol: Symbol::new(&t.s),
        ts: Timestamp::from_millis(t.time),
        price: p::price("p", &t.p)?,
        qty: p::qty("v", &t.v)?,
        taker_side: t.side.into(),
    })
}

pub(crate) fn book(b: &BybitWsBook, kind: BookUpdateKind, ts: i64) -> Result<BookUpdate, BybitError> {
    Ok(BookUpdate {
        symbol: Symbol::new(&b.s),
        ts: Timestamp::from_millis(ts),
        kind,
        update_id: b.u,
        bids: levels(&b.b)?,
        asks: levels(&b.a)?,
    })
}
