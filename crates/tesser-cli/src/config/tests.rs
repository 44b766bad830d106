#![allow(
    clippy::result_large_err,
    reason = "figment::Jail closures return figment::Error"
)]

use super::*;

#[test]
fn compiled_default_loads_and_documents_every_key() {
    figment::Jail::expect_with(|jail| {
        let cfg = AppConfig::load(&jail.directory().join("none"), "default").unwrap();
        assert_eq!(cfg.backtest.fill, FillModel::NextOpen);
        assert_eq!(cfg.risk_management.limits(), RiskLimits::default());
        Ok(())
    });
}

#[test]
fn layers_and_env_override() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("paper.toml", "[backtest]\nfee_bps = 7.5\n")?;
        jail.create_file("local.toml", "[backtest]\nseed = 9\n")?;
        jail.set_env("TESSER_BACKTEST__SLIPPAGE_BPS", "2");
        jail.set_env("TESSER_RISK_MANAGEMENT__MAX_DRAWDOWN", "0.03");
        let cfg = AppConfig::load(jail.directory(), "paper").unwrap();
        assert_eq!(cfg.backtest.fee_bps.to_string(), "7.5");
        assert_eq!(cfg.backtest.seed, 9);
        assert_eq!(cfg.backtest.slippage_bps, Decimal::from(2));
        assert_eq!(cfg.risk_management.max_drawdown.to_string(), "0.03");
        Ok(())
    });
}

#[test]
fn unknown_keys_wrong_types_and_missing_env_are_named() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("local.toml", "[backtest]\nfee_bsp = 1\n")?;
        let err = format!("{:#}", AppConfig::load(jail.directory(), "default").unwrap_err());
        assert!(err.contains("fee_bsp"), "{err}");
        jail.create_file("local.toml", "[backtest]\ncandles = 'many'\n")?;
        let err = format!("{:#}", AppConfig::load(jail.directory(), "default").unwrap_err());
        assert!(err.contains("candles"), "{err}");
        let err = format!("{:#}", AppConfig::load(jail.directory(), "prod").unwrap_err());
        assert!(err.contains("prod.toml"), "{err}");
        Ok(())
    });
}

#[test]
fn live_section_defaults_overrides_and_masked_webhook() {
    figment::Jail::expect_with(|jail| {
        let cfg = AppConfig::load(&jail.directory().join("none"), "default").unwrap();
        assert_eq!(cfg.live.state_path, Path::new("./reports/live_state.db"));
        assert_eq!(cfg.live.log_path, Path::new("./logs/live.json"));
        assert_eq!(cfg.live.metrics_addr, "127.0.0.1:9100");
        assert_eq!(cfg.live.alerting.webhook_url, "");
        assert_eq!(cfg.live.alerting.max_data_gap_secs, 300);
        assert_eq!(cfg.live.alerting.max_order_failures, 3);

        jail.create_file("local.toml", "[live]\nstate_path = \"/tmp/x.db\"\n")?;
        jail.set_env("TESSER_LIVE__ALERTING__MAX_ORDER_FAILURES", "7");
        jail.set_env(
            "TESSER_LIVE__ALERTING__WEBHOOK_URL",
            "https://hooks.invalid/T0KEN",
        );
        let cfg = AppConfig::load(jail.directory(), "default").unwrap();
        assert_eq!(cfg.live.state_path, Path::new("/tmp/x.db"));
        assert_eq!(cfg.live.alerting.max_order_failures, 7);
        let debug = format!("{cfg:?}");
        assert!(!debug.contains("T0KEN") && debug.contains("<set>"), "{debug}");

        jail.create_file("local.toml", "[live.alerting]\nmax_gap = 1\n")?;
        let err = format!("{:#}", AppConfig::load(jail.directory(), "default").unwrap_err());
        assert!(err.contains("max_gap"), "{err}");
        Ok(())
    });
}
