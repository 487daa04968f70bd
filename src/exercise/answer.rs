//! Checking an answer against the key. Entities are compared normalised (lower-case UPNs and GUIDs, canonical IP
//! addresses), time windows by overlap, choices exactly; free text is kept for the debrief and not scored.

use super::model::{AnswerKind, Question, TimeWindow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::model::EntityKind;

/// `entity = "upn"` in `exercise.toml`: the name exercises have always used for a user; the other kinds by their
/// own names. Reading accepts both `upn` and `user`.
pub mod entity_name {
    use super::EntityKind;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the kind as exercises name it.
    pub fn serialize<S: Serializer>(kind: &Option<EntityKind>, s: S) -> Result<S::Ok, S::Error> {
        match kind {
            Some(EntityKind::User) => s.serialize_some("upn"),
            Some(k) => s.serialize_some(k.as_str()),
            None => s.serialize_none(),
        }
    }

    /// Reads a kind by either name.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EntityKind>, D::Error> {
        let Some(name) = Option::<String>::deserialize(d)? else { return Ok(None) };
        if name == "upn" {
            return Ok(Some(EntityKind::User));
        }
        EntityKind::from_field(&name).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown entity kind `{name}` (upn, ip, session, token, mailbox, app)"))
        })
    }
}

/// Longest answer kept.
pub const MAX_ANSWER_CHARS: usize = 4000;

/// An entity value in the form answers are compared in, or why it cannot be one.
pub fn normalise_entity(kind: EntityKind, value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("empty answer".into());
    }
    match kind {
        EntityKind::User | EntityKind::Mailbox => Ok(v.to_lowercase()),
        EntityKind::Ip => crate::enrich::ip::parse_ip(v)
            .map(|(ip, _)| ip.to_string())
            .ok_or_else(|| format!("'{v}' is not an IP address")),
        EntityKind::App | EntityKind::Session | EntityKind::Token => {
            Ok(v.trim_start_matches('{').trim_end_matches('}').to_lowercase())
        }
    }
}

/// Parses a window answer: `FROM/TO` or `FROM..TO`, each RFC 3339 or `YYYY-MM-DD[ HH:MM[:SS]]` in UTC.
pub fn parse_window(value: &str) -> Result<TimeWindow, String> {
    let (a, b) = value.split_once("..").or_else(|| value.split_once('/')).ok_or_else(|| {
        format!("'{value}' is not a window (write FROM/TO, e.g. 2026-03-10T14:00Z/2026-03-10T16:00Z)")
    })?;
    let from = parse_time(a.trim())?;
    let to = parse_time(b.trim())?;
    if to < from {
        return Err(format!("'{value}' ends before it starts"));
    }
    Ok(TimeWindow { from, to })
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Some(short) = s.strip_suffix('Z').filter(|x| x.len() == 16) {
        return crate::time::format::parse_bound(short, chrono_tz::UTC);
    }
    crate::time::format::parse_bound(s, chrono_tz::UTC)
}

/// The verdict on one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// `None` for free text (not scored).
    pub correct: Option<bool>,
    /// The answer as compared (normalised).
    pub normalised: String,
}

/// Checks `given` against the question's key. An answer that is not even of the right form is an error.
pub fn check(q: &Question, given: &str) -> Result<Verdict, String> {
    let given = given.trim();
    if given.is_empty() {
        return Err("empty answer".into());
    }
    if given.chars().count() > MAX_ANSWER_CHARS {
        return Err(format!("answers are limited to {MAX_ANSWER_CHARS} characters"));
    }
    match q.kind {
        AnswerKind::Entity => {
            let kind = q.entity.ok_or("question has no entity kind")?;
            let n = normalise_entity(kind, given)?;
            let right = q.answers.iter().any(|a| normalise_entity(kind, a).is_ok_and(|a| a == n));
            Ok(Verdict { correct: Some(right), normalised: n })
        }
        AnswerKind::Window => {
            let w = parse_window(given)?;
            let key = q.window.as_ref().ok_or("question has no window")?;
            let right = w.from <= key.to && key.from <= w.to;
            Ok(Verdict { correct: Some(right), normalised: format!("{}/{}", w.from.to_rfc3339(), w.to.to_rfc3339()) })
        }
        AnswerKind::Choice => {
            if !q.choices.iter().any(|c| c == given) {
                return Err(format!("'{given}' is not one of the choices: {}", q.choices.join(" | ")));
            }
            Ok(Verdict { correct: Some(q.answers.iter().any(|a| a == given)), normalised: given.to_string() })
        }
        AnswerKind::Text => {
            let clean: String = given.chars().filter(|c| !c.is_control() || *c == '\n').collect();
            Ok(Verdict { correct: None, normalised: clean })
        }
    }
}

/// The expected answer in words, for the answer key view and the debrief.
pub fn expected(q: &Question) -> String {
    match q.kind {
        AnswerKind::Entity | AnswerKind::Choice => q.answers.join(" or "),
        AnswerKind::Window => {
            q.window.as_ref().map(|w| format!("{} to {}", w.from.to_rfc3339(), w.to.to_rfc3339())).unwrap_or_default()
        }
        AnswerKind::Text => "(free text, discussed in the debrief)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: AnswerKind) -> Question {
        Question {
            id: "q".into(),
            prompt: "?".into(),
            kind,
            entity: None,
            answers: vec![],
            choices: vec![],
            window: None,
            points: 10,
            evidence_at: None,
            finding: None,
            hints: vec![],
        }
    }

    #[test]
    fn entities_compare_normalised() {
        let mut q = question(AnswerKind::Entity);
        q.entity = Some(EntityKind::User);
        q.answers = vec!["Lynne.Castillo@Fabrikam.example".into()];
        assert_eq!(check(&q, " lynne.castillo@fabrikam.EXAMPLE ").unwrap().correct, Some(true));
        assert_eq!(check(&q, "someone@fabrikam.example").unwrap().correct, Some(false));
        q.entity = Some(EntityKind::Ip);
        q.answers = vec!["2001:db8::1".into()];
        assert_eq!(check(&q, "2001:0DB8:0:0::1").unwrap().correct, Some(true));
        assert!(check(&q, "not-an-ip").is_err());
        q.entity = Some(EntityKind::App);
        q.answers = vec!["14d82eec-204b-4c2f-b7e8-296a70dab67e".into()];
        assert_eq!(check(&q, "{14D82EEC-204B-4C2F-B7E8-296A70DAB67E}").unwrap().correct, Some(true));
    }

    #[test]
    fn windows_score_by_overlap_and_choices_exactly() {
        let mut q = question(AnswerKind::Window);
        q.window = Some(parse_window("2026-03-10T14:00:00Z/2026-03-10T15:00:00Z").unwrap());
        assert_eq!(check(&q, "2026-03-10 14:30..2026-03-10 18:00").unwrap().correct, Some(true));
        assert_eq!(check(&q, "2026-03-10T15:01Z/2026-03-10T16:00Z").unwrap().correct, Some(false));
        assert!(check(&q, "yesterday").is_err());
        let mut q = question(AnswerKind::Choice);
        q.choices = vec!["Yes".into(), "No".into()];
        q.answers = vec!["No".into()];
        assert_eq!(check(&q, "No").unwrap().correct, Some(true));
        assert_eq!(check(&q, "Yes").unwrap().correct, Some(false));
        assert!(check(&q, "no").is_err());
    }
}
