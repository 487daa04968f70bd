//! The persisted state of an exercise in progress (`exercise.json` in the case state folder): the clock, which
//! injects fired when, the answers and hints with their timings. Written whole and atomically after every change,
//! so an exercise can be paused, the program closed, and the exercise resumed where it stood.

use super::answer::{self, Verdict};
use super::clock::ReplayClock;
use super::model::{Exercise, Question};
use super::ExerciseError;
use crate::case::state::files::{load_json, save_json};
use crate::case::CaseLock;
use crate::index::Visibility;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lock held while the session file is read, changed and written.
const SESSION_LOCK: &str = "exercise.lock";

/// When the clock reached a simulated time, in wall-clock time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockMark {
    pub wall: DateTime<Utc>,
    pub clock: DateTime<Utc>,
    /// The run speed from this moment on, when the clock was running.
    #[serde(default)]
    pub speed: Option<f64>,
}

/// An inject that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiredInject {
    pub id: String,
    pub wall: DateTime<Utc>,
}

/// The team's latest answer to a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenAnswer {
    pub value: String,
    pub verdict: Verdict,
    pub by: String,
    /// Wall-clock time of the answer.
    pub wall: DateTime<Utc>,
    /// Replay clock at the answer.
    pub clock: DateTime<Utc>,
    /// How many answers were given to the question, this one included.
    pub attempts: u32,
    /// Wall-clock time of the first right answer, kept when a later answer is wrong.
    #[serde(default)]
    pub first_right: Option<DateTime<Utc>>,
}

/// A hint taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HintTaken {
    pub index: usize,
    pub wall: DateTime<Utc>,
}

/// Everything the exercise has recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The exercise title, to refuse a session of another exercise.
    pub title: String,
    pub started: DateTime<Utc>,
    pub clock: ReplayClock,
    #[serde(default)]
    pub marks: Vec<ClockMark>,
    #[serde(default)]
    pub fired: Vec<FiredInject>,
    #[serde(default)]
    pub answers: BTreeMap<String, GivenAnswer>,
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<HintTaken>>,
}

impl Default for Session {
    fn default() -> Session {
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        Session {
            title: String::new(),
            started: epoch,
            clock: ReplayClock::new(epoch, epoch),
            marks: vec![],
            fired: vec![],
            answers: BTreeMap::new(),
            hints: BTreeMap::new(),
        }
    }
}

/// A question's score so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionScore {
    pub earned: u32,
    pub hint_cost: u32,
}

impl Session {
    /// A fresh session at the start of `ex`.
    pub fn start(ex: &Exercise, now: DateTime<Utc>) -> Session {
        let clock = ReplayClock::new(ex.exercise.start, ex.exercise.end);
        let mut s = Session {
            title: ex.exercise.title.clone(),
            started: now,
            clock,
            marks: vec![ClockMark { wall: now, clock: ex.exercise.start, speed: None }],
            ..Session::default()
        };
        s.settle(ex, now);
        s
    }

    /// Where the clock stands at `now`.
    pub fn position(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.clock.position(now)
    }

    /// Records injects the clock has passed and the clock's progress (for the debrief's timings).
    pub fn settle(&mut self, ex: &Exercise, now: DateTime<Utc>) {
        let pos = self.position(now);
        let speed = self.clock.running.map(|r| r.speed);
        if self.marks.last().is_none_or(|m| m.clock != pos || m.speed != speed) {
            self.marks.push(ClockMark { wall: now, clock: pos, speed });
        }
        for i in &ex.injects {
            if i.at <= pos && !self.fired.iter().any(|f| f.id == i.id) {
                self.fired.push(FiredInject { id: i.id.clone(), wall: now });
            }
        }
    }

    /// The sources collected at `now`: the initial ones and those of injects already passed (`None`: all).
    pub fn sources(&self, ex: &Exercise, now: DateTime<Utc>) -> Option<BTreeSet<String>> {
        let pos = self.position(now);
        let mut set = ex.initial_sources()?;
        for i in ex.injects.iter().filter(|i| i.at <= pos) {
            set.extend(i.unlocks.iter().cloned());
        }
        Some(set)
    }

    /// What the team may see at `now`.
    pub fn visibility(&self, ex: &Exercise, now: DateTime<Utc>) -> Visibility {
        Visibility { until: self.position(now), sources: self.sources(ex, now) }
    }

    /// The first inject strictly after the clock.
    pub fn next_inject<'a>(&self, ex: &'a Exercise, now: DateTime<Utc>) -> Option<&'a super::model::Inject> {
        let pos = self.position(now);
        ex.injects.iter().filter(|i| i.at > pos).min_by_key(|i| i.at)
    }

    /// Moves the clock to the next inject (or the end) and fires it.
    pub fn step_to_next_inject(&mut self, ex: &Exercise, now: DateTime<Utc>) {
        let to = self.next_inject(ex, now).map_or(ex.exercise.end, |i| i.at);
        self.clock.jump(to, now);
        self.settle(ex, now);
    }

    /// Records an answer, scored against the key.
    pub fn answer(
        &mut self,
        ex: &Exercise,
        question_id: &str,
        value: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<&GivenAnswer, ExerciseError> {
        let q = question_of(ex, question_id)?;
        let verdict = answer::check(q, value).map_err(|m| ExerciseError::Refused(format!("{}: {m}", q.id)))?;
        self.settle(ex, now);
        let previous = self.answers.get(&q.id);
        let attempts = previous.map_or(0, |p| p.attempts) + 1;
        let first_right = previous.and_then(|p| p.first_right).or((verdict.correct == Some(true)).then_some(now));
        let given = GivenAnswer {
            value: verdict.normalised.clone(),
            verdict,
            by: by.to_string(),
            wall: now,
            clock: self.position(now),
            attempts,
            first_right,
        };
        self.answers.insert(q.id.clone(), given);
        Ok(&self.answers[&q.id])
    }

    /// Takes the next hint of a question and returns it.
    pub fn take_hint<'a>(
        &mut self,
        ex: &'a Exercise,
        question_id: &str,
        now: DateTime<Utc>,
    ) -> Result<&'a super::model::Hint, ExerciseError> {
        let q = question_of(ex, question_id)?;
        let taken = self.hints.entry(q.id.clone()).or_default();
        let hint =
            q.hints.get(taken.len()).ok_or_else(|| ExerciseError::Refused(format!("{}: no more hints", q.id)))?;
        taken.push(HintTaken { index: taken.len(), wall: now });
        Ok(hint)
    }

    /// The score of one question: its points when answered right, less the hints taken (never below zero).
    pub fn score_of(&self, q: &Question) -> QuestionScore {
        let hint_cost: u32 =
            self.hints.get(&q.id).map_or(0, |t| t.iter().filter_map(|h| q.hints.get(h.index)).map(|h| h.cost).sum());
        let right = self.answers.get(&q.id).is_some_and(|a| a.verdict.correct == Some(true));
        let earned = if right { q.points.saturating_sub(hint_cost) } else { 0 };
        QuestionScore { earned, hint_cost }
    }

    /// The team's total score.
    pub fn score(&self, ex: &Exercise) -> u32 {
        ex.questions.iter().map(|q| self.score_of(q).earned).sum()
    }

    /// The wall-clock time the replay first showed simulated time `t`.
    /// Between two recorded moments a running clock is followed at its speed, so the time is exact.
    pub fn wall_when_visible(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        for (i, m) in self.marks.iter().enumerate() {
            if m.clock >= t {
                return Some(m.wall);
            }
            let (Some(speed), Some(next)) = (m.speed, self.marks.get(i + 1)) else { continue };
            let reached_ms = (next.wall - m.wall).num_milliseconds() as f64 * speed;
            let needed_ms = (t - m.clock).num_milliseconds() as f64;
            if needed_ms <= reached_ms && speed > 0.0 {
                return Some(m.wall + chrono::Duration::milliseconds((needed_ms / speed) as i64));
            }
        }
        None
    }
}

fn question_of<'a>(ex: &'a Exercise, id: &str) -> Result<&'a Question, ExerciseError> {
    ex.question(id.trim()).ok_or_else(|| {
        let ids: Vec<&str> = ex.questions.iter().map(|q| q.id.as_str()).collect();
        ExerciseError::Refused(format!("no question '{}' (questions: {})", id.trim(), ids.join(", ")))
    })
}

/// The session file of a case state folder.
pub fn session_path(state_dir: &Path) -> PathBuf {
    state_dir.join(crate::case::paths::EXERCISE_SESSION)
}

/// Loads the session of `ex` (a fresh one when there is none), applies `change`, settles and saves it, all
/// under the session lock.
pub fn update<T>(
    state_dir: &Path,
    ex: &Exercise,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut Session) -> Result<T, ExerciseError>,
) -> Result<(Session, T), ExerciseError> {
    let _lock = CaseLock::acquire_waiting(state_dir, SESSION_LOCK, "exercise", std::time::Duration::from_secs(10))
        .map_err(|e| ExerciseError::Refused(e.to_string()))?;
    let mut s = load(state_dir, ex, now)?;
    let out = change(&mut s)?;
    s.settle(ex, now);
    save_json(&session_path(state_dir), &s)?;
    Ok((s, out))
}

/// The saved session of `ex`, or a fresh one. A session saved for another exercise is refused.
pub fn load(state_dir: &Path, ex: &Exercise, now: DateTime<Utc>) -> Result<Session, ExerciseError> {
    let path = session_path(state_dir);
    if !path.exists() {
        return Ok(Session::start(ex, now));
    }
    let mut s: Session = load_json(&path)?;
    if s.title != ex.exercise.title {
        return Err(ExerciseError::Refused(format!(
            "{} belongs to the exercise '{}', not '{}'; move it aside to start afresh",
            path.display(),
            s.title,
            ex.exercise.title
        )));
    }
    s.clock.start = ex.exercise.start;
    s.clock.end = ex.exercise.end;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_becomes_visible_when_a_running_clock_passes_it() {
        let ex = Exercise::parse(
            "[exercise]\ntitle = \"t\"\nbriefing = \"b\"\nstart = \"2026-03-10T12:00:00Z\"\nend = \"2026-03-11T12:00:00Z\"\n",
        )
        .unwrap();
        let wall: DateTime<Utc> = "2030-01-01T09:00:00Z".parse().unwrap();
        let mut s = Session::start(&ex, wall);
        s.clock.run(60.0, wall).unwrap();
        s.settle(&ex, wall);
        // Ten wall minutes at 60x: ten simulated hours. Answer recorded then.
        let later = wall + chrono::Duration::minutes(10);
        s.settle(&ex, later);
        let evidence: DateTime<Utc> = "2026-03-10T14:00:00Z".parse().unwrap();
        assert_eq!(s.wall_when_visible(evidence), Some(wall + chrono::Duration::minutes(2)));
        // A jump reveals everything up to its target at the moment of the jump.
        s.clock.pause(later);
        s.clock.jump("2026-03-11T06:00:00Z".parse().unwrap(), later + chrono::Duration::minutes(5));
        s.settle(&ex, later + chrono::Duration::minutes(5));
        let t: DateTime<Utc> = "2026-03-11T05:00:00Z".parse().unwrap();
        assert_eq!(s.wall_when_visible(t), Some(later + chrono::Duration::minutes(5)));
        assert_eq!(s.wall_when_visible(ex.exercise.end), None);
    }
}
