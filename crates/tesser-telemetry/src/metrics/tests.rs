use std::time::Duration;

use super::*;

/// The sample lines of an exposition (no comments), in order.
fn samples(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.starts_with('#')).collect()
}

#[test]
fn fresh_metrics_render_zero_counters_and_leave_unset_gauges_out() {
    let text = Metrics::new().render();
    assert_eq!(
        samples(&text),
        [
            "tesser_events_total{kind=\"candle\"} 0",
            "tesser_events_total{kind=\"trade\"} 0",
            "tesser_events_total{kind=\"book\"} 0",
            "tesser_orders_submitted_total 0",
            "tesser_order_errors_total 0",
            "tesser_fills_total 0",
            "tesser_alerts_total{kind=\"data_gap\"} 0",
            "tesser_alerts_total{kind=\"order_failures\"} 0",
            "tesser_alerts_total{kind=\"drawdown\"} 0",
            "tesser_alerts_total{kind=\"kill_switch\"} 0",
            "tesser_alerts_total{kind=\"custom\"} 0",
            "tesser_reconnects_total 0",
            "tesser_data_gap_seconds 0",
            "tesser_liquidate_only 0",
            "tesser_open_orders 0",
            "tesser_up 1",
        ]
    );
    assert!(text.ends_with('\n'));
}

#[test]
fn every_family_has_help_then_type_and_only_its_own_samples() {
    let m = Metrics::new();
    m.set_equity(1.0);
    m.set_cash(1.0);
    m.set_position("BTCUSDT", 1.0);
    let text = m.render();
    let lines: Vec<&str> = text.lines().collect();
    let mut families = 0;
    let mut current = "";
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(name.starts_with("tesser_"), "{line}");
            let kind = lines[i + 1].strip_prefix(&format!("# TYPE {name} ")).unwrap();
            assert!(kind == "counter" || kind == "gauge", "{line}");
            assert_eq!(kind == "counter", name.ends_with("_total"), "{name}");
            current = name;
            families += 1;
        } else if !line.starts_with('#') {
            let name = line.split(['{', ' ']).next().unwrap();
            assert_eq!(name, current, "sample outside its family: {line}");
        }
    }
    assert_eq!(families, 13);
}

#[test]
fn updates_show_in_the_exposition() {
    let m = Metrics::new();
    let other = m.clone();
    m.inc_event(EventKind::Candle);
    other.inc_event(EventKind::Candle);
    m.inc_event(EventKind::Book);
    m.add_orders_submitted(1);
    m.inc_order_errors();
    m.add_fills(1);
    m.add_fills(1);
    m.inc_reconnects();
    m.inc_alert(AlertKind::KillSwitch);
    m.set_equity(100_250.5);
    m.set_cash(-3.25);
    m.set_position("ETHUSDT", -0.5);
    m.set_position("BTCUSDT", 0.01);
    m.set_position("BTCUSDT", 0.02);
    m.set_data_gap(Duration::from_millis(1500));
    m.set_liquidate_only(true);
    m.set_open_orders(3);
    let text = m.render();
    for line in [
        "tesser_events_total{kind=\"candle\"} 2",
        "tesser_events_total{kind=\"trade\"} 0",
        "tesser_events_total{kind=\"book\"} 1",
        "tesser_orders_submitted_total 1",
        "tesser_order_errors_total 1",
        "tesser_fills_total 2",
        "tesser_reconnects_total 1",
        "tesser_alerts_total{kind=\"kill_switch\"} 1",
        "tesser_equity 100250.5",
        "tesser_cash -3.25",
        "tesser_position{symbol=\"BTCUSDT\"} 0.02",
        "tesser_position{symbol=\"ETHUSDT\"} -0.5",
        "tesser_data_gap_seconds 1.5",
        "tesser_liquidate_only 1",
        "tesser_open_orders 3",
    ] {
        assert!(samples(&text).contains(&line), "missing `{line}` in\n{text}");
    }
    assert_eq!(
        samples(&text)
            .iter()
            .filter(|l| l.starts_with("tesser_position{"))
            .count(),
        2
    );
}

#[test]
fn label_values_are_escaped() {
    let m = Metrics::new();
    m.set_position("a\"b\\c\nd", 1.0);
    assert!(m
        .render()
        .contains("tesser_position{symbol=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

#[test]
fn help_text_is_escaped() {
    assert_eq!(escape_help("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
}

#[test]
fn floats_use_prometheus_spellings() {
    assert_eq!(format_float(f64::INFINITY), "+Inf");
    assert_eq!(format_float(f64::NEG_INFINITY), "-Inf");
    assert_eq!(format_float(f64::NAN), "NaN");
    assert_eq!(format_float(0.1), "0.1");
    assert_eq!(format_float(-2.0), "-2");
    assert_eq!(format_float(1e-7), "0.0000001");
    assert_eq!(format_float(1e21), "1000000000000000000000");
}

#[test]
fn a_set_nan_position_renders_as_nan() {
    let m = Metrics::new();
    m.set_position("X", f64::NAN);
    m.set_equity(f64::INFINITY);
    let text = m.render();
    assert!(text.contains("tesser_position{symbol=\"X\"} NaN\n"));
    assert!(text.contains("tesser_equity +Inf\n"));
}

#[test]
fn metrics_are_send_and_sync() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Metrics>();
}
