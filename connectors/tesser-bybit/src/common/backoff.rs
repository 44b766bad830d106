//! Capped exponential backoff with jitter, driven by tokio's (pausable) clock.

use std::time::Duration;

/// Capped exponential backoff: `base, 2*base, 4*base, ...` up to `cap`, each
/// delay shortened by up to `jitter` (a fraction in `0..=1`) at random.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    jitter: f64,
    attempt: u32,
    seed: u64,
}

impl Backoff {
    /// A backoff starting at `base` and never exceeding `cap`, without jitter.
    #[must_use]
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            jitter: 0.0,
            attempt: 0,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// Adds jitter: each delay is reduced by a random fraction up to `jitter`.
    #[must_use]
    pub fn with_jitter(mut self, jitter: f64, seed: u64) -> Self {
        self.jitter = jitter.clamp(0.0, 1.0);
        self.seed = seed | 1;
        self
    }

    /// The next delay; advances the attempt counter.
    pub fn next_delay(&mut self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(20)).unwrap_or(u32::MAX);
        self.attempt = self.attempt.saturating_add(1);
        let raw = self.base.saturating_mul(factor).min(self.cap);
        if self.jitter <= 0.0 {
            return raw;
        }
        // xorshift64*: good enough to spread reconnect storms.
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        let r = (self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        raw.mul_f64(1.0 - self.jitter * r)
    }

    /// Sleeps for the next delay.
    pub async fn wait(&mut self) {
        tokio::time::sleep(self.next_delay()).await;
    }

    /// Starts again from `base` (after a healthy connection).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// How many delays were handed out since the last reset.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_up_to_cap() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        let start = tokio::time::Instant::now();
        for _ in 0..6 {
            backoff.wait().await;
        }
        assert_eq!(start.elapsed().as_secs(), 61);
    }

    #[test]
    fn jitter_stays_within_bounds() {
        let mut backoff =
            Backoff::new(Duration::from_millis(100), Duration::from_secs(1)).with_jitter(0.5, 7);
        for i in 0..10u32 {
            let d = backoff.next_delay();
            let raw = Duration::from_millis(100)
                .saturating_mul(1 << i.min(20))
                .min(Duration::from_secs(1));
            assert!(d <= raw && d >= raw / 2, "{d:?} vs {raw:?}");
        }
    }
}
