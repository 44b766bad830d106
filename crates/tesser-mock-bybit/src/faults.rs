//! Fault injection, armed by tests at any time through [`Faults`].

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The armed faults. Each is consumed as it fires.
#[derive(Debug, Default, Clone)]
pub struct FaultPlan {
    /// The next REST requests answer with these HTTP statuses (HTML body).
    pub http_errors: VecDeque<u16>,
    /// The next this-many REST requests answer retCode 10006 `Too many visits!`.
    pub rate_limits: u32,
    /// The next WebSocket connection to reach this many data frames is
    /// dropped without a close frame.
    pub drop_after_frames: Option<u32>,
    /// The next WebSocket connection to reach this many data frames goes
    /// silent (no data, no pongs) without closing.
    pub stall_after_frames: Option<u32>,
    /// The next this-many data frames are preceded by a malformed frame
    /// (truncated JSON, non-JSON text, binary, unknown topic, in turn).
    pub malformed_frames: u32,
    /// Pongs are sent this late.
    pub pong_delay: Option<Duration>,
    /// The next this-many book deltas skip an update id.
    pub book_gaps: u32,
    /// The next this-many pairs of book deltas are sent in swapped order.
    pub book_reorders: u32,
    /// Added to the mock's clock (server time, timestamp checks).
    pub clock_skew_ms: i64,
    /// The next this-many REST requests answer HTTP 403 with Bybit's HTML
    /// "access too frequent" page (IP rate limit / geo block).
    pub forbidden: u32,
    /// The next REST responses are held back this long each, **after** the
    /// request took effect (an order is placed, then the answer is late).
    pub slow_responses: VecDeque<Duration>,
    /// The next this-many private `execution` pushes are sent twice.
    pub duplicate_executions: u32,
    /// The next this-many `subscribe` requests are refused with
    /// `success:false` (Bybit's observed `error:handler not found` reply).
    pub subscribe_failures: u32,
}

/// Shared, thread-safe fault switchboard; it also counts REST requests so
/// tests can tell how often a client retried.
#[derive(Debug, Default)]
pub struct Faults(Mutex<FaultPlan>, AtomicU64);

impl Faults {
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut FaultPlan) -> R) -> R {
        match self.0.lock() {
            Ok(mut plan) => f(&mut plan),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Replaces the whole plan.
    pub fn set(&self, plan: FaultPlan) {
        self.with(|p| *p = plan);
    }

    /// The next REST requests answer with `statuses` (e.g. 500, 502, 503, 429).
    pub fn fail_http(&self, statuses: &[u16]) {
        self.with(|p| p.http_errors.extend(statuses.iter().copied()));
    }

    /// The next `n` REST requests answer 10006.
    pub fn rate_limit(&self, n: u32) {
        self.with(|p| p.rate_limits += n);
    }

    /// Drop the next WebSocket connection after `n` data frames.
    pub fn drop_ws_after(&self, n: u32) {
        self.with(|p| p.drop_after_frames = Some(n));
    }

    /// Stall the next WebSocket connection after `n` data frames.
    pub fn stall_ws_after(&self, n: u32) {
        self.with(|p| p.stall_after_frames = Some(n));
    }

    /// Inject `n` malformed frames.
    pub fn malformed_frames(&self, n: u32) {
        self.with(|p| p.malformed_frames += n);
    }

    /// Delay every pong by `d` (`None` to stop).
    pub fn delay_pongs(&self, d: Option<Duration>) {
        self.with(|p| p.pong_delay = d);
    }

    /// Skip an update id in the next `n` book deltas.
    pub fn book_gaps(&self, n: u32) {
        self.with(|p| p.book_gaps += n);
    }

    /// Swap the next `n` pairs of book deltas.
    pub fn reorder_deltas(&self, n: u32) {
        self.with(|p| p.book_reorders += n);
    }

    /// Skew the mock's clock by `ms`.
    pub fn set_clock_skew(&self, ms: i64) {
        self.with(|p| p.clock_skew_ms = ms);
    }

    /// REST requests received so far (every route, faults included).
    pub fn rest_requests(&self) -> u64 {
        self.1.load(Ordering::Relaxed)
    }

    pub(crate) fn count_request(&self) {
        self.1.fetch_add(1, Ordering::Relaxed);
    }

    /// The next `n` REST requests answer HTTP 403 with an HTML body.
    pub fn forbid(&self, n: u32) {
        self.with(|p| p.forbidden += n);
    }

    /// Hold back the next `n` REST responses by `delay` each (the request
    /// still takes effect at once).
    pub fn slow_responses(&self, n: u32, delay: Duration) {
        self.with(|p| p.slow_responses.extend((0..n).map(|_| delay)));
    }

    /// Send the next `n` private `execution` pushes twice.
    pub fn duplicate_executions(&self, n: u32) {
        self.with(|p| p.duplicate_executions += n);
    }

    /// Refuse the next `n` WebSocket `subscribe` requests (`success:false`).
    pub fn fail_subscribes(&self, n: u32) {
        self.with(|p| p.subscribe_failures += n);
    }

    pub(crate) fn take_forbidden(&self) -> bool {
        self.with(|p| take_one(&mut p.forbidden))
    }

    pub(crate) fn take_slow(&self) -> Option<Duration> {
        self.with(|p| p.slow_responses.pop_front())
    }

    pub(crate) fn take_duplicate_execution(&self) -> bool {
        self.with(|p| take_one(&mut p.duplicate_executions))
    }

    pub(crate) fn take_subscribe_failure(&self) -> bool {
        self.with(|p| take_one(&mut p.subscribe_failures))
    }

    pub(crate) fn skew(&self) -> i64 {
        self.with(|p| p.clock_skew_ms)
    }

    pub(crate) fn take_http_error(&self) -> Option<u16> {
        self.with(|p| p.http_errors.pop_front())
    }

    pub(crate) fn take_rate_limit(&self) -> bool {
        self.with(|p| {
            let hit = p.rate_limits > 0;
            p.rate_limits = p.rate_limits.saturating_sub(1);
            hit
        })
    }

    pub(crate) fn take_drop(&self, sent: u32) -> bool {
        self.with(|p| match p.drop_after_frames {
            Some(n) if sent >= n => {
                p.drop_after_frames = None;
                true
            }
            _ => false,
        })
    }

    pub(crate) fn take_stall(&self, sent: u32) -> bool {
        self.with(|p| match p.stall_after_frames {
            Some(n) if sent >= n => {
                p.stall_after_frames = None;
                true
            }
            _ => false,
        })
    }

    pub(crate) fn take_malformed(&self) -> Option<u32> {
        self.with(|p| {
            (p.malformed_frames > 0).then(|| {
                p.malformed_frames -= 1;
                p.malformed_frames
            })
        })
    }

    pub(crate) fn pong_delay(&self) -> Option<Duration> {
        self.with(|p| p.pong_delay)
    }

    pub(crate) fn take_book_gap(&self) -> bool {
        self.with(|p| {
            let hit = p.book_gaps > 0;
            p.book_gaps = p.book_gaps.saturating_sub(1);
            hit
        })
    }

    pub(crate) fn take_book_reorder(&self) -> bool {
        self.with(|p| {
            let hit = p.book_reorders > 0;
            p.book_reorders = p.book_reorders.saturating_sub(1);
            hit
        })
    }
}

/// Consumes one unit of a counter; true if there was one.
fn take_one(n: &mut u32) -> bool {
    let hit = *n > 0;
    *n = n.saturating_sub(1);
    hit
}
