use std::path::PathBuf;

use super::*;
use crate::test_util::close_targets;

/// A fresh folder under the system temp dir for one test.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tesser-ml-{test}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("models")).unwrap();
    dir
}

fn build_from(test: &str, artifact: &str, params: &str) -> Result<Box<dyn Strategy>, String> {
    let dir = folder(test);
    std::fs::write(dir.join("models/m.toml"), artifact).unwrap();
    let table: toml::Table = toml::from_str(params).unwrap();
    crate::build_strategy("MlClassifier", &table, &dir).map_err(|e| e.to_string())
}

const PARAMS: &str = "symbol = 'T'\nmodel = 'models/m.toml'";

fn targets(s: &mut dyn Strategy, closes: &[f64]) -> Vec<(usize, Target)> {
    close_targets(s, closes)
}

const LOGISTIC: &str = r#"
kind = "logistic"
features = ["return_1"]
weights = [100.0]
bias = 0.0
threshold = 0.6
"#;

#[test]
fn logistic_model_trades_on_probability() {
    // p = sigmoid(100 r): > 0.6 needs r > 0.405%; < 0.4 needs r < -0.405%.
    let mut s = build_from("logistic", LOGISTIC, PARAMS).unwrap();
    let closes = [100.0, 101.0, 101.2, 101.0, 100.0, 100.1];
    // Row 1: +1% -> long. Row 2: +0.2% (p 0.55) -> flat. Row 3-5: no long.
    assert_eq!(
        targets(s.as_mut(), &closes),
        vec![(1, Target::Long), (2, Target::Flat)]
    );
    let mut s = build_from(
        "logistic_short",
        LOGISTIC,
        &format!("{PARAMS}\nallow_short = true"),
    )
    .unwrap();
    assert_eq!(
        targets(s.as_mut(), &closes),
        vec![
            (1, Target::Long),
            (2, Target::Flat),
            (4, Target::Short),
            (5, Target::Flat)
        ]
    );
}

#[test]
fn linear_model_with_standardised_features() {
    let artifact = r#"
kind = "linear"
features = ["return_2", "zscore_3"]
weights = [1.0, 0.0]
bias = 0.0
threshold = 0.5
mean = [0.05, 0.0]
scale = [0.1, 1.0]
"#;
    // score = (return_2 - 0.05) / 0.1 ; long when return_2 > 10%.
    let mut s = build_from("linear", artifact, PARAMS).unwrap();
    assert_eq!(
        targets(s.as_mut(), &[100.0, 100.0, 105.0, 115.0, 116.0, 116.0]),
        vec![(3, Target::Long), (5, Target::Flat)]
    );
}

#[test]
fn no_trade_while_features_warm_up_or_stay_neutral() {
    let mut s = build_from("neutral", LOGISTIC, PARAMS).unwrap();
    assert_eq!(targets(s.as_mut(), &[100.0; 30]), vec![]);
    let artifact = LOGISTIC.replace(r#"["return_1"]"#, r#"["rsi_14"]"#);
    let mut s = build_from("warmup", &artifact, PARAMS).unwrap();
    // 14 bars: RSI(14) is not defined yet, so nothing can trade.
    assert_eq!(
        targets(
            s.as_mut(),
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0]
        ),
        vec![]
    );
}

#[test]
fn bad_artifacts_fail_the_build_clearly() {
    let cases: &[(&str, String, &str)] = &[
        (
            "mismatch",
            LOGISTIC.replace("[100.0]", "[1.0, 2.0]"),
            "`weights` has 2 values for 1 features",
        ),
        (
            "recipe",
            LOGISTIC.replace("return_1", "momentum_3"),
            "unknown recipe `momentum`",
        ),
        (
            "kind",
            LOGISTIC.replace("\"logistic\"", "\"forest\""),
            "unknown variant `forest`",
        ),
        ("field", format!("{LOGISTIC}\nlayers = 3"), "layers"),
        ("threshold", LOGISTIC.replace("0.6", "1.5"), "threshold"),
        ("type", LOGISTIC.replace("bias = 0.0", "bias = 'zero'"), "bias"),
        (
            "empty",
            LOGISTIC.replace(r#"["return_1"]"#, "[]").replace("[100.0]", "[]"),
            "features",
        ),
        ("scale", format!("{LOGISTIC}\nscale = [0.0]"), "scale"),
        ("missing", LOGISTIC.replace("threshold = 0.6", ""), "threshold"),
    ];
    for (test, artifact, needle) in cases {
        let err = build_from(test, artifact, PARAMS).err().unwrap();
        assert!(err.contains(needle), "{test}: {err}");
        assert!(
            err.contains("m.toml"),
            "{test}: error should name the file: {err}"
        );
    }
    let linear = LOGISTIC.replace("logistic", "linear");
    let err = build_from("linear_short", &linear, &format!("{PARAMS}\nallow_short = true"))
        .err()
        .unwrap();
    assert!(err.contains("short_threshold"), "{err}");
}

#[test]
fn missing_artifact_and_bad_params_name_the_problem() {
    let err = build_from("nofile", LOGISTIC, "symbol = 'T'\nmodel = 'models/absent.toml'")
        .err()
        .unwrap();
    assert!(err.contains("absent.toml"), "{err}");
    let err = build_from("noparam", LOGISTIC, "symbol = 'T'").err().unwrap();
    assert!(err.contains("model"), "{err}");
    let err = build_from("unknownparam", LOGISTIC, &format!("{PARAMS}\nthreshold = 0.7"))
        .err()
        .unwrap();
    assert!(err.contains("threshold"), "{err}");
    let err = build_from("symbol", LOGISTIC, "symbol = ''\nmodel = 'models/m.toml'")
        .err()
        .unwrap();
    assert!(err.contains("symbol"), "{err}");
}
