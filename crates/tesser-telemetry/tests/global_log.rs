//! `init_json_log` installs the process-wide subscriber: one test per binary.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use tesser_telemetry::{init_json_log, TelemetryError};
use tracing::level_filters::LevelFilter;

#[test]
fn init_json_log_writes_json_lines_and_installs_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs").join("live.json");
    let guard = init_json_log(&path, tracing::Level::WARN).unwrap();
    tracing::error!(venue = "bybit", "order rejected");
    tracing::warn!(gap_secs = 301, "data gap");

    let second = init_json_log(&dir.path().join("other.json"), LevelFilter::OFF);
    assert!(matches!(second, Err(TelemetryError::SubscriberInstalled)));
    drop(guard);

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0]["message"], "order rejected");
    assert_eq!(lines[0]["venue"], "bybit");
    assert_eq!(lines[0]["level"], "ERROR");
    assert_eq!(lines[1]["gap_secs"], 301);
    for line in &lines {
        for key in ["timestamp", "level", "target", "message"] {
            assert!(line.get(key).is_some(), "no `{key}` in {line}");
        }
    }
}
