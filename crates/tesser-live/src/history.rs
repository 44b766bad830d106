//! Candles fetched over REST at start-up: the warm-up window that rebuilds the
//! strategy's indicators, and the bars missed while the process was down.

use tesser_bybit::{BybitError, BybitHttpClient};
use tesser_core::{Candle, Interval, Symbol, Timestamp};

/// Largest page `GET /v5/market/kline` returns.
const PAGE: usize = 1000;

/// The last `count` closed candles of `symbol` with `open_time <= until`,
/// oldest first (paging backwards from `until`).
///
/// # Errors
/// Transport, API or decode failures.
pub(crate) async fn closed_until(
    client: &BybitHttpClient,
    symbol: Symbol,
    interval: Interval,
    until: Timestamp,
    count: usize,
    now: Timestamp,
) -> Result<Vec<Candle>, BybitError> {
    let step = interval.millis();
    let mut out: Vec<Candle> = Vec::new();
    let mut end = until;
    while out.len() < count {
        let want = (count - out.len()).min(PAGE);
        let page = client
            .kline_page(symbol, interval, Timestamp::from_millis(0), end, want)
            .await?;
        // The still-forming bar is not history yet.
        let older: Vec<Candle> = page
            .into_iter()
            .filter(|c| c.open_time <= end && c.open_time.as_millis() + step <= now.as_millis())
            .filter(|c| out.first().is_none_or(|first| c.open_time < first.open_time))
            .collect();
        let Some(first) = older.first() else { break };
        end = first.open_time.plus_millis(-1);
        let mut merged = older;
        merged.append(&mut out);
        out = merged;
    }
    let excess = out.len().saturating_sub(count);
    out.drain(..excess);
    Ok(out)
}

/// Closed candles of `symbol` opened after `after`, oldest first.
///
/// # Errors
/// Transport, API or decode failures.
pub(crate) async fn closed_after(
    client: &BybitHttpClient,
    symbol: Symbol,
    interval: Interval,
    after: Timestamp,
    now: Timestamp,
) -> Result<Vec<Candle>, BybitError> {
    let start = after.plus_millis(interval.millis());
    if start >= now {
        return Ok(Vec::new());
    }
    client
        .closed_klines(symbol, interval, start, now.plus_millis(1), usize::MAX)
        .await
}

/// Candles of several symbols in time order (ties keep the symbols' order).
pub(crate) fn merge_by_time(per_symbol: Vec<Vec<Candle>>) -> Vec<Candle> {
    let mut all: Vec<(usize, Candle)> = per_symbol
        .into_iter()
        .enumerate()
        .flat_map(|(i, v)| v.into_iter().map(move |c| (i, c)))
        .collect();
    all.sort_by_key(|(i, c)| (c.open_time, *i));
    all.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::{Decimal, Price};

    fn bar(symbol: &str, t: i64) -> Candle {
        let p = Price::new(Decimal::ONE).unwrap();
        Candle::flat(Symbol::new(symbol), Interval::M1, Timestamp::from_millis(t), p)
    }

    #[test]
    fn merge_orders_by_time_then_symbol() {
        let a = vec![bar("A", 1), bar("A", 3)];
        let b = vec![bar("B", 1), bar("B", 2)];
        let merged: Vec<(String, i64)> = merge_by_time(vec![a, b])
            .iter()
            .map(|c| (c.symbol.to_string(), c.open_time.as_millis()))
            .collect();
        assert_eq!(
            merged,
            [("A", 1), ("B", 1), ("B", 2), ("A", 3)].map(|(s, t)| (s.to_owned(), t))
        );
    }
}
