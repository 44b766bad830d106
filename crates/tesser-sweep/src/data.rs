//! Datasets loaded once and shared read-only by every worker thread.

use std::path::PathBuf;

use tesser_core::{Candle, Interval, Symbol, Timestamp};
use tesser_data::{detect_interval, CandleCsvReader, DataError, MergedCandles};

use crate::config::DatasetSpec;
use crate::SweepError;

type Stream = Box<dyn Iterator<Item = Result<Candle, DataError>> + Send>;

/// The candles of one dataset in time order, with its distinct bar times.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Name from the batch file.
    pub name: String,
    /// Bar interval.
    pub interval: Interval,
    candles: Vec<Candle>,
    times: Vec<Timestamp>,
}

impl Dataset {
    /// A dataset from candles already in time order.
    ///
    /// # Errors
    /// [`SweepError::Dataset`] when there are no candles or they are out of order.
    pub fn from_candles(name: &str, interval: Interval, candles: Vec<Candle>) -> Result<Self, SweepError> {
        if candles.is_empty() {
            return Err(SweepError::Dataset {
                name: name.to_owned(),
                message: "no candles".to_owned(),
            });
        }
        if candles.windows(2).any(|w| w[1].open_time < w[0].open_time) {
            return Err(SweepError::Dataset {
                name: name.to_owned(),
                message: "candles are not in time order".to_owned(),
            });
        }
        let mut times: Vec<Timestamp> = candles.iter().map(|c| c.open_time).collect();
        times.dedup();
        Ok(Self {
            name: name.to_owned(),
            interval,
            candles,
            times,
        })
    }

    /// Reads the files of `spec` (`[SYMBOL=]FILE`; a bare file belongs to the
    /// strategy's only symbol) merged by time.
    ///
    /// # Errors
    /// Bad files or rows (naming file and line), a bare file when the
    /// strategy trades several symbols, or an empty dataset.
    pub fn load(spec: &DatasetSpec, symbols: &[Symbol]) -> Result<Self, SweepError> {
        let mut inputs: Vec<(PathBuf, Stream)> = Vec::new();
        let mut interval = spec.interval;
        for file in &spec.files {
            let (symbol, path) = match file.split_once('=') {
                Some((s, p)) if !s.is_empty() && !s.contains(['/', '\\', '.']) => {
                    (Symbol::new(s), PathBuf::from(p))
                }
                _ => match symbols {
                    [only] => (*only, PathBuf::from(file)),
                    _ => {
                        return Err(SweepError::Dataset {
                            name: spec.name.clone(),
                            message: format!(
                                "{file}: the strategy trades {} symbols; write SYMBOL=FILE",
                                symbols.len()
                            ),
                        })
                    }
                },
            };
            let iv = match interval {
                Some(i) => i,
                None => detect_interval(&path)?,
            };
            interval = Some(iv);
            let reader = CandleCsvReader::open(&path, symbol, iv)?;
            inputs.push((path, Box::new(reader)));
        }
        let candles = MergedCandles::new(inputs).collect::<Result<Vec<_>, _>>()?;
        let interval = interval.ok_or_else(|| SweepError::Dataset {
            name: spec.name.clone(),
            message: "no files".to_owned(),
        })?;
        Self::from_candles(&spec.name, interval, candles)
    }

    /// Number of bars (distinct timestamps).
    #[must_use]
    pub fn bars(&self) -> usize {
        self.times.len()
    }

    /// Time of bar `i`.
    #[must_use]
    pub fn time(&self, i: usize) -> Option<Timestamp> {
        self.times.get(i).copied()
    }

    /// The candles of bars `start..end` (all candles for `None`).
    #[must_use]
    pub fn window(&self, window: Option<(usize, usize)>) -> &[Candle] {
        let Some((start, end)) = window else {
            return &self.candles;
        };
        let at = |bar: usize| match self.times.get(bar) {
            Some(t) => self.candles.partition_point(|c| c.open_time < *t),
            None => self.candles.len(),
        };
        let (a, z) = (at(start), at(end));
        self.candles.get(a..z.max(a)).unwrap_or(&[])
    }
}
