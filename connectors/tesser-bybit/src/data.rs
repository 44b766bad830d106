//! `HistoricalData` over the REST kline endpoint.

use tesser_broker::{BrokerError, BrokerFuture, HistoricalData};
use tesser_core::{Candle, Interval, Symbol, Timestamp};

use crate::http::BybitHttpClient;

/// Historical candles from Bybit (closed candles only, ascending).
#[derive(Debug, Clone)]
pub struct BybitHistorical {
    client: BybitHttpClient,
}

impl BybitHistorical {
    /// Wraps a REST client.
    #[must_use]
    pub fn new(client: BybitHttpClient) -> Self {
        Self { client }
    }
}

impl HistoricalData for BybitHistorical {
    fn candles(
        &self,
        symbol: Symbol,
        interval: Interval,
        start: Timestamp,
        end: Timestamp,
        limit: usize,
    ) -> BrokerFuture<'_, Vec<Candle>> {
        Box::pin(async move {
            self.client
                .closed_klines(symbol, interval, start, end, limit)
                .await
                .map_err(BrokerError::from)
        })
    }
}
