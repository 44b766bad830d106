//! The `--report` HTML page of `backtest run`.

use std::path::Path;

use anyhow::Context;
use tesser_report::RunReport;

/// The `[params]` of a strategy file as `params.NAME = VALUE` rows (empty
/// when the file cannot be read again; the run already parsed it).
pub(crate) fn param_rows(strategy_file: &Path) -> Vec<(String, String)> {
    let table: Option<toml::Table> = std::fs::read_to_string(strategy_file)
        .ok()
        .and_then(|t| toml::from_str(&t).ok());
    let params = table.and_then(|t| t.get("params").and_then(|p| p.as_table()).cloned());
    params
        .map(|p| {
            p.iter()
                .map(|(k, v)| (format!("params.{k}"), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// Renders `report` and writes it to `path`.
pub(crate) fn write(
    path: &Path,
    title: &str,
    config: &[(String, String)],
    report: &RunReport,
) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, report.html(title, config)).with_context(|| format!("writing {}", path.display()))
}
