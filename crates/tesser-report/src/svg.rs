//! Inline SVG charts drawn from a downsampled [`EquityCurve`](crate::EquityCurve).
//! No script, no external resource: the SVG is text inside the HTML.

use std::fmt::Write;

use tesser_core::Timestamp;

use crate::curve::Bucket;

const W: f64 = 960.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

struct Frame {
    height: f64,
    t0: f64,
    t1: f64,
    lo: f64,
    hi: f64,
}

impl Frame {
    fn new(buckets: &[Bucket], height: f64, lo: f64, hi: f64) -> Self {
        let t0 = buckets.first().map_or(0.0, |b| b.start.as_millis() as f64);
        let t1 = buckets.last().map_or(1.0, |b| b.end.as_millis() as f64);
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
        Self {
            height,
            t0,
            t1: if t1 > t0 { t1 } else { t0 + 1.0 },
            lo,
            hi,
        }
    }

    fn x(&self, b: &Bucket) -> f64 {
        let mid = (b.start.as_millis() as f64 + b.end.as_millis() as f64) / 2.0;
        LEFT + (mid - self.t0) / (self.t1 - self.t0) * (W - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        let plot = self.height - TOP - BOTTOM;
        TOP + (self.hi - v) / (self.hi - self.lo) * plot
    }

    fn open(&self, out: &mut String, label: &str, fmt: &dyn Fn(f64, f64) -> String) {
        let _ = write!(
            out,
            "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" width=\"100%\" role=\"img\" aria-label=\"{label}\">",
            h = self.height
        );
        for i in 0..=4 {
            let v = self.lo + (self.hi - self.lo) * f64::from(i) / 4.0;
            let y = self.y(v);
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
                 <text class=\"ylab\" x=\"{lx}\" y=\"{ty:.1}\" text-anchor=\"end\">{t}</text>",
                x2 = W - RIGHT,
                lx = LEFT - 6.0,
                ty = y + 4.0,
                t = fmt(v, (self.hi - self.lo) / 4.0)
            );
        }
        let by = self.height - 6.0;
        for (frac, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
            let t = self.t0 + (self.t1 - self.t0) * frac;
            let x = LEFT + (W - LEFT - RIGHT) * frac;
            let _ = write!(
                out,
                "<text class=\"xlab\" x=\"{x:.1}\" y=\"{by}\" text-anchor=\"{anchor}\">{}</text>",
                date(t)
            );
        }
    }
}

fn date(ms: f64) -> String {
    Timestamp::from_millis(ms as i64)
        .to_datetime()
        .map_or_else(|| "-".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

fn money(v: f64, step: f64) -> String {
    // Enough decimals to tell neighbouring grid lines apart.
    let decimals = if step > 0.0 {
        (1.0 - step.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        2
    };
    format!("{v:.decimals$}")
}

fn pct(v: f64, step: f64) -> String {
    money(v * 100.0, step * 100.0) + "%"
}

/// Equity: a band from each bucket's low to its high, and a line through
/// each bucket's last value.
pub(crate) fn equity(buckets: &[Bucket]) -> String {
    let lo = buckets.iter().map(|b| b.min).fold(f64::INFINITY, f64::min);
    let hi = buckets.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = (hi - lo) * 0.03;
    let f = Frame::new(buckets, 300.0, lo - pad, hi + pad);
    let mut out = String::with_capacity(64 + buckets.len() * 48);
    f.open(&mut out, "equity curve", &money);
    if !buckets.is_empty() {
        out.push_str("<path class=\"band\" d=\"");
        for (i, b) in buckets.iter().enumerate() {
            let _ = write!(
                out,
                "{}{:.1},{:.1}",
                if i == 0 { 'M' } else { 'L' },
                f.x(b),
                f.y(b.max)
            );
        }
        for b in buckets.iter().rev() {
            let _ = write!(out, "L{:.1},{:.1}", f.x(b), f.y(b.min));
        }
        out.push_str("Z\"/><path class=\"line\" d=\"");
        for (i, b) in buckets.iter().enumerate() {
            let _ = write!(
                out,
                "{}{:.1},{:.1}",
                if i == 0 { 'M' } else { 'L' },
                f.x(b),
                f.y(b.close)
            );
        }
        out.push_str("\"/>");
    }
    out.push_str("</svg>");
    out
}

/// Drawdown below the running peak: an area down to each bucket's deepest point.
pub(crate) fn drawdown(buckets: &[Bucket]) -> String {
    let deepest = buckets.iter().map(|b| b.max_drawdown).fold(0.0, f64::max);
    let f = Frame::new(buckets, 180.0, -deepest.max(0.01) * 1.05, 0.0);
    let mut out = String::with_capacity(64 + buckets.len() * 24);
    f.open(&mut out, "drawdown", &pct);
    if let (Some(first), Some(last)) = (buckets.first(), buckets.last()) {
        let _ = write!(out, "<path class=\"dd\" d=\"M{:.1},{:.1}", f.x(first), f.y(0.0));
        for b in buckets {
            let _ = write!(out, "L{:.1},{:.1}", f.x(b), f.y(-b.max_drawdown));
        }
        let _ = write!(out, "L{:.1},{:.1}Z\"/>", f.x(last), f.y(0.0));
    }
    out.push_str("</svg>");
    out
}
