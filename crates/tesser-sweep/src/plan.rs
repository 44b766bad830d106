//! Turns a batch file into a deterministic list of runs: the same file gives
//! the same runs in the same order with the same ids, on any machine.

use std::collections::BTreeSet;
use std::fmt::Write;

use tesser_core::Decimal;
use tesser_paper::FillModel;

use crate::config::{BatchConfig, RandomRange};

/// A point of the data and cost grid that every parameter set runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// Index into `datasets`.
    pub dataset: usize,
    /// Fee in basis points.
    pub fee_bps: Decimal,
    /// Slippage in basis points.
    pub slippage_bps: Decimal,
    /// Fill model.
    pub fill: FillModel,
}

/// One backtest: a setting, a parameter set and a bar window.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Data and costs.
    pub setting: Setting,
    /// The values of the swept parameters (merged over `[strategy] params` when run).
    pub params: toml::Table,
    /// Bars `start..end` of the dataset (all bars when `None`).
    pub window: Option<(usize, usize)>,
    /// Canonical text of everything that defines the run.
    pub key: String,
    /// 16 hex digits: FNV-1a of `key`; names the run's record file.
    pub id: String,
}

/// SplitMix64: a tiny, well-mixed, seedable generator (Steele et al., 2014).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u128) -> u128 {
        u128::from(self.next_u64()) % n
    }
}

/// FNV-1a, 64 bits, as 16 hex digits.
#[must_use]
pub fn fnv1a_hex(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn fill_name(f: FillModel) -> &'static str {
    match f {
        FillModel::NextOpen => "next-open",
        FillModel::Close => "close",
    }
}

/// The parameter sets of the sweep, in plan order (grid: the last axis
/// varies fastest; random: draw order, duplicates dropped).
#[must_use]
pub fn param_sets(config: &BatchConfig) -> Vec<toml::Table> {
    let axes: Vec<(&String, &Vec<toml::Value>)> = config.grid.iter().collect();
    let Some(random) = &config.random else {
        let mut sets = vec![toml::Table::new()];
        for (name, values) in axes {
            sets = sets
                .into_iter()
                .flat_map(|set| {
                    values.iter().map(move |v| {
                        let mut s = set.clone();
                        s.insert(name.clone(), v.clone());
                        s
                    })
                })
                .collect();
        }
        return sets;
    };
    let mut rng = SplitMix64::new(random.seed);
    let mut seen = BTreeSet::new();
    let mut sets = Vec::with_capacity(random.samples);
    for _ in 0..random.samples {
        let mut set = toml::Table::new();
        for (name, values) in &axes {
            let i = rng.below(values.len() as u128) as usize;
            if let Some(v) = values.get(i) {
                set.insert((*name).clone(), v.clone());
            }
        }
        for (name, range) in &random.params {
            let v = match *range {
                RandomRange::Int { min, max } => {
                    let width = (i128::from(max) - i128::from(min) + 1) as u128;
                    toml::Value::Integer((i128::from(min) + rng.below(width) as i128) as i64)
                }
                RandomRange::Float { min, max } => toml::Value::Float(min + (max - min) * rng.next_f64()),
            };
            set.insert(name.clone(), v);
        }
        if seen.insert(canonical(&set)) {
            sets.push(set);
        }
    }
    sets
}

fn canonical(params: &toml::Table) -> String {
    let mut out = String::new();
    for (k, v) in params {
        let _ = write!(out, "{k}={v};");
    }
    out
}

/// The data and cost settings, in plan order (dataset, fee, slippage, fill).
#[must_use]
pub fn settings(config: &BatchConfig) -> Vec<Setting> {
    let b = &config.backtest;
    let mut out = Vec::new();
    for dataset in 0..config.datasets.len() {
        for fee_bps in &b.fee_bps {
            for slippage_bps in &b.slippage_bps {
                for fill in &b.fill {
                    out.push(Setting {
                        dataset,
                        fee_bps: *fee_bps,
                        slippage_bps: *slippage_bps,
                        fill: *fill,
                    });
                }
            }
        }
    }
    out
}

impl Job {
    /// A run of `params` on `setting` over `window`.
    #[must_use]
    pub fn new(
        config: &BatchConfig,
        setting: Setting,
        params: toml::Table,
        window: Option<(usize, usize)>,
    ) -> Self {
        let mut merged = config.strategy.params.clone();
        merged.extend(params.clone());
        let dataset = config
            .datasets
            .get(setting.dataset)
            .map_or("?", |d| d.name.as_str());
        let b = &config.backtest;
        let mut key = format!(
            "strategy={};dataset={dataset};initial={};qty={};fee={};slip={};fill={};",
            config.strategy.name,
            b.initial_equity.normalize(),
            b.quantity.normalize(),
            setting.fee_bps.normalize(),
            setting.slippage_bps.normalize(),
            fill_name(setting.fill),
        );
        if let Some((a, z)) = window {
            let _ = write!(key, "window={a}..{z};");
        }
        key.push_str(&canonical(&merged));
        let id = fnv1a_hex(&key);
        Self {
            setting,
            params,
            window,
            key,
            id,
        }
    }

    /// The swept parameters as `name=value` pairs joined by spaces.
    #[must_use]
    pub fn params_text(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Every full-sample run of the batch, in plan order.
#[must_use]
pub fn full_sample_jobs(config: &BatchConfig) -> Vec<Job> {
    let sets = param_sets(config);
    settings(config)
        .into_iter()
        .flat_map(|s| sets.iter().map(move |p| Job::new(config, s, p.clone(), None)))
        .collect()
}

/// The name of a fill model as written in batch files.
#[must_use]
pub fn fill_text(fill: FillModel) -> &'static str {
    fill_name(fill)
}
