//! `data validate`: scans a candle CSV without stopping at the first problem
//! and reports counts plus the first examples of each kind.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use tesser_core::{Decimal, Interval, Timestamp};

use crate::download::{io, OpError};

/// A kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IssueKind {
    /// A row that cannot be parsed at all.
    Unparsable,
    /// `NaN` or infinite values.
    NonFinite,
    /// A price that is zero or negative.
    NonPositivePrice,
    /// Negative volume.
    NegativeVolume,
    /// `low > min(open, close)` or `high < max(open, close)`.
    OhlcViolation,
    /// The same timestamp twice.
    Duplicate,
    /// A timestamp earlier than the previous one.
    OutOfOrder,
    /// Missing bars between two rows.
    Gap,
    /// Open differs from the previous close by more than the threshold (a warning).
    SuspiciousJump,
}

impl IssueKind {
    /// True for warnings that do not make the file invalid.
    #[must_use]
    pub fn is_warning(self) -> bool {
        matches!(self, IssueKind::SuspiciousJump)
    }
}

/// One problem, with its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub detail: String,
}

/// Validation settings.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// Expected bar length (`None`: the most common step).
    pub interval: Option<Interval>,
    /// A jump from close to next open above this fraction is suspicious.
    pub jump_threshold: Decimal,
    /// Examples kept per kind.
    pub max_examples: usize,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        Self {
            interval: None,
            jump_threshold: Decimal::new(2, 1),
            max_examples: 5,
        }
    }
}

/// The outcome of a scan.
#[derive(Debug, Clone, Default)]
pub struct ValidationReport {
    /// Data rows read.
    pub rows: u64,
    /// Bar length used for gap checks (ms).
    pub step_ms: Option<i64>,
    /// Bars missing in all gaps together.
    pub missing_bars: u64,
    /// Count per kind.
    pub counts: BTreeMap<IssueKind, u64>,
    /// First examples per kind.
    pub examples: BTreeMap<IssueKind, Vec<Issue>>,
    /// First and last timestamp.
    pub span: Option<(Timestamp, Timestamp)>,
}

impl ValidationReport {
    /// True when no error (warnings allowed) was found.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.counts.iter().all(|(k, n)| k.is_warning() || *n == 0)
    }

    fn add(&mut self, kind: IssueKind, line: u64, detail: String, max: usize) {
        *self.counts.entry(kind).or_insert(0) += 1;
        let ex = self.examples.entry(kind).or_default();
        if ex.len() < max {
            ex.push(Issue { line, detail });
        }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows", self.rows)?;
        if let Some((a, b)) = self.span {
            write!(f, " from {a} to {b}")?;
        }
        writeln!(f, "; {}", if self.is_valid() { "VALID" } else { "INVALID" })?;
        for (kind, n) in &self.counts {
            let tag = if kind.is_warning() { "warning" } else { "error" };
            writeln!(f, "  {tag}: {kind:?} x{n}")?;
            for ex in self.examples.get(kind).into_iter().flatten() {
                writeln!(f, "    line {}: {}", ex.line, ex.detail)?;
            }
        }
        if self.missing_bars > 0 {
            writeln!(f, "  missing bars in gaps: {}", self.missing_bars)?;
        }
        Ok(())
    }
}

struct Row {
    line: u64,
    ts: i64,
    o: Decimal,
    c: Decimal,
}

/// Scans `path` (`timestamp,open,high,low,close,volume` in any column order).
///
/// # Errors
/// [`OpError::Io`] if the file cannot be read, [`OpError::Input`] if the
/// header lacks a column. Bad rows are reported, not returned as errors.
pub fn validate_csv(path: &Path, opts: &ValidateOptions) -> Result<ValidationReport, OpError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| OpError::Io {
            path: path.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    let header = rdr
        .headers()
        .map_err(|e| io(path)(std::io::Error::other(e.to_string())))?
        .clone();
    let mut cols = [0usize; 6];
    for (slot, name) in cols
        .iter_mut()
        .zip(["timestamp", "open", "high", "low", "close", "volume"])
    {
        *slot = header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .ok_or_else(|| OpError::Input {
                path: path.to_owned(),
                line: 1,
                message: format!("header has no `{name}` column"),
            })?;
    }
    let max = opts.max_examples;
    let mut rep = ValidationReport::default();
    let mut rows: Vec<Row> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        rep.rows += 1;
        let Ok(rec) = rec else {
            rep.add(IssueKind::Unparsable, line, "malformed CSV record".into(), max);
            continue;
        };
        let get = |k: usize| rec.get(cols[k]).unwrap_or("").trim();
        let Ok(ts) = Timestamp::parse(get(0)) else {
            rep.add(
                IssueKind::Unparsable,
                line,
                format!("bad timestamp `{}`", get(0)),
                max,
            );
            continue;
        };
        let mut vals = [Decimal::ZERO; 5];
        let mut bad = false;
        for (k, v) in vals.iter_mut().enumerate() {
            let text = get(k + 1);
            let lower = text.to_ascii_lowercase();
            if lower.contains("nan") || lower.contains("inf") {
                rep.add(IssueKind::NonFinite, line, format!("non-finite `{text}`"), max);
                bad = true;
                break;
            }
            match Decimal::from_str_exact(text).or_else(|_| Decimal::from_scientific(text)) {
                Ok(d) => *v = d,
                Err(_) => {
                    rep.add(IssueKind::Unparsable, line, format!("not a number `{text}`"), max);
                    bad = true;
                    break;
                }
            }
        }
        if bad {
            continue;
        }
        let [o, h, l, c, v] = vals;
        if [o, h, l, c].iter().any(|p| *p <= Decimal::ZERO) {
            rep.add(
                IssueKind::NonPositivePrice,
                line,
                format!("o={o} h={h} l={l} c={c}"),
                max,
            );
        }
        if v < Decimal::ZERO {
            rep.add(IssueKind::NegativeVolume, line, format!("volume {v}"), max);
        }
        if l > o.min(c) || h < o.max(c) || l > h {
            rep.add(
                IssueKind::OhlcViolation,
                line,
                format!("o={o} h={h} l={l} c={c}"),
                max,
            );
        }
        rows.push(Row {
            line,
            ts: ts.as_millis(),
            o,
            c,
        });
    }
    check_sequence(&rows, opts, &mut rep);
    Ok(rep)
}

fn check_sequence(rows: &[Row], opts: &ValidateOptions, rep: &mut ValidationReport) {
    let max = opts.max_examples;
    let step = opts.interval.map(Interval::millis).or_else(|| {
        let mut freq: BTreeMap<i64, u64> = BTreeMap::new();
        for w in rows.windows(2) {
            let d = w[1].ts - w[0].ts;
            if d > 0 {
                *freq.entry(d).or_insert(0) += 1;
            }
        }
        freq.into_iter().max_by_key(|(d, n)| (*n, -*d)).map(|(d, _)| d)
    });
    rep.step_ms = step;
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        rep.span = Some((Timestamp::from_millis(a.ts), Timestamp::from_millis(b.ts)));
    }
    for w in rows.windows(2) {
        let (p, r) = (&w[0], &w[1]);
        let d = r.ts - p.ts;
        if d == 0 {
            rep.add(
                IssueKind::Duplicate,
                r.line,
                format!("{} repeats line {}", Timestamp::from_millis(r.ts), p.line),
                max,
            );
        } else if d < 0 {
            rep.add(
                IssueKind::OutOfOrder,
                r.line,
                format!(
                    "{} after {}",
                    Timestamp::from_millis(r.ts),
                    Timestamp::from_millis(p.ts)
                ),
                max,
            );
        } else if let Some(step) = step.filter(|s| d > *s) {
            let missing = u64::try_from(d / step - 1).unwrap_or(0).max(1);
            rep.missing_bars += missing;
            rep.add(
                IssueKind::Gap,
                r.line,
                format!("{missing} bar(s) missing after {}", Timestamp::from_millis(p.ts)),
                max,
            );
        }
        if !p.c.is_zero() {
            let jump = ((r.o - p.c) / p.c).abs();
            if jump > opts.jump_threshold {
                rep.add(
                    IssueKind::SuspiciousJump,
                    r.line,
                    format!("open {} vs previous close {} ({jump:.4})", r.o, p.c),
                    max,
                );
            }
        }
    }
}
