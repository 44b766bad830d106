//! `data resample`: OHLCV aggregation into buckets aligned to UTC boundaries
//! (minutes/hours/days from midnight UTC, weeks from Monday, months from the
//! 1st). A bucket with fewer source bars than it spans is *partial*: it is
//! dropped or kept and marked, by [`PartialPolicy`].

use std::io::{BufWriter, Write};
use std::path::Path;

use tesser_core::{Candle, Interval, Quantity, Timestamp};

use crate::download::{io, OpError};

const DAY: i64 = 86_400_000;

/// What to do with incomplete buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartialPolicy {
    /// Leave them out.
    #[default]
    Drop,
    /// Keep them, marked `partial`.
    Mark,
}

/// One output bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resampled {
    /// The aggregated bar.
    pub candle: Candle,
    /// True when some source bars of the bucket are missing.
    pub partial: bool,
}

fn civil_from_days(z: i64) -> (i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m)
}

fn days_from_civil(y: i64, m: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `[start, end)` of the bucket of `target` holding instant `t` (ms).
#[must_use]
pub fn bucket(t: i64, target: Interval) -> (i64, i64) {
    match target.bybit_name() {
        "M" => {
            let (y, m) = civil_from_days(t.div_euclid(DAY));
            let start = days_from_civil(y, m) * DAY;
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (start, days_from_civil(ny, nm) * DAY)
        }
        "W" => {
            let monday = 4 * DAY; // 1970-01-05 was a Monday
            let w = 7 * DAY;
            let start = (t - monday).div_euclid(w) * w + monday;
            (start, start + w)
        }
        _ => {
            let step = target.millis();
            let start = t.div_euclid(step) * step;
            (start, start + step)
        }
    }
}

/// Aggregates ascending `source` bars of length `from` into `to` bars.
pub fn resample(
    source: impl IntoIterator<Item = Candle>,
    from: Interval,
    to: Interval,
    policy: PartialPolicy,
) -> Vec<Resampled> {
    let mut out = Vec::new();
    let mut cur: Option<(Candle, i64, i64, i64)> = None; // bar, bucket start, end, count
    let flush = |cur: Option<(Candle, i64, i64, i64)>, out: &mut Vec<Resampled>| {
        if let Some((c, s, e, n)) = cur {
            let partial = n < (e - s) / from.millis().max(1);
            if !partial || policy == PartialPolicy::Mark {
                out.push(Resampled { candle: c, partial });
            }
        }
    };
    for c in source {
        let (s, e) = bucket(c.open_time.as_millis(), to);
        match &mut cur {
            Some((agg, cs, _, n)) if *cs == s => {
                agg.high = agg.high.max(c.high);
                agg.low = agg.low.min(c.low);
                agg.close = c.close;
                agg.volume = agg.volume + c.volume;
                *n += 1;
            }
            _ => {
                flush(cur.take(), &mut out);
                let agg = Candle {
                    interval: to,
                    open_time: Timestamp::from_millis(s),
                    volume: Quantity::new(c.volume.get()).unwrap_or(Quantity::ZERO),
                    ..c
                };
                cur = Some((agg, s, e, 1));
            }
        }
    }
    flush(cur, &mut out);
    out
}

/// Writes resampled bars as CSV; with [`PartialPolicy::Mark`] a `partial`
/// column (`true`/`false`) is added.
///
/// # Errors
/// [`OpError::Io`] on write failure.
pub fn write_csv(path: &Path, bars: &[Resampled], policy: PartialPolicy) -> Result<(), OpError> {
    let file = std::fs::File::create(path).map_err(io(path))?;
    let mut w = BufWriter::new(file);
    let mark = policy == PartialPolicy::Mark;
    let header = if mark {
        "timestamp,open,high,low,close,volume,partial"
    } else {
        "timestamp,open,high,low,close,volume"
    };
    writeln!(w, "{header}").map_err(io(path))?;
    for r in bars {
        let c = &r.candle;
        write!(
            w,
            "{},{},{},{},{},{}",
            c.open_time, c.open, c.high, c.low, c.close, c.volume
        )
        .map_err(io(path))?;
        if mark {
            write!(w, ",{}", r.partial).map_err(io(path))?;
        }
        writeln!(w).map_err(io(path))?;
    }
    w.flush().map_err(io(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tesser_core::{Price, Symbol};

    fn bar(t: i64, o: &str, h: &str, l: &str, c: &str, v: &str) -> Candle {
        Candle {
            symbol: Symbol::new("X"),
            interval: Interval::parse("1m").unwrap(),
            open_time: Timestamp::from_millis(t),
            open: Price::parse(o).unwrap(),
            high: Price::parse(h).unwrap(),
            low: Price::parse(l).unwrap(),
            close: Price::parse(c).unwrap(),
            volume: Quantity::parse(v).unwrap(),
        }
    }

    #[test]
    fn buckets_align_to_utc() {
        let t = Timestamp::parse("2024-02-15T13:47:00Z").unwrap().as_millis();
        let iv = |s| Interval::parse(s).unwrap();
        let at = |s| Timestamp::parse(s).unwrap().as_millis();
        assert_eq!(bucket(t, iv("1h")).0, at("2024-02-15T13:00:00Z"));
        assert_eq!(bucket(t, iv("4h")).0, at("2024-02-15T12:00:00Z"));
        assert_eq!(bucket(t, iv("1d")).0, at("2024-02-15T00:00:00Z"));
        assert_eq!(bucket(t, iv("1w")).0, at("2024-02-12T00:00:00Z")); // Monday
        assert_eq!(
            bucket(t, iv("1M")),
            (at("2024-02-01T00:00:00Z"), at("2024-03-01T00:00:00Z"))
        );
    }

    #[test]
    fn aggregates_and_marks_partials() {
        let m = 60_000;
        let src = vec![
            bar(0, "10", "12", "9", "11", "1"),
            bar(m, "11", "15", "10", "14", "2"),
            bar(2 * m, "14", "14", "8", "9", "3"),
            bar(5 * m, "9", "9", "9", "9", "1"), // next 5m bucket: partial (1 of 5)
        ];
        let from = Interval::parse("1m").unwrap();
        let to = Interval::parse("3m").unwrap();
        let kept = resample(src.clone(), from, to, PartialPolicy::Mark);
        assert_eq!(kept.len(), 2);
        let b = kept[0].candle;
        assert_eq!(
            (
                b.open.to_string(),
                b.high.to_string(),
                b.low.to_string(),
                b.close.to_string()
            ),
            ("10".into(), "15".into(), "8".into(), "9".into())
        );
        assert_eq!(b.volume.to_string(), "6");
        assert!(!kept[0].partial && kept[1].partial);
        assert_eq!(resample(src, from, to, PartialPolicy::Drop).len(), 1);
    }
}
