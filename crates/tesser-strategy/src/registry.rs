//! The registry of compiled strategies and the parameter-file loader.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::Strategy;

/// Why a strategy could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StrategyError {
    /// No compiled strategy has that name.
    #[error("unknown strategy `{name}` (compiled strategies: {known})")]
    Unknown {
        /// The requested name.
        name: String,
        /// Comma-separated registered names.
        known: String,
    },
    /// The parameters do not match the strategy's typed config.
    #[error("{strategy} params: {message}")]
    Params {
        /// Strategy name.
        strategy: &'static str,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A parameter value is out of range.
    #[error("{strategy} params: `{field}` {message}")]
    Invalid {
        /// Strategy name.
        strategy: &'static str,
        /// The offending field.
        field: &'static str,
        /// Why it is invalid.
        message: String,
    },
    /// A file could not be read or parsed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// One documented parameter of a strategy config.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// Field name in `[params]`.
    pub name: &'static str,
    /// Type as written in TOML (`string`, `integer`, `float`, `bool`, ...).
    pub kind: &'static str,
    /// Default value, or `None` when the field is required.
    pub default: Option<&'static str>,
    /// One-line description.
    pub doc: &'static str,
}

/// Builds a strategy from its `[params]` table; `base_dir` resolves relative
/// artifact paths (the parameter file's folder).
pub type BuildFn = fn(&toml::Table, &Path) -> Result<Box<dyn Strategy>, StrategyError>;

/// A compiled strategy: its name, description, parameters and constructor.
#[derive(Clone, Copy)]
pub struct StrategyInfo {
    /// The name used in `strategy_name`.
    pub name: &'static str,
    /// One-line description.
    pub summary: &'static str,
    /// Documented parameters.
    pub params: &'static [ParamInfo],
    /// Constructor.
    pub build: BuildFn,
}

/// Every compiled strategy, in display order.
#[must_use]
pub fn registry() -> &'static [StrategyInfo] {
    &[
        crate::sma_cross::INFO,
        crate::rsi_reversion::INFO,
        crate::bollinger_breakout::INFO,
        crate::ml_classifier::INFO,
        crate::pairs_trading::INFO,
        crate::orderbook_imbalance::INFO,
    ]
}

/// Builds the strategy registered as `name` from its parameters.
///
/// # Errors
/// [`StrategyError::Unknown`] for an unregistered name, or the strategy's own
/// parameter errors.
pub fn build_strategy(
    name: &str,
    params: &toml::Table,
    base_dir: &Path,
) -> Result<Box<dyn Strategy>, StrategyError> {
    let info = registry()
        .iter()
        .find(|i| i.name == name)
        .ok_or_else(|| StrategyError::Unknown {
            name: name.to_owned(),
            known: registry().iter().map(|i| i.name).collect::<Vec<_>>().join(", "),
        })?;
    (info.build)(params, base_dir)
}

/// A strategy parameter file: `strategy_name = "..."` and a `[params]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyFile {
    /// Registered strategy name.
    pub strategy_name: String,
    /// Strategy-specific parameters.
    #[serde(default)]
    pub params: toml::Table,
}

/// Reads a strategy parameter file and builds the strategy it names.
///
/// # Errors
/// [`StrategyError::File`] when the file cannot be read or is not a valid
/// strategy file; otherwise the errors of [`build_strategy`].
pub fn load_strategy_file(path: &Path) -> Result<Box<dyn Strategy>, StrategyError> {
    let file_err = |message: String| StrategyError::File {
        path: path.to_owned(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
    let file: StrategyFile = toml::from_str(&text).map_err(|e| file_err(e.message().to_owned()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    build_strategy(&file.strategy_name, &file.params, base).map_err(|e| match e {
        // Artifact errors already name their own file.
        StrategyError::File { .. } => e,
        other => file_err(other.to_string()),
    })
}

/// Deserialises a `[params]` table into a typed config, naming the strategy
/// and the offending field on error.
///
/// # Errors
/// [`StrategyError::Params`] for a missing, unknown or mistyped field.
pub fn parse_params<T: DeserializeOwned>(
    strategy: &'static str,
    params: &toml::Table,
) -> Result<T, StrategyError> {
    serde_path_to_error::deserialize(toml::Value::Table(params.clone())).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if path == "." || inner.message().contains('`') {
            inner.message().to_owned()
        } else {
            format!("field `{path}`: {}", inner.message())
        };
        StrategyError::Params { strategy, message }
    })
}

/// A [`StrategyError::Invalid`] for `strategy`'s `field`.
pub(crate) fn invalid(
    strategy: &'static str,
    field: &'static str,
    message: impl Into<String>,
) -> StrategyError {
    StrategyError::Invalid {
        strategy,
        field,
        message: message.into(),
    }
}

/// Checks that a symbol field is not blank and interns it.
pub(crate) fn symbol_field(
    strategy: &'static str,
    field: &'static str,
    value: &str,
) -> Result<tesser_core::Symbol, StrategyError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(strategy, field, "must not be empty"));
    }
    Ok(tesser_core::Symbol::new(trimmed))
}
