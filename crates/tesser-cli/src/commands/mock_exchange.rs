//! `mock-exchange`: runs the loopback Bybit mock until Ctrl-C.

use std::time::Duration;

use tesser_mock_bybit::{MockBybit, MockConfig, MockData};

use crate::cli::MockExchangeArgs;

/// Starts the mock, prints its URLs and waits for Ctrl-C.
pub(crate) fn run(a: &MockExchangeArgs) -> anyhow::Result<()> {
    let cfg = MockConfig {
        data: match &a.data {
            Some(path) => MockData::Csv(path.clone()),
            None => MockConfig::default().data,
        },
        interval: a.interval,
        symbol: a.symbol.clone(),
        port: a.port,
        tick: (a.tick_ms > 0).then(|| Duration::from_millis(a.tick_ms)),
        live: a.live,
        ..MockConfig::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mock = MockBybit::start(cfg).await?;
        println!("rest_url = \"{}\"", mock.rest_url());
        println!("ws_public_url = \"{}\"", mock.ws_public_url());
        println!("ws_private_url = \"{}\"", mock.ws_private_url());
        println!("api_key = \"mock-api-key\"  api_secret = \"mock-api-secret\"");
        println!(
            "serving {} {} bars of {}; Ctrl-C to stop",
            mock.bars().bars.len(),
            mock.bars().interval,
            a.symbol
        );
        tokio::signal::ctrl_c().await?;
        drop(mock);
        anyhow::Ok(())
    })
}
