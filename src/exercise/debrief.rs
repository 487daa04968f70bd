//! The debrief: every question with the answer given and the right one, points, hints, how long the team took
//! from the moment the evidence became visible, the injects, and the runbook steps ticked during the exercise.

use super::answer::expected;
use super::model::Exercise;
use super::session::Session;
use crate::case::state::ProgressBook;
use crate::report::html_escape;
use crate::time::format::show;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Output formats of the debrief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebriefFormat {
    Markdown,
    Html,
}

/// One question's line in the debrief.
#[derive(Debug, Clone)]
pub struct QuestionLine {
    pub id: String,
    pub prompt: String,
    pub given: Option<String>,
    pub correct: Option<bool>,
    pub expected: String,
    pub points: u32,
    pub earned: u32,
    pub hints_used: usize,
    pub hint_cost: u32,
    pub attempts: u32,
    pub evidence_visible: Option<DateTime<Utc>>,
    pub answered: Option<DateTime<Utc>>,
    /// Wall-clock time from the evidence becoming visible to the first right answer.
    pub time_to_finding: Option<chrono::Duration>,
}

/// An inject in the debrief: id, simulated time, message, and the wall-clock time it fired.
pub type InjectLine = (String, DateTime<Utc>, String, Option<DateTime<Utc>>);

/// A runbook step ticked during the exercise.
#[derive(Debug, Clone)]
pub struct TickedStep {
    pub alert: String,
    pub step: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The debrief's content.
#[derive(Debug, Clone)]
pub struct Debrief {
    pub title: String,
    pub briefing: String,
    pub clock: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub score: u32,
    pub max: u32,
    pub questions: Vec<QuestionLine>,
    pub injects: Vec<InjectLine>,
    pub steps: Vec<TickedStep>,
    pub facilitator_notes: String,
}

/// Builds the debrief of a session.
pub fn build(ex: &Exercise, s: &Session, progress: &ProgressBook, now: DateTime<Utc>) -> Debrief {
    let questions = ex
        .questions
        .iter()
        .map(|q| {
            let a = s.answers.get(&q.id);
            let sc = s.score_of(q);
            let visible = q.evidence_at.and_then(|t| s.wall_when_visible(t));
            let right_at = a.and_then(|a| a.first_right);
            QuestionLine {
                id: q.id.clone(),
                prompt: q.prompt.clone(),
                given: a.map(|a| a.value.clone()),
                correct: a.and_then(|a| a.verdict.correct),
                expected: expected(q),
                points: q.points,
                earned: sc.earned,
                hints_used: s.hints.get(&q.id).map_or(0, Vec::len),
                hint_cost: sc.hint_cost,
                attempts: a.map_or(0, |a| a.attempts),
                evidence_visible: visible,
                answered: a.map(|a| a.wall),
                time_to_finding: match (visible, right_at) {
                    (Some(v), Some(r)) => Some((r - v).max(chrono::Duration::zero())),
                    _ => None,
                },
            }
        })
        .collect();
    let injects = ex
        .injects
        .iter()
        .map(|i| (i.id.clone(), i.at, i.message.clone(), s.fired.iter().find(|f| f.id == i.id).map(|f| f.wall)))
        .collect();
    let mut steps = Vec::new();
    for (alert, book) in &progress.alerts {
        for (step, p) in book {
            if p.done && p.at >= s.started {
                steps.push(TickedStep { alert: alert.clone(), step: step.clone(), by: p.by.clone(), at: p.at });
            }
        }
    }
    steps.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.step.cmp(&b.step)));
    Debrief {
        title: ex.exercise.title.clone(),
        briefing: ex.exercise.briefing.clone(),
        clock: s.position(now),
        started: s.started,
        score: s.score(ex),
        max: ex.max_points(),
        questions,
        injects,
        steps,
        facilitator_notes: ex.exercise.facilitator_notes.clone(),
    }
}

/// Renders the debrief.
pub fn render(d: &Debrief, format: DebriefFormat, tz: Tz) -> String {
    match format {
        DebriefFormat::Markdown => markdown(d, tz),
        DebriefFormat::Html => html(d, tz),
    }
}

fn duration(d: Option<chrono::Duration>) -> String {
    match d {
        None => "-".into(),
        Some(d) => {
            let s = d.num_seconds();
            format!("{}h{:02}m{:02}s", s / 3600, (s % 3600) / 60, s % 60)
        }
    }
}

fn verdict(c: Option<bool>, given: bool) -> &'static str {
    match (given, c) {
        (false, _) => "not answered",
        (true, Some(true)) => "right",
        (true, Some(false)) => "wrong",
        (true, None) => "for discussion",
    }
}

/// Markdown-safe cell text: no pipes, no line breaks, no raw HTML.
fn cell(s: &str) -> String {
    crate::text::sanitize::clean(s).replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;").replace('\n', " ")
}

fn markdown(d: &Debrief, tz: Tz) -> String {
    let mut s = format!("# Debrief: {}\n\n", cell(&d.title));
    s.push_str(&format!(
        "**Score: {} of {} points.** Exercise started {}; replay clock at {}.\n\n",
        d.score,
        d.max,
        show(Some(d.started), tz),
        show(Some(d.clock), tz)
    ));
    s.push_str("## Questions\n\n| question | answer given | result | right answer | points | hints | time to finding |\n|---|---|---|---|---|---|---|\n");
    for q in &d.questions {
        s.push_str(&format!(
            "| **{}** {} | {} | {} | {} | {}/{} | {} (−{}) | {} |\n",
            cell(&q.id),
            cell(&q.prompt),
            q.given.as_deref().map_or("-".into(), cell),
            verdict(q.correct, q.given.is_some()),
            cell(&q.expected),
            q.earned,
            q.points,
            q.hints_used,
            q.hint_cost,
            duration(q.time_to_finding)
        ));
    }
    s.push_str("\nTime to finding runs from the moment the replay first showed the evidence to the first right answer.\n\n## Injects\n\n");
    for (id, at, msg, fired) in &d.injects {
        s.push_str(&format!(
            "- **{}** at {}: {} ({})\n",
            cell(id),
            show(Some(*at), tz),
            cell(msg),
            fired.map_or("not reached".into(), |w| format!("fired {}", show(Some(w), tz)))
        ));
    }
    s.push_str("\n## Runbook steps ticked\n\n");
    if d.steps.is_empty() {
        s.push_str("None.\n");
    }
    for st in &d.steps {
        s.push_str(&format!(
            "- {} `{}` on alert `{}` by {}\n",
            show(Some(st.at), tz),
            cell(&st.step),
            cell(&st.alert),
            cell(&st.by)
        ));
    }
    if !d.facilitator_notes.trim().is_empty() {
        s.push_str(&format!("\n## Facilitator's notes\n\n{}\n", cell(&d.facilitator_notes)));
    }
    s
}

fn html(d: &Debrief, tz: Tz) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Debrief: {0}</title></head><body>\n<h1>Debrief: {0}</h1>\n",
        html_escape(&d.title)
    );
    s.push_str(&format!(
        "<p><strong>Score: {} of {} points.</strong> Exercise started {}; replay clock at {}.</p>\n",
        d.score,
        d.max,
        html_escape(&show(Some(d.started), tz)),
        html_escape(&show(Some(d.clock), tz))
    ));
    s.push_str("<h2>Questions</h2>\n<table><tr><th>question</th><th>answer given</th><th>result</th><th>right answer</th><th>points</th><th>hints</th><th>time to finding</th></tr>\n");
    for q in &d.questions {
        s.push_str(&format!(
            "<tr><td><strong>{}</strong> {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{} (−{})</td><td>{}</td></tr>\n",
            html_escape(&q.id),
            html_escape(&q.prompt),
            html_escape(q.given.as_deref().unwrap_or("-")),
            verdict(q.correct, q.given.is_some()),
            html_escape(&q.expected),
            q.earned,
            q.points,
            q.hints_used,
            q.hint_cost,
            duration(q.time_to_finding)
        ));
    }
    s.push_str("</table>\n<h2>Injects</h2>\n<ul>\n");
    for (id, at, msg, fired) in &d.injects {
        s.push_str(&format!(
            "<li><strong>{}</strong> at {}: {} ({})</li>\n",
            html_escape(id),
            html_escape(&show(Some(*at), tz)),
            html_escape(msg),
            fired.map_or("not reached".into(), |w| format!("fired {}", html_escape(&show(Some(w), tz))))
        ));
    }
    s.push_str("</ul>\n<h2>Runbook steps ticked</h2>\n<ul>\n");
    for st in &d.steps {
        s.push_str(&format!(
            "<li>{} <code>{}</code> on alert <code>{}</code> by {}</li>\n",
            html_escape(&show(Some(st.at), tz)),
            html_escape(&st.step),
            html_escape(&st.alert),
            html_escape(&st.by)
        ));
    }
    s.push_str("</ul>\n");
    if !d.facilitator_notes.trim().is_empty() {
        s.push_str(&format!("<h2>Facilitator's notes</h2>\n<p>{}</p>\n", html_escape(&d.facilitator_notes)));
    }
    s.push_str("</body></html>\n");
    s
}
