//! Tests of download (against an in-memory venue), validate and resample.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use tesser_broker::{BrokerFuture, HistoricalData};
use tesser_core::{Candle, Interval, Price, Quantity, Symbol, Timestamp};

use crate::download::{download, DownloadRequest};
use crate::validate::{validate_csv, IssueKind, ValidateOptions};

/// Polls a future whose inner futures are always ready.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

struct Venue {
    bars: Vec<Candle>,
    calls: std::sync::atomic::AtomicU64,
}

impl HistoricalData for Venue {
    fn candles(
        &self,
        _: Symbol,
        _: Interval,
        start: Timestamp,
        end: Timestamp,
        limit: usize,
    ) -> BrokerFuture<'_, Vec<Candle>> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out: Vec<Candle> = self
            .bars
            .iter()
            .filter(|c| c.open_time >= start && c.open_time < end)
            .take(limit)
            .copied()
            .collect();
        Box::pin(async move { Ok(out) })
    }
}

fn venue(n: i64, hole: std::ops::Range<i64>) -> Venue {
    let p = |x: i64| Price::new(tesser_core::Decimal::from(100 + x % 7)).unwrap();
    let bars = (0..n)
        .filter(|i| !hole.contains(i))
        .map(|i| Candle {
            symbol: Symbol::new("BTCUSDT"),
            interval: Interval::parse("1m").unwrap(),
            open_time: Timestamp::from_millis(1_704_067_200_000 + i * 60_000),
            open: p(i),
            high: p(i).scaled(tesser_core::Decimal::new(11, 1)),
            low: p(i).scaled(tesser_core::Decimal::new(9, 1)),
            close: p(i),
            volume: Quantity::parse("1.5").unwrap(),
        })
        .collect();
    Venue {
        bars,
        calls: Default::default(),
    }
}

#[test]
fn download_pages_resumes_and_validates() {
    let v = venue(2_500, 1_200..1_203);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("btc.csv");
    let start = Timestamp::from_millis(1_704_067_200_000);
    let mut req = DownloadRequest {
        symbol: Symbol::new("BTCUSDT"),
        interval: Interval::parse("1m").unwrap(),
        start,
        end: start.plus_millis(1_000 * 60_000),
        path: path.clone(),
        page: 1000,
        progress: false,
    };
    let first = block_on(download(&v, &req)).unwrap();
    assert_eq!(first.written, 1_000);
    req.end = start.plus_millis(2_500 * 60_000);
    let second = block_on(download(&v, &req)).unwrap();
    assert_eq!(second.resumed_after, Some(start.plus_millis(999 * 60_000)));
    assert_eq!(second.written, 1_497);
    assert_eq!(second.venue_gaps.len(), 1, "the venue's hole is reported");
    let rep = validate_csv(&path, &ValidateOptions::default()).unwrap();
    assert_eq!(rep.rows, 2_497);
    assert_eq!(rep.counts.get(&IssueKind::Gap), Some(&1));
    assert_eq!(rep.missing_bars, 3);
    assert_eq!(rep.counts.get(&IssueKind::Duplicate), None);
}

#[test]
fn validate_finds_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let rows = [
        "timestamp,open,high,low,close,volume",
        "2024-01-01T00:00:00Z,100,101,99,100,1",
        "2024-01-01T00:01:00Z,100,101,99,100,1",
        "2024-01-01T00:01:00Z,100,101,99,100,1",   // duplicate
        "2024-01-01T00:00:30Z,100,101,99,100,1",   // out of order
        "2024-01-01T00:05:00Z,100,101,99,100,1",   // gap
        "2024-01-01T00:06:00Z,100,99,101,100,1",   // OHLC
        "2024-01-01T00:07:00Z,0,101,0,100,1",      // zero price (+OHLC)
        "2024-01-01T00:08:00Z,NaN,101,99,100,1",   // non-finite
        "2024-01-01T00:09:00Z,200,201,199,200,1",  // jump
        "2024-01-01T00:10:00Z,abc,201,199,200,1",  // unparsable
        "2024-01-01T00:11:00Z,200,201,199,200,-1", // negative volume
    ];
    std::fs::write(&path, rows.join("\n")).unwrap();
    let rep = validate_csv(&path, &ValidateOptions::default()).unwrap();
    for k in [
        IssueKind::Duplicate,
        IssueKind::OutOfOrder,
        IssueKind::Gap,
        IssueKind::OhlcViolation,
        IssueKind::NonPositivePrice,
        IssueKind::NonFinite,
        IssueKind::SuspiciousJump,
        IssueKind::Unparsable,
        IssueKind::NegativeVolume,
    ] {
        assert!(
            rep.counts.get(&k).copied().unwrap_or(0) >= 1,
            "{k:?} not found:\n{rep}"
        );
    }
    assert!(!rep.is_valid());
    assert!(rep.to_string().contains("line 4"), "{rep}");
}
