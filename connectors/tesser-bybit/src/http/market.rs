//! Public market endpoints (no signature).

use tesser_core::{BookUpdate, Candle, Interval, Symbol, Timestamp, Trade};

use super::client::{BybitHttpClient, Method};
use super::error::BybitError;
use super::models::{BybitInstruments, BybitKlines, BybitOrderbook, BybitRecentTrades, BybitTickers};
use super::parse;
use super::query::Query;
use crate::common::consts::KLINE_PAGE_LIMIT;
use crate::common::urls;
use crate::types::{Instrument, Ticker};

impl BybitHttpClient {
    fn category(&self) -> &'static str {
        self.config().category.as_str()
    }

    /// `GET /v5/market/instruments-info`, following `nextPageCursor`.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn instruments(&self, symbol: Option<Symbol>) -> Result<Vec<Instrument>, BybitError> {
        let mut out = Vec::new();
        let mut cursor = String::new();
        loop {
            let mut q = Query::new()
                .push("category", self.category())
                .opt("symbol", symbol.map(|s| s.as_str()));
            if !cursor.is_empty() {
                q = q.raw("cursor", &cursor);
            }
            let page: BybitInstruments = self.call(Method::Get, urls::INSTRUMENTS, &q, None, false).await?;
            for w in &page.list {
                out.push(parse::instrument(w)?);
            }
            if page.next_page_cursor.is_empty() || page.list.is_empty() {
                return Ok(out);
            }
            cursor = page.next_page_cursor;
        }
    }

    /// One `GET /v5/market/kline` page with inclusive `start..=end` bounds,
    /// returned oldest first (the wire is newest first). May include the
    /// still-forming candle.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn kline_page(
        &self,
        symbol: Symbol,
        interval: Interval,
        start: Timestamp,
        end: Timestamp,
        limit: usize,
    ) -> Result<Vec<Candle>, BybitError> {
        let q = Query::new()
            .push("category", self.category())
            .push("symbol", symbol.as_str())
            .push("interval", interval.bybit_name())
            .push("start", start.as_millis().to_string())
            .push("end", end.as_millis().to_string())
            .push("limit", limit.clamp(1, KLINE_PAGE_LIMIT).to_string());
        let page: BybitKlines = self.call(Method::Get, urls::KLINE, &q, None, false).await?;
        let mut out = page
            .list
            .iter()
            .map(|row| parse::kline_row(symbol, interval, row))
            .collect::<Result<Vec<_>, _>>()?;
        out.reverse();
        Ok(out)
    }

    /// Closed candles with `start <= open_time < end`, ascending, without
    /// duplicates, at most `limit`; pages of 1000 with both bounds sent.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn closed_klines(
        &self,
        symbol: Symbol,
        interval: Interval,
        start: Timestamp,
        end: Timestamp,
        limit: usize,
    ) -> Result<Vec<Candle>, BybitError> {
        let step = interval.millis();
        let now = self.now().as_millis();
        let mut out: Vec<Candle> = Vec::new();
        let mut cursor = start.as_millis();
        let page_span = step.saturating_mul(KLINE_PAGE_LIMIT as i64);
        while cursor < end.as_millis() && out.len() < limit {
            let page_end = cursor.saturating_add(page_span - 1).min(end.as_millis() - 1);
            let page = self
                .kline_page(
                    symbol,
                    interval,
                    Timestamp::from_millis(cursor),
                    Timestamp::from_millis(page_end),
                    KLINE_PAGE_LIMIT,
                )
                .await?;
            for c in page {
                let t = c.open_time.as_millis();
                let fresh = out.last().is_none_or(|l| l.open_time.as_millis() < t);
                if t >= start.as_millis() && t < end.as_millis() && t + step <= now && fresh {
                    out.push(c);
                }
            }
            cursor = page_end + 1;
        }
        out.truncate(limit);
        Ok(out)
    }

    /// `GET /v5/market/tickers`.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn tickers(&self, symbol: Option<Symbol>) -> Result<Vec<Ticker>, BybitError> {
        let q = Query::new()
            .push("category", self.category())
            .opt("symbol", symbol.map(|s| s.as_str()));
        let t: BybitTickers = self.call(Method::Get, urls::TICKERS, &q, None, false).await?;
        t.list.iter().map(parse::ticker).collect()
    }

    /// `GET /v5/market/orderbook` as a snapshot update.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn orderbook(&self, symbol: Symbol, limit: usize) -> Result<BookUpdate, BybitError> {
        let q = Query::new()
            .push("category", self.category())
            .push("symbol", symbol.as_str())
            .push("limit", limit.to_string());
        let b: BybitOrderbook = self.call(Method::Get, urls::ORDERBOOK, &q, None, false).await?;
        parse::orderbook(&b)
    }

    /// `GET /v5/market/recent-trade`, oldest first.
    ///
    /// # Errors
    /// Transport, API or decode failures.
    pub async fn recent_trades(&self, symbol: Symbol, limit: usize) -> Result<Vec<Trade>, BybitError> {
        let q = Query::new()
            .push("category", self.category())
            .push("symbol", symbol.as_str())
            .push("limit", limit.to_string());
        let t: BybitRecentTrades = self
            .call(Method::Get, urls::RECENT_TRADE, &q, None, false)
            .await?;
        let mut out = t
            .list
            .iter()
            .map(parse::recent_trade)
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|t| t.ts);
        Ok(out)
    }
}
