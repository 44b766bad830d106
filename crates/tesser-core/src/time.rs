//! One UTC timestamp type for the whole workspace: milliseconds since the Unix
//! epoch. Parsing accepts RFC 3339 text or integer epoch milliseconds.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a timestamp could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an RFC 3339 timestamp or integer epoch milliseconds")]
pub struct TimestampError {
    /// The rejected text.
    pub text: String,
}

/// A UTC instant with millisecond resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

impl Serialize for Timestamp {
    /// Serialises as RFC 3339 text (`"2015-02-04T00:00:00Z"`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// Accepts RFC 3339 text, millisecond text, or an integer of milliseconds.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Millis(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Millis(ms) => Ok(Self(ms)),
            Raw::Text(t) => Self::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

impl Timestamp {
    /// Builds a timestamp from epoch milliseconds.
    #[must_use]
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    /// Epoch milliseconds.
    #[must_use]
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// This instant plus `ms` milliseconds (saturating).
    #[must_use]
    pub const fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// Parses RFC 3339 (`2024-01-02T03:04:05Z`, offsets allowed) or integer
    /// epoch milliseconds (`1704164645000`).
    ///
    /// # Errors
    /// [`TimestampError`] naming the text when it is neither.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let t = text.trim();
        let bytes = t.as_bytes();
        if !bytes.is_empty()
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || (i == 0 && *b == b'-'))
        {
            return t.parse::<i64>().map(Self).map_err(|_| TimestampError {
                text: text.to_owned(),
            });
        }
        if let Some(ms) = fast_utc(bytes) {
            return Ok(Self(ms));
        }
        DateTime::parse_from_rfc3339(t)
            .map(|d| Self(d.timestamp_millis()))
            .map_err(|_| TimestampError {
                text: text.to_owned(),
            })
    }

    /// [`Self::parse`] on raw bytes (a CSV field); the common
    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z` shape is read without UTF-8 validation.
    ///
    /// # Errors
    /// As [`Self::parse`].
    pub fn parse_ascii(bytes: &[u8]) -> Result<Self, TimestampError> {
        if let Some(ms) = fast_utc(bytes) {
            return Ok(Self(ms));
        }
        if !bytes.is_empty() && bytes.len() <= 18 && bytes.iter().all(u8::is_ascii_digit) {
            return Ok(Self(
                bytes.iter().fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')),
            ));
        }
        Self::parse(&String::from_utf8_lossy(bytes))
    }

    /// The instant as a chrono UTC date-time (`None` outside chrono's range).
    #[must_use]
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::<Utc>::from_timestamp_millis(self.0)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Fast path for the common `YYYY-MM-DDTHH:MM:SS[.fff]Z` shape; anything
/// else (offsets, odd precision) falls back to chrono.
fn fast_utc(b: &[u8]) -> Option<i64> {
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let month_len = match mo {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d < 1 || d > month_len {
        return None;
    }
    let frac = match b.len() {
        20 => 0,
        24 if b[19] == b'.' => num(20..23)?,
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Some(secs * 1000 + frac)
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Inverse of [`days_from_civil`]: (year, month, day) of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with a `Z`, milliseconds only when non-zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1000);
        let ms = self.0.rem_euclid(1000);
        let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
        if !(0..=9999).contains(&y) {
            return match self.to_datetime() {
                Some(dt) => f.write_str(&dt.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
                None => write!(f, "{}", self.0),
            };
        }
        let sod = secs.rem_euclid(86_400);
        let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
        // Digits written by hand: this runs once per row of every report.
        let mut buf = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                buf[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, mo);
        put(8, 2, d);
        put(11, 2, h);
        put(14, 2, mi);
        put(17, 2, s);
        let text = if ms == 0 {
            buf[19] = b'Z';
            &buf[..20]
        } else {
            put(20, 3, ms);
            &buf[..]
        };
        f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_and_millis() {
        let a = Timestamp::parse("2015-02-04T00:00:00Z").unwrap();
        assert_eq!(a.as_millis(), 1_423_008_000_000);
        assert_eq!(Timestamp::parse("1423008000000").unwrap(), a);
        assert_eq!(Timestamp::parse("2015-02-04T01:00:00+01:00").unwrap(), a);
        assert_eq!(a.to_string(), "2015-02-04T00:00:00Z");
        assert_eq!(
            Timestamp::parse("2015-02-04T00:00:00.250Z").unwrap().to_string(),
            "2015-02-04T00:00:00.250Z"
        );
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2019-03-19T00:00:00Z",
            "2024-12-31T12:34:56.789Z",
            "1969-07-20T20:17:00Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis();
            assert_eq!(fast_utc(text.as_bytes()), Some(chrono), "{text}");
        }
    }

    #[test]
    fn display_agrees_with_chrono() {
        for ms in [
            0,
            1,
            951_782_399_000,
            1_423_008_000_250,
            -14_182_940_000,
            253_402_300_799_999,
            86_399_999,
        ] {
            let t = Timestamp::from_millis(ms);
            let want = t
                .to_datetime()
                .unwrap()
                .to_rfc3339_opts(SecondsFormat::AutoSi, true);
            assert_eq!(t.to_string(), want, "{ms}");
            assert_eq!(Timestamp::parse(&want).unwrap(), t);
        }
    }

    #[test]
    fn parse_ascii_agrees_with_parse() {
        for text in [
            "1423008000000",
            "2015-02-04T00:00:00Z",
            "2015-02-04T01:00:00+01:00",
            "-5",
            "0",
        ] {
            assert_eq!(
                Timestamp::parse_ascii(text.as_bytes()),
                Timestamp::parse(text),
                "{text}"
            );
        }
        assert!(Timestamp::parse_ascii(b"12a").is_err());
    }

    #[test]
    fn rejects_garbage() {
        for text in [
            "",
            "yesterday",
            "2015-02-30T00:00:00Z",
            "2015-13-01T00:00:00Z",
            "12a",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
    }
}
