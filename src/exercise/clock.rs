//! The replay clock: where the exercise stands in simulated time. The facilitator steps it to the next inject,
//! jumps it, or lets it run at a chosen speed (simulated seconds per wall-clock second) and pauses it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Fastest run speed: a week of logs in about ten wall-clock minutes.
pub const MAX_SPEED: f64 = 1000.0;

/// A running clock: from `clock` at wall time `wall`, `speed` simulated seconds pass per wall second.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub wall: DateTime<Utc>,
    pub clock: DateTime<Utc>,
    pub speed: f64,
}

/// The clock's state: a position when paused, a run when running; never outside `[start, end]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReplayClock {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub paused_at: DateTime<Utc>,
    #[serde(default)]
    pub running: Option<Run>,
}

impl ReplayClock {
    /// A paused clock at the start of the replay.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> ReplayClock {
        ReplayClock { start, end, paused_at: start, running: None }
    }

    /// The simulated time at wall time `now`.
    pub fn position(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let t = match self.running {
            None => self.paused_at,
            Some(r) => {
                let wall_ms = (now - r.wall).num_milliseconds().max(0) as f64;
                let sim_ms = (wall_ms * r.speed).min(i64::MAX as f64 / 4.0) as i64;
                r.clock.checked_add_signed(Duration::milliseconds(sim_ms)).unwrap_or(self.end)
            }
        };
        self.clamp(t)
    }

    /// Whether the clock is running.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Stops the clock where it is at `now`.
    pub fn pause(&mut self, now: DateTime<Utc>) {
        self.paused_at = self.position(now);
        self.running = None;
    }

    /// Sets the clock to `t` (clamped to the replay), keeping it running if it was.
    pub fn jump(&mut self, t: DateTime<Utc>, now: DateTime<Utc>) {
        let t = self.clamp(t);
        self.paused_at = t;
        if let Some(r) = &mut self.running {
            *r = Run { wall: now, clock: t, speed: r.speed };
        }
    }

    /// Runs the clock from where it is at `now`, at `speed` (clamped to `(0, MAX_SPEED]`).
    pub fn run(&mut self, speed: f64, now: DateTime<Utc>) -> Result<(), String> {
        if !speed.is_finite() || speed <= 0.0 {
            return Err(format!("speed {speed} must be a positive number"));
        }
        let clock = self.position(now);
        self.paused_at = clock;
        self.running = Some(Run { wall: now, clock, speed: speed.min(MAX_SPEED) });
        Ok(())
    }

    fn clamp(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        t.max(self.start).min(self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn runs_at_speed_pauses_and_stays_in_range() {
        let mut c = ReplayClock::new(t("2026-03-10T12:00:00Z"), t("2026-03-10T18:00:00Z"));
        let wall = t("2030-01-01T00:00:00Z");
        c.run(60.0, wall).unwrap();
        assert_eq!(c.position(wall + Duration::seconds(10)), t("2026-03-10T12:10:00Z"));
        c.pause(wall + Duration::seconds(10));
        assert_eq!(c.position(wall + Duration::hours(5)), t("2026-03-10T12:10:00Z"));
        c.jump(t("2027-01-01T00:00:00Z"), wall);
        assert_eq!(c.position(wall), t("2026-03-10T18:00:00Z"));
        assert!(c.run(0.0, wall).is_err());
    }
}
