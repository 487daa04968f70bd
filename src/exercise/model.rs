//! `exercise.toml`: a tabletop exercise laid over a case. Parsed strictly: an unknown key is an error naming it,
//! and every question is checked to be answerable before the exercise starts.

use super::answer::{normalise_entity, EntityKind};
use super::ExerciseError;
use crate::model::Source;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// Largest exercise file read.
const MAX_EXERCISE_BYTES: u64 = 4 * 1024 * 1024;

/// The file name of an exercise beside its case.
pub const EXERCISE_FILE: &str = "exercise.toml";

/// The whole exercise file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub exercise: Header,
    #[serde(default)]
    pub injects: Vec<Inject>,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// `[exercise]`: what the team is told, and the span of the replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub title: String,
    pub briefing: String,
    /// Where the replay clock starts: events after it are hidden.
    pub start: DateTime<Utc>,
    /// Where the replay ends.
    pub end: DateTime<Utc>,
    /// Log sources collected when the exercise starts (index names such as `graph`); absent: every source.
    #[serde(default)]
    pub sources: Option<Vec<String>>,
    /// For the facilitator only.
    #[serde(default)]
    pub facilitator_notes: String,
}

/// Something that happens at a simulated time: a message to the team, and perhaps newly collected logs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inject {
    pub id: String,
    pub at: DateTime<Utc>,
    pub message: String,
    /// Log sources that become visible when the inject fires.
    #[serde(default)]
    pub unlocks: Vec<String>,
}

/// The kind of answer a question expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A UPN, IP address, app id, session id or mailbox.
    Entity,
    /// A time window, right when it overlaps the expected one.
    Window,
    /// One of the listed choices.
    Choice,
    /// Free text, not scored: kept for the debrief.
    Text,
}

/// An expected time window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A hint: its text, and the points it takes off the question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub text: String,
    #[serde(default)]
    pub cost: u32,
}

/// One question with its answer key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub kind: AnswerKind,
    /// For entity answers: what kind of entity.
    #[serde(default, with = "super::answer::entity_name", skip_serializing_if = "Option::is_none")]
    pub entity: Option<EntityKind>,
    /// Accepted answers: entity values (any one is right) or the right choice.
    #[serde(default)]
    pub answers: Vec<String>,
    /// For choice questions: the options shown.
    #[serde(default)]
    pub choices: Vec<String>,
    /// For window questions: the expected window.
    #[serde(default)]
    pub window: Option<TimeWindow>,
    #[serde(default)]
    pub points: u32,
    /// When the evidence that answers the question becomes visible in the replay.
    #[serde(default)]
    pub evidence_at: Option<DateTime<Utc>>,
    /// The answer-key entry the question is about.
    #[serde(default)]
    pub finding: Option<String>,
    #[serde(default)]
    pub hints: Vec<Hint>,
}

impl Exercise {
    /// Reads and checks an exercise file.
    pub fn load(path: &Path) -> Result<Exercise, ExerciseError> {
        let name = path.display().to_string();
        let io = |source| ExerciseError::Io { path: name.clone(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.len() > MAX_EXERCISE_BYTES {
            return Err(ExerciseError::Invalid {
                path: name,
                message: format!("{} bytes, more than the {MAX_EXERCISE_BYTES} an exercise may hold", meta.len()),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Exercise::parse(&text).map_err(|message| ExerciseError::Invalid { path: name, message })
    }

    /// Parses and checks exercise text; the error names the key or question at fault.
    pub fn parse(text: &str) -> Result<Exercise, String> {
        let ex: Exercise = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        ex.check()?;
        Ok(ex)
    }

    /// The sources visible at the start (`None`: every source).
    pub fn initial_sources(&self) -> Option<BTreeSet<String>> {
        self.exercise.sources.as_ref().map(|v| v.iter().cloned().collect())
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The most points the team can score.
    pub fn max_points(&self) -> u32 {
        self.questions.iter().map(|q| q.points).sum()
    }

    fn check(&self) -> Result<(), String> {
        let h = &self.exercise;
        if h.title.trim().is_empty() {
            return Err("[exercise] title is empty".into());
        }
        if h.end < h.start {
            return Err(format!("[exercise] end {} is before start {}", h.end, h.start));
        }
        let known: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        let check_source = |s: &str, place: &str| {
            if known.contains(&s) {
                Ok(())
            } else {
                Err(format!("{place}: unknown source '{s}' (known: {})", known.join(", ")))
            }
        };
        for s in h.sources.iter().flatten() {
            check_source(s, "[exercise] sources")?;
        }
        let mut ids = BTreeSet::new();
        for i in &self.injects {
            if !ids.insert(i.id.as_str()) {
                return Err(format!("inject '{}' is listed twice", i.id));
            }
            for s in &i.unlocks {
                check_source(s, &format!("inject '{}' unlocks", i.id))?;
            }
        }
        let mut ids = BTreeSet::new();
        for q in &self.questions {
            if !ids.insert(q.id.as_str()) {
                return Err(format!("question '{}' is listed twice", q.id));
            }
            check_question(q).map_err(|m| format!("question '{}': {m}", q.id))?;
        }
        Ok(())
    }
}

fn check_question(q: &Question) -> Result<(), String> {
    if q.id.trim().is_empty() || q.id.chars().any(char::is_whitespace) {
        return Err("id must be one word".into());
    }
    match q.kind {
        AnswerKind::Entity => {
            let kind = q.entity.ok_or("an entity question needs `entity` (upn, ip, app, session, mailbox)")?;
            if q.answers.is_empty() {
                return Err("an entity question needs at least one of `answers`".into());
            }
            for a in &q.answers {
                normalise_entity(kind, a).map_err(|e| format!("answer '{a}': {e}"))?;
            }
        }
        AnswerKind::Window => {
            let w = q.window.as_ref().ok_or("a window question needs `window = { from, to }`")?;
            if w.to < w.from {
                return Err("window ends before it starts".into());
            }
        }
        AnswerKind::Choice => {
            if q.choices.len() < 2 {
                return Err("a choice question needs at least two `choices`".into());
            }
            if q.answers.is_empty() || q.answers.iter().any(|a| !q.choices.contains(a)) {
                return Err("`answers` must name one or more of the `choices`".into());
            }
        }
        AnswerKind::Text => {
            if q.points > 0 {
                return Err("free-text answers are not scored: give them no points".into());
            }
        }
    }
    let cost: u32 = q.hints.iter().map(|h| h.cost).sum();
    if cost > q.points && q.kind != AnswerKind::Text {
        return Err(format!("hints cost {cost} points, more than the question's {}", q.points));
    }
    Ok(())
}
