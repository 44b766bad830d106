//! `MlClassifier`: trade the prediction of a linear or logistic model.
//!
//! The model is a TOML artifact, loaded once at build time from a path
//! relative to the strategy file's folder:
//!
//! ```toml
//! kind = "logistic"              # or "linear"
//! features = ["return_5", "rsi_14", "zscore_20"]
//! weights = [4.0, -1.5, -0.2]
//! bias = 0.75
//! threshold = 0.55               # long when p > threshold
//! short_threshold = 0.45         # optional: short when p < it (allow_short)
//! mean = [0.0, 0.5, 0.0]         # optional standardisation, per feature
//! scale = [0.05, 0.15, 1.0]      #   x' = (x - mean) / scale
//! ```
//!
//! Each candle updates every feature (recipes: `return_k`, `rsi_n` (RSI/100),
//! `zscore_n`, `sma_ratio_n`, `volatility_n`); once all are defined the model
//! scores `s = bias + Σ w·x'`, and `p = 1 / (1 + e^-s)` for `logistic` or
//! `p = s` for `linear`. The wanted position is long when `p > threshold`,
//! short when `allow_short` and `p < short_threshold` (default
//! `1 - threshold` for logistic models; required for linear ones), flat
//! otherwise; a signal is emitted when that changes. A missing, malformed or
//! inconsistent artifact fails the build with a message naming the file and
//! the field.

mod features;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tesser_core::{Candle, Signal, Symbol, Target};

use crate::registry::{invalid, parse_params, symbol_field, ParamInfo, StrategyError, StrategyInfo};
use crate::{to_f64, Context, Strategy};
use features::Feature;

/// Typed parameters of [`MlClassifier`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlClassifierConfig {
    /// Instrument to trade.
    pub symbol: String,
    /// Model artifact path, relative to the strategy file's folder.
    pub model: PathBuf,
    /// Also go short when the prediction is below `short_threshold`.
    #[serde(default)]
    pub allow_short: bool,
}

/// How the score becomes a prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// `p = score`.
    Linear,
    /// `p = 1 / (1 + e^-score)`.
    Logistic,
}

/// A model artifact as stored in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelArtifact {
    /// Linear or logistic.
    pub kind: ModelKind,
    /// Feature recipe names, in weight order.
    pub features: Vec<String>,
    /// One weight per feature.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
    /// Long when the prediction is above this.
    pub threshold: f64,
    /// Short when the prediction is below this (with `allow_short`).
    pub short_threshold: Option<f64>,
    /// Optional per-feature centring.
    pub mean: Option<Vec<f64>>,
    /// Optional per-feature scaling (non-zero).
    pub scale: Option<Vec<f64>>,
}

pub(crate) const INFO: StrategyInfo = StrategyInfo {
    name: "MlClassifier",
    summary: "Model-driven: linear/logistic model artifact over named features, trades on its prediction",
    params: &[
        ParamInfo {
            name: "symbol",
            kind: "string",
            default: None,
            doc: "instrument to trade",
        },
        ParamInfo {
            name: "model",
            kind: "string",
            default: None,
            doc: "TOML model artifact, relative to the strategy file's folder",
        },
        ParamInfo {
            name: "allow_short",
            kind: "bool",
            default: Some("false"),
            doc: "short when the prediction is below short_threshold",
        },
    ],
    build: |params, base| {
        Ok(Box::new(MlClassifier::load(
            parse_params(INFO.name, params)?,
            base,
        )?))
    },
};

/// Linear/logistic model strategy.
#[derive(Debug, Clone)]
pub struct MlClassifier {
    symbols: [Symbol; 1],
    kind: ModelKind,
    features: Vec<Feature>,
    weights: Vec<f64>,
    mean: Vec<f64>,
    scale: Vec<f64>,
    bias: f64,
    threshold: f64,
    short_threshold: Option<f64>,
    values: Vec<f64>,
    held: Target,
    last_prediction: Option<f64>,
}

impl MlClassifier {
    /// Reads the artifact named by `cfg.model` (relative to `base_dir`) and
    /// builds the strategy.
    ///
    /// # Errors
    /// [`StrategyError::File`] naming the artifact when it cannot be read or
    /// parsed or is inconsistent; [`StrategyError::Invalid`] for a bad symbol.
    pub fn load(cfg: MlClassifierConfig, base_dir: &Path) -> Result<Self, StrategyError> {
        let path = base_dir.join(&cfg.model);
        let file_err = |message: String| StrategyError::File {
            path: path.clone(),
            message: format!("MlClassifier model: {message}"),
        };
        let text = std::fs::read_to_string(&path).map_err(|e| file_err(e.to_string()))?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| file_err(e.message().to_owned()))?;
        let artifact: ModelArtifact =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let path = e.path().to_string();
                let message = e.inner().message();
                file_err(if path == "." {
                    message.to_owned()
                } else {
                    format!("field `{path}`: {message}")
                })
            })?;
        Self::new(&cfg.symbol, artifact, cfg.allow_short).map_err(|e| match e {
            StrategyError::Invalid { field, message, .. } if field != "symbol" => {
                file_err(format!("`{field}` {message}"))
            }
            other => other,
        })
    }

    /// Builds the strategy from an artifact already in memory.
    ///
    /// # Errors
    /// [`StrategyError::Invalid`] naming the artifact field: no features,
    /// unknown recipes, weight/mean/scale counts that differ from the feature
    /// count, non-finite numbers, a zero scale, a logistic threshold outside
    /// `(0, 1)`, a short threshold not below `threshold`, or a linear model
    /// with `allow_short` but no `short_threshold`.
    pub fn new(symbol: &str, model: ModelArtifact, allow_short: bool) -> Result<Self, StrategyError> {
        let name = INFO.name;
        let symbol = symbol_field(name, "symbol", symbol)?;
        let n = model.features.len();
        if n == 0 {
            return Err(invalid(name, "features", "must list at least one feature"));
        }
        let features = model
            .features
            .iter()
            .map(|f| Feature::parse(f))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| invalid(name, "features", m))?;
        let count = |field, v: &[f64]| {
            if v.len() != n {
                return Err(invalid(
                    name,
                    field,
                    format!("has {} values for {n} features", v.len()),
                ));
            }
            if v.iter().any(|x| !x.is_finite()) {
                return Err(invalid(name, field, "must be finite numbers"));
            }
            Ok(())
        };
        count("weights", &model.weights)?;
        let mean = model.mean.unwrap_or_else(|| vec![0.0; n]);
        count("mean", &mean)?;
        let scale = model.scale.unwrap_or_else(|| vec![1.0; n]);
        count("scale", &scale)?;
        if scale.contains(&0.0) {
            return Err(invalid(name, "scale", "must not contain 0"));
        }
        if !model.bias.is_finite() {
            return Err(invalid(name, "bias", "must be finite"));
        }
        let t = model.threshold;
        let logistic = model.kind == ModelKind::Logistic;
        if !t.is_finite() || (logistic && !(t > 0.0 && t < 1.0)) {
            return Err(invalid(
                name,
                "threshold",
                format!("must be in (0, 1) for a logistic model, got {t}"),
            ));
        }
        let short_threshold = match (model.short_threshold, logistic) {
            (Some(s), _) => Some(s),
            (None, true) => Some(1.0 - t),
            (None, false) if allow_short => {
                return Err(invalid(
                    name,
                    "short_threshold",
                    "is required for a linear model with allow_short",
                ))
            }
            (None, false) => None,
        };
        if let Some(s) = short_threshold {
            if !s.is_finite() || s > t {
                return Err(invalid(
                    name,
                    "short_threshold",
                    format!("must not exceed threshold {t}, got {s}"),
                ));
            }
        }
        Ok(Self {
            symbols: [symbol],
            kind: model.kind,
            values: vec![0.0; n],
            features,
            weights: model.weights,
            mean,
            scale,
            bias: model.bias,
            threshold: t,
            short_threshold: short_threshold.filter(|_| allow_short),
            held: Target::Flat,
            last_prediction: None,
        })
    }

    /// The latest prediction, once every feature is defined.
    #[must_use]
    pub fn last_prediction(&self) -> Option<f64> {
        self.last_prediction
    }

    fn predict(&mut self, close: f64) -> Option<f64> {
        let mut ready = true;
        for (slot, f) in self.values.iter_mut().zip(&mut self.features) {
            match f.update(close) {
                Some(v) => *slot = v,
                None => ready = false,
            }
        }
        if !ready {
            return None;
        }
        let score = self.bias
            + self
                .values
                .iter()
                .zip(&self.weights)
                .zip(self.mean.iter().zip(&self.scale))
                .map(|((x, w), (m, s))| w * (x - m) / s)
                .sum::<f64>();
        let p = match self.kind {
            ModelKind::Linear => score,
            ModelKind::Logistic => 1.0 / (1.0 + (-score).exp()),
        };
        p.is_finite().then_some(p)
    }
}

impl Strategy for MlClassifier {
    fn name(&self) -> &'static str {
        INFO.name
    }

    fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    fn sync_positions(&mut self, positions: &dyn Fn(Symbol) -> tesser_core::Decimal) {
        self.held = crate::target_of(positions(self.symbols[0]));
    }

    fn on_candle(&mut self, _ctx: &Context<'_>, candle: &Candle, out: &mut Vec<Signal>) {
        if candle.symbol != self.symbols[0] {
            return;
        }
        let Some(p) = self.predict(to_f64(candle.close.get())) else {
            return;
        };
        self.last_prediction = Some(p);
        let target = if p > self.threshold {
            Target::Long
        } else if self.short_threshold.is_some_and(|s| p < s) {
            Target::Short
        } else {
            Target::Flat
        };
        if target != self.held {
            self.held = target;
            out.push(Signal::market(self.symbols[0], target, candle.open_time));
        }
    }
}

#[cfg(test)]
mod tests;
