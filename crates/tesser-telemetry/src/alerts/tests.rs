use super::*;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + secs * 1000)
}

fn config(max_gap_secs: u64, max_failures: u32, drawdown: Option<f64>) -> AlertConfig {
    AlertConfig {
        webhook_url: String::new(),
        max_data_gap: Duration::from_secs(max_gap_secs),
        max_order_failures: max_failures,
        drawdown_limit: drawdown,
    }
}

fn alerter(cfg: AlertConfig) -> (Alerter, Metrics) {
    let metrics = Metrics::new();
    (Alerter::new(cfg, metrics.clone()).unwrap(), metrics)
}

#[test]
fn data_gap_fires_once_per_gap_and_rearms_when_data_resumes() {
    let (mut a, metrics) = alerter(config(60, 3, None));
    assert_eq!(
        a.check_data_gap(at(1_000)),
        None,
        "no event yet, no gap to measure"
    );

    a.on_market_event(at(0));
    assert_eq!(a.check_data_gap(at(30)), None);
    assert_eq!(a.check_data_gap(at(60)), None, "exactly the limit is tolerated");
    let alert = a.check_data_gap(at(61)).unwrap();
    assert_eq!(
        (alert.kind, alert.severity, alert.ts),
        (AlertKind::DataGap, Severity::Warning, at(61))
    );
    assert!(alert.message.contains("61.0 s"), "{}", alert.message);
    assert!(alert.message.contains("max_data_gap 60 s"), "{}", alert.message);
    assert!(metrics.render().contains("tesser_data_gap_seconds 61\n"));
    assert_eq!(a.check_data_gap(at(120)), None, "same gap, already reported");
    assert_eq!(a.check_data_gap(at(900)), None);

    a.on_market_event(at(901));
    assert!(metrics.render().contains("tesser_data_gap_seconds 0\n"));
    assert_eq!(a.check_data_gap(at(950)), None);
    let again = a.check_data_gap(at(962)).unwrap();
    assert_eq!(again.ts, at(962));
}

#[test]
fn data_gap_ignores_a_clock_behind_the_last_event() {
    let (mut a, _) = alerter(config(60, 3, None));
    a.on_market_event(at(100));
    a.on_market_event(at(50));
    assert_eq!(a.check_data_gap(at(40)), None);
    assert_eq!(
        a.check_data_gap(at(160)),
        None,
        "measured from the latest event, 100"
    );
    assert!(a.check_data_gap(at(161)).is_some());
}

#[test]
fn zero_max_data_gap_turns_the_rule_off_but_keeps_the_gauge() {
    let (mut a, metrics) = alerter(config(0, 3, None));
    a.on_market_event(at(0));
    assert_eq!(a.check_data_gap(at(100_000)), None);
    assert!(metrics.render().contains("tesser_data_gap_seconds 100000\n"));
}

#[test]
fn order_failures_fire_at_the_limit_once_until_a_success() {
    let (mut a, _) = alerter(config(60, 3, None));
    assert_eq!(a.on_order_result(false, at(1)), None);
    assert_eq!(a.on_order_result(false, at(2)), None);
    assert_eq!(a.on_order_result(true, at(3)), None, "a success resets the run");
    assert_eq!(a.on_order_result(false, at(4)), None);
    assert_eq!(a.on_order_result(false, at(5)), None);
    let alert = a.on_order_result(false, at(6)).unwrap();
    assert_eq!(
        (alert.kind, alert.severity, alert.ts),
        (AlertKind::OrderFailures, Severity::Critical, at(6))
    );
    assert!(alert.message.starts_with("3 consecutive"), "{}", alert.message);
    for t in 7..20 {
        assert_eq!(a.on_order_result(false, at(t)), None, "still the same run");
    }
    assert_eq!(a.on_order_result(true, at(20)), None);
    assert_eq!(a.on_order_result(false, at(21)), None);
    assert_eq!(a.on_order_result(false, at(22)), None);
    assert!(
        a.on_order_result(false, at(23)).is_some(),
        "a new run alerts again"
    );
}

#[test]
fn a_limit_of_one_failure_fires_on_the_first() {
    let (mut a, _) = alerter(config(60, 1, None));
    assert!(a.on_order_result(false, at(0)).is_some());
    let (mut off, _) = alerter(config(60, 0, None));
    assert!((0..100).all(|t| off.on_order_result(false, at(t)).is_none()));
}

#[test]
fn drawdown_fires_above_the_limit_and_rearms_below_it() {
    let (mut a, _) = alerter(config(60, 3, Some(0.03)));
    assert_eq!(a.check_drawdown(0.01, at(0)), None);
    assert_eq!(
        a.check_drawdown(0.03, at(1)),
        None,
        "exactly the limit is tolerated"
    );
    let alert = a.check_drawdown(0.0345, at(2)).unwrap();
    assert_eq!(
        (alert.kind, alert.severity),
        (AlertKind::Drawdown, Severity::Warning)
    );
    assert_eq!(
        alert.message,
        "drawdown 3.45 % passed the alerting limit of 3.00 %"
    );
    assert_eq!(a.check_drawdown(0.05, at(3)), None);
    assert_eq!(a.check_drawdown(f64::NAN, at(4)), None);
    assert_eq!(a.check_drawdown(0.02, at(5)), None);
    assert!(a.check_drawdown(0.031, at(6)).is_some());

    let (mut off, _) = alerter(config(60, 3, None));
    assert_eq!(off.check_drawdown(0.9, at(0)), None);
}

#[test]
fn kill_switch_alert_is_critical_and_names_liquidate_only() {
    let (a, _) = alerter(AlertConfig::default());
    let alert = a.on_kill_switch(0.0512, at(9));
    assert_eq!(
        (alert.kind, alert.severity, alert.ts),
        (AlertKind::KillSwitch, Severity::Critical, at(9))
    );
    assert!(alert.message.contains("5.12 %"), "{}", alert.message);
    assert!(alert.message.contains("liquidate-only"), "{}", alert.message);
}

#[test]
fn payload_has_slack_text_and_typed_fields() {
    let alert = Alert::custom(
        Severity::Warning,
        "reconnected after 3 tries",
        Timestamp::from_millis(1_704_164_645_000),
    );
    let payload = alert.payload();
    assert_eq!(
        payload,
        serde_json::json!({
            "text": "[tesser] warning custom: reconnected after 3 tries",
            "kind": "custom",
            "severity": "warning",
            "ts": "2024-01-02T03:04:05Z",
        })
    );
}

#[test]
fn kinds_and_severities_have_stable_names() {
    let names: Vec<&str> = AlertKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        ["data_gap", "order_failures", "drawdown", "kill_switch", "custom"]
    );
    for (i, kind) in AlertKind::ALL.iter().enumerate() {
        assert_eq!(kind.index(), i);
    }
    assert_eq!(Severity::Critical.as_str(), "critical");
    assert!(Severity::Critical > Severity::Warning);
}

#[test]
fn redact_url_keeps_scheme_host_and_port_only() {
    let cases = [
        (
            "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
            "https://hooks.slack.com",
        ),
        (
            "https://api.telegram.org/bot123:ABC-token/sendMessage?chat_id=42",
            "https://api.telegram.org",
        ),
        (
            "http://user:pass@alertmanager.local:9093/api/v2/alerts",
            "http://alertmanager.local:9093",
        ),
        ("http://127.0.0.1:8080/hook#frag", "http://127.0.0.1:8080"),
        ("https://example.com:443/x", "https://example.com"),
        ("http://[::1]:9000/x", "http://[::1]:9000"),
        ("  https://example.com/token  ", "https://example.com"),
        ("", ""),
        ("not a url /secret", "<invalid url>"),
        ("mailto:ops@example.com", "mailto://"),
    ];
    for (url, want) in cases {
        assert_eq!(redact_url(url), want, "{url}");
    }
}

#[test]
fn config_debug_hides_the_webhook_token() {
    let cfg = AlertConfig {
        webhook_url: "https://hooks.slack.com/services/T0/B0/SECRET".into(),
        ..config(60, 3, None)
    };
    let shown = format!("{cfg:?}");
    assert!(shown.contains("https://hooks.slack.com"), "{shown}");
    assert!(
        !shown.contains("SECRET") && !shown.contains("services"),
        "{shown}"
    );
    let (a, _) = alerter(cfg);
    let shown = format!("{a:?}");
    assert!(
        !shown.contains("SECRET") && !shown.contains("services"),
        "{shown}"
    );
}

#[test]
fn bad_webhook_urls_are_rejected_without_leaking_them() {
    for url in [
        "ftp://files.example.com/SECRET",
        "hooks.slack.com/services/SECRET",
        "http://",
        "https://?token=SECRET",
        "  unix:/run/SECRET.sock",
    ] {
        let cfg = AlertConfig {
            webhook_url: url.into(),
            ..AlertConfig::default()
        };
        let err = Alerter::new(cfg, Metrics::new()).unwrap_err();
        assert!(matches!(err, TelemetryError::WebhookUrl { .. }), "{url}: {err}");
        assert!(!err.to_string().contains("SECRET"), "{err}");
    }
}

#[test]
fn drawdown_limit_must_be_a_fraction() {
    for limit in [0.0, -0.1, 3.0, f64::NAN] {
        let cfg = AlertConfig {
            drawdown_limit: Some(limit),
            ..AlertConfig::default()
        };
        let err = Alerter::new(cfg, Metrics::new()).unwrap_err();
        assert!(
            matches!(
                err,
                TelemetryError::AlertConfig {
                    key: "drawdown_limit",
                    ..
                }
            ),
            "{limit}: {err}"
        );
    }
    let cfg = AlertConfig {
        drawdown_limit: Some(1.0),
        ..AlertConfig::default()
    };
    assert!(Alerter::new(cfg, Metrics::new()).is_ok());
}

#[test]
fn error_chain_joins_sources() {
    #[derive(Debug)]
    struct Wrap(std::io::Error);
    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("sending failed")
        }
    }
    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let err = Wrap(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "refused",
    ));
    assert_eq!(error_chain(&err), "sending failed: refused");
}
