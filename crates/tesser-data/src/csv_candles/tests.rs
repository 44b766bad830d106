use super::*;
use std::io::Write;

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn read(text: &str) -> Result<Vec<Candle>, DataError> {
    let f = file(text);
    CandleCsvReader::open(f.path(), Symbol::new("BTC"), Interval::D1)?.collect()
}

fn err(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

const HEAD: &str = "timestamp,open,high,low,close,volume\n";

#[test]
fn reads_rfc3339_and_millis_with_extra_columns() {
    let got = read(
        "Symbol,Timestamp,Open,High,Low,Close,Volume,turnover\n\
         ETH,2020-01-01T00:00:00Z,1,2,0.5,1.5,10,1\n\
         ETH,1577923200000,1.5,2,1,1.75,0,1\n",
    )
    .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].symbol.as_str(), "ETH");
    assert_eq!(got[1].open_time.to_string(), "2020-01-02T00:00:00Z");
    assert_eq!(got[1].close.to_string(), "1.75");
}

#[test]
fn malformed_row_names_file_and_line() {
    let text = format!("{HEAD}2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-02T00:00:00Z,1,x,0.5,1.5,10\n");
    let msg = err(&text);
    assert!(msg.contains(":3: high: `x` is not a valid price"), "{msg}");
}

#[test]
fn unordered_and_duplicate_timestamps_are_errors() {
    let msg = err(&format!(
        "{HEAD}2020-01-02T00:00:00Z,1,1,1,1,1\n2020-01-01T00:00:00Z,1,1,1,1,1\n"
    ));
    assert!(msg.contains(":3: out-of-order timestamp"), "{msg}");
    let msg = err(&format!(
        "{HEAD}2020-01-02T00:00:00Z,1,1,1,1,1\n2020-01-02T00:00:00Z,1,1,1,1,1\n"
    ));
    assert!(msg.contains(":3: duplicate timestamp"), "{msg}");
}

#[test]
fn ohlc_violation_and_negative_values() {
    assert!(err(&format!("{HEAD}2020-01-01T00:00:00Z,1,2,1.5,1.2,1\n")).contains(":2: OHLC out of order"));
    assert!(err(&format!("{HEAD}2020-01-01T00:00:00Z,1,2,1,1.2,-1\n"))
        .contains(":2: volume: quantity must not be negative"));
    assert!(err(&format!("{HEAD}2020-01-01,1,2,1,1.2,1\n")).contains(":2: timestamp"));
    assert!(err(&format!("{HEAD}2020-01-01T00:00:00Z,1,2,1\n")).contains(":2:"));
}

#[test]
fn missing_column_is_named() {
    assert!(err("timestamp,open,high,low,close\n").contains("no `volume` column"));
}

#[test]
fn detects_interval_despite_holes() {
    let f = file(&format!(
        "{HEAD}2020-01-01T00:00:00Z,1,1,1,1,1\n2020-01-05T00:00:00Z,1,1,1,1,1\n2020-01-06T00:00:00Z,1,1,1,1,1\n"
    ));
    assert_eq!(detect_interval(f.path()).unwrap(), Interval::D1);
    let f = file(&format!(
        "{HEAD}2020-01-01T00:00:00Z,1,1,1,1,1\n2020-01-01T00:00:07Z,1,1,1,1,1\n"
    ));
    assert!(detect_interval(f.path())
        .unwrap_err()
        .to_string()
        .contains("7000 ms"));
}
