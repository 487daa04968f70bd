//! `exercise.toml` for a generated case, derived from its answer key: a report that starts the exercise, one
//! follow-up inject per planted story, Graph logs that arrive late when a story needs them, and questions whose
//! answers are the key's entities and windows.

use super::key::KeyEntry;
use super::options::GenOptions;
use super::tenant::Tenant;
use crate::exercise::answer::EntityKind;
use crate::exercise::model::{AnswerKind, Exercise, Header, Hint, Inject, Question, TimeWindow};
use crate::model::Source;
use chrono::{DateTime, Duration, Utc};

/// Analytics whose evidence is in the Graph activity logs, collected late in the exercise.
const GRAPH_ANALYTICS: [&str; 2] = ["AN0534", "AN1089"];

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).map_or(DateTime::<Utc>::UNIX_EPOCH, |d| d.with_timezone(&Utc))
}

/// What the team hears about a story, and what it is asked.
fn story(analytic: &str) -> (&'static str, &'static str) {
    match analytic {
        "AN0959" => (
            "{user} reports odd replies in the sent items that nobody in the office wrote.",
            "Whose session was replayed from outside the country?",
        ),
        "AN0534" => (
            "The mail team sees a scripting client reading {user}'s mailbox at machine speed.",
            "Which account did the scripted client act as?",
        ),
        "AN1089" => (
            "A manager asks why {user}'s account listed every user and group in the directory.",
            "Which account enumerated the directory?",
        ),
        "AN1350" => (
            "A managed service provider asks whether its admin access for {user} is still needed.",
            "Which account is tied to the partner's delegated access?",
        ),
        _ => {
            ("{user} finds a mailbox permission nobody remembers granting.", "Whose mailbox permissions were changed?")
        }
    }
}

/// The exercise of a generated case.
pub fn exercise(opts: &GenOptions, t: &Tenant, name: &str, entries: &[KeyEntry]) -> Exercise {
    let planted: Vec<&KeyEntry> = entries.iter().filter(|e| e.planted).collect();
    let end = (opts.start + Duration::days(i64::from(opts.days))).and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
    let first = planted.iter().map(|e| time(&e.window.from)).min();
    let start = first.map_or(end - Duration::days(2), |f| f - Duration::hours(2)).min(end);
    let graph_late = planted.iter().any(|e| GRAPH_ANALYTICS.contains(&e.analytic));
    let sources = graph_late.then(|| {
        Source::ALL.iter().filter(|s| **s != Source::Graph).map(|s| s.as_str().to_string()).collect::<Vec<_>>()
    });
    let (injects, graph_at) = injects(&planted, start, end);
    let mut questions: Vec<Question> = planted.iter().flat_map(|e| story_questions(e, graph_at)).collect();
    questions.extend(closing_questions(t, planted.is_empty()));
    Exercise {
        exercise: Header {
            title: format!("Tabletop: {name}"),
            briefing: format!(
                "You are the incident response team for {} ({}). Logs cover {} days from {} ({}). Answer the \
                 questions as the replay clock advances; hints cost points.",
                t.org.name, t.org.domain, opts.days, opts.start, opts.timezone
            ),
            start,
            end,
            sources,
            facilitator_notes: facilitator_notes(entries, &planted),
        },
        injects,
        questions,
    }
}

/// One report per planted story half an hour after it ends, the late Graph logs an hour after the first story that
/// needs them (returned with the injects), or a vague helpdesk report when nothing is planted. In time order.
fn injects(planted: &[&KeyEntry], start: DateTime<Utc>, end: DateTime<Utc>) -> (Vec<Inject>, Option<DateTime<Utc>>) {
    let mut injects = Vec::new();
    let mut graph_at = None;
    for e in planted {
        let user = e.entities.users.first().cloned().unwrap_or_default();
        let at = (time(&e.window.to) + Duration::minutes(30)).min(end);
        injects.push(Inject {
            id: format!("{}-report", e.id),
            at,
            message: story(e.analytic).0.replace("{user}", &user),
            unlocks: vec![],
        });
        if graph_at.is_none() && GRAPH_ANALYTICS.contains(&e.analytic) {
            graph_at = Some((time(&e.window.to) + Duration::hours(1)).min(end));
        }
    }
    if let Some(at) = graph_at {
        injects.push(Inject {
            id: "graph-collected".into(),
            at,
            message: "The Graph activity logs, not collected until now, have been exported and added to the case."
                .into(),
            unlocks: vec![Source::Graph.as_str().to_string()],
        });
    }
    if planted.is_empty() {
        injects.push(Inject {
            id: "helpdesk-report".into(),
            at: start + Duration::hours(1),
            message: "The helpdesk forwards a user's worry about a sign-in prompt from abroad; nothing else is known."
                .into(),
            unlocks: vec![],
        });
    }
    injects.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    (injects, graph_at)
}

/// The questions about one planted story: who, from where (when the key names IPs), and when. Graph stories can
/// only be answered once the Graph logs arrive at `graph_at`.
fn story_questions(e: &KeyEntry, graph_at: Option<DateTime<Utc>>) -> Vec<Question> {
    let mut questions = Vec::new();
    let from = time(&e.window.from);
    let graph = GRAPH_ANALYTICS.contains(&e.analytic);
    let visible = match (graph, graph_at) {
        (true, Some(g)) => from.max(g),
        _ => from,
    };
    let day = from.format("%Y-%m-%d").to_string();
    questions.push(Question {
        id: format!("{}-user", e.id),
        prompt: story(e.analytic).1.into(),
        kind: AnswerKind::Entity,
        entity: Some(EntityKind::User),
        answers: e.entities.users.clone(),
        choices: vec![],
        window: None,
        points: 10,
        evidence_at: Some(visible),
        finding: Some(e.id.clone()),
        hints: vec![Hint { text: format!("Start from the {} alerts.", e.analytic), cost: 3 }],
    });
    if !e.entities.ips.is_empty() {
        questions.push(Question {
            id: format!("{}-ip", e.id),
            prompt: format!("{}: from which IP address did the activity come?", e.analytic),
            kind: AnswerKind::Entity,
            entity: Some(EntityKind::Ip),
            answers: e.entities.ips.clone(),
            choices: vec![],
            window: None,
            points: 10,
            evidence_at: Some(visible),
            finding: Some(e.id.clone()),
            hints: vec![Hint { text: format!("Look at the events of {day} (UTC)."), cost: 3 }],
        });
    }
    questions.push(Question {
        id: format!("{}-window", e.id),
        prompt: format!("{}: when did it happen (a UTC window, FROM/TO)?", e.analytic),
        kind: AnswerKind::Window,
        entity: None,
        answers: vec![],
        choices: vec![],
        window: Some(TimeWindow { from, to: time(&e.window.to) }),
        points: 5,
        evidence_at: Some(visible),
        finding: Some(e.id.clone()),
        hints: vec![],
    });
    questions
}

/// The two questions every exercise ends with: was the tenant compromised, and what to contain first.
fn closing_questions(t: &Tenant, nothing_planted: bool) -> [Question; 2] {
    [
        Question {
            id: "compromised".into(),
            prompt: format!("Was the {} tenant compromised?", t.org.name),
            kind: AnswerKind::Choice,
            entity: None,
            answers: vec![if nothing_planted { "No" } else { "Yes" }.into()],
            choices: vec!["Yes".into(), "No".into()],
            window: None,
            points: 5,
            evidence_at: None,
            finding: None,
            hints: vec![],
        },
        Question {
            id: "containment".into(),
            prompt: "What would you revoke, reset or remove first, and why?".into(),
            kind: AnswerKind::Text,
            entity: None,
            answers: vec![],
            choices: vec![],
            window: None,
            points: 0,
            evidence_at: None,
            finding: None,
            hints: vec![],
        },
    ]
}

/// What the facilitator is told: the planted stories and the look-alikes the team should explain away.
fn facilitator_notes(entries: &[KeyEntry], planted: &[&KeyEntry]) -> String {
    let mut notes = String::from("Planted (answer-key.json): ");
    let ids: Vec<&str> = planted.iter().map(|e| e.id.as_str()).collect();
    notes.push_str(if ids.is_empty() { "nothing" } else { "" });
    notes.push_str(&ids.join(", "));
    notes.push_str(". Look-alikes to explain from the baseline or the allowlists: ");
    let looks: Vec<&str> = entries.iter().filter(|e| !e.planted).map(|e| e.id.as_str()).collect();
    notes.push_str(&looks.join(", "));
    notes.push_str(". SCENARIO.md tells the story.");
    notes
}

/// The exercise as the text of `exercise.toml`.
pub fn exercise_toml(opts: &GenOptions, t: &Tenant, name: &str, entries: &[KeyEntry]) -> String {
    let ex = exercise(opts, t, name, entries);
    let body = toml::to_string_pretty(&ex).unwrap_or_default();
    format!(
        "# Tabletop exercise for the {} tenant (generated from answer-key.json, seed {}).\n\n{body}",
        t.org.name, opts.seed
    )
}
