use std::fs;

use serde_json::Value;
use tracing::level_filters::LevelFilter;

use super::*;

fn read_lines(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

#[test]
fn events_become_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logs/nested/live.json");
    let (subscriber, guard) = build_subscriber(&path, LevelFilter::OFF, parse_filter(None).unwrap()).unwrap();
    assert_eq!(guard.path(), path);
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(symbol = "BTCUSDT", qty = 0.5, "order submitted");
        let span = tracing::info_span!("session", venue = "bybit");
        let _entered = span.enter();
        tracing::warn!(code = 10006_u64, "rate limited");
        tracing::debug!("below the default level");
        tracing::error!("multi\nline \"quoted\"");
    });
    drop(guard);

    let lines = read_lines(&path);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let first = &lines[0];
    assert_eq!(first["level"], "INFO");
    assert_eq!(first["message"], "order submitted");
    assert_eq!(first["symbol"], "BTCUSDT");
    assert_eq!(first["qty"], 0.5);
    assert_eq!(first["target"], module_path!());
    let ts = first["timestamp"].as_str().unwrap();
    assert!(tesser_core::Timestamp::parse(ts).is_ok(), "{ts}");

    assert_eq!(lines[1]["level"], "WARN");
    assert_eq!(lines[1]["code"], 10006);
    assert_eq!(lines[1]["span"]["name"], "session");
    assert_eq!(lines[1]["span"]["venue"], "bybit");
    assert_eq!(lines[2]["message"], "multi\nline \"quoted\"");
}

#[test]
fn an_existing_file_is_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.json");
    fs::write(&path, "{\"earlier\":true}\n").unwrap();
    for run in 0..2 {
        let (subscriber, guard) =
            build_subscriber(&path, LevelFilter::OFF, parse_filter(None).unwrap()).unwrap();
        tracing::subscriber::with_default(subscriber, || tracing::info!(run, "started"));
        drop(guard);
    }
    let lines = read_lines(&path);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["earlier"], true);
    assert_eq!(lines[1]["run"], 0);
    assert_eq!(lines[2]["run"], 1);
}

#[test]
fn many_lines_from_many_threads_all_arrive_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.json");
    let (subscriber, guard) = build_subscriber(&path, LevelFilter::OFF, parse_filter(None).unwrap()).unwrap();
    let dispatch = tracing::Dispatch::new(subscriber);
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let dispatch = dispatch.clone();
            scope.spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || {
                    for i in 0..5_000 {
                        tracing::info!(thread, i, "tick");
                    }
                });
            });
        }
    });
    drop(guard);
    let lines = read_lines(&path);
    assert_eq!(lines.len(), 20_000);
    for thread in 0..4 {
        let seen: Vec<i64> = lines
            .iter()
            .filter(|l| l["thread"] == thread)
            .map(|l| l["i"].as_i64().unwrap())
            .collect();
        assert_eq!(
            seen,
            (0..5_000).collect::<Vec<_>>(),
            "thread {thread} out of order or incomplete"
        );
    }
}

#[test]
fn rust_log_targets_filter_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.json");
    let filter = parse_filter(Some("warn, tesser_bybit=debug,")).unwrap();
    let (subscriber, guard) = build_subscriber(&path, LevelFilter::OFF, filter).unwrap();
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: "tesser_live", "dropped");
        tracing::warn!(target: "tesser_live", "kept warn");
        tracing::debug!(target: "tesser_bybit::ws", "kept debug");
        tracing::trace!(target: "tesser_bybit::ws", "dropped trace");
    });
    drop(guard);
    let messages: Vec<Value> = read_lines(&path)
        .into_iter()
        .map(|l| l["message"].clone())
        .collect();
    assert_eq!(messages, ["kept warn", "kept debug"]);
}

#[test]
fn blank_rust_log_means_info_and_garbage_is_an_error() {
    for blank in [None, Some(""), Some(" , ")] {
        let filter = parse_filter(blank).unwrap();
        assert_eq!(filter.to_string(), "info", "{blank:?}");
    }
    let err = parse_filter(Some("tesser=loud")).unwrap_err();
    assert!(
        matches!(err, TelemetryError::LogFilter { ref value, .. } if value == "tesser=loud"),
        "{err}"
    );
    assert!(err.to_string().contains("RUST_LOG=`tesser=loud`"), "{err}");
}

#[test]
fn an_unopenable_path_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    fs::write(&blocker, "").unwrap();
    let path = blocker.join("live.json");
    let Err(err) = build_subscriber(&path, LevelFilter::OFF, parse_filter(None).unwrap()) else {
        panic!("a file used as a directory must fail");
    };
    assert!(
        matches!(err, TelemetryError::LogFile { path: ref p, .. } if *p == path),
        "{err}"
    );
    assert!(err.to_string().contains("live.json"), "{err}");
}
