//! The exercise pane: clock, score, injects, questions with the team's answers; for the facilitator also the
//! upcoming injects, the answer key on demand and when each answer was given.

use super::Ui;
use crate::exercise::answer::expected;
use crate::text::sanitize::{cell, clean};
use crate::time::format::show;
use crate::tui::state::exercise::{ExerciseScreen, InputKind};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the pane over the right part of `area`.
pub fn draw(frame: &mut Frame, area: Rect, pane: &ExerciseScreen, ui: &Ui, tz: Tz, now: DateTime<Utc>) {
    if !pane.open {
        return;
    }
    let width = (area.width * 11 / 20).max(40).min(area.width);
    let rect = Rect { x: area.x + area.width - width, y: area.y, width, height: area.height };
    frame.render_widget(Clear, rect);
    let w = width.saturating_sub(4) as usize;
    let (ex, s) = (&pane.exercise, &pane.session);
    let pos = s.position(now);
    let mut lines: Vec<Line> = Vec::new();
    let state = if s.clock.is_running() {
        format!("running ×{}", s.clock.running.map_or(0.0, |r| r.speed))
    } else {
        "paused".to_string()
    };
    lines.push(Line::from(vec![
        Span::styled("clock ", ui.theme.style("header")),
        Span::raw(format!("{} ({state})", show(Some(pos), tz))),
    ]));
    lines.push(Line::from(vec![
        Span::styled("score ", ui.theme.style("header")),
        Span::raw(format!("{} of {}", s.score(ex), ex.max_points())),
    ]));
    if let Some(src) = s.sources(ex, now) {
        lines.push(Line::styled(
            cell(&format!("logs collected: {}", src.into_iter().collect::<Vec<_>>().join(", ")), w),
            ui.theme.style("muted"),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(cell(&ex.exercise.briefing, w * 3), ui.theme.style("muted")));
    lines.push(Line::styled("Injects", ui.theme.style("header")));
    for i in &ex.injects {
        let fired = i.at <= pos;
        if !fired && !pane.facilitator {
            continue;
        }
        let lead = if fired { "• " } else { "◦ upcoming " };
        let style = if fired { ui.theme.style("key") } else { ui.theme.style("muted") };
        lines.push(Line::styled(cell(&format!("{lead}{} {}", show(Some(i.at), tz), clean(&i.message)), w * 2), style));
    }
    lines.push(Line::styled("Questions", ui.theme.style("header")));
    for (n, q) in ex.questions.iter().enumerate() {
        let a = s.answers.get(&q.id);
        let mark = match a.map(|a| a.verdict.correct) {
            None => " ",
            Some(Some(true)) => "✓",
            Some(Some(false)) => "✗",
            Some(None) => "·",
        };
        let sc = s.score_of(q);
        let cursor = if n == pane.cursor { "▶" } else { " " };
        let style = if n == pane.cursor { ui.theme.style("title") } else { ui.theme.style("muted") };
        lines.push(Line::styled(
            cell(&format!("{cursor}{mark} [{}/{}] {}", sc.earned, q.points, clean(&q.prompt)), w),
            style,
        ));
        if n == pane.cursor {
            if !q.choices.is_empty() {
                lines.push(Line::raw(cell(&format!("    choices: {}", q.choices.join(" | ")), w)));
            }
            if let Some(a) = a {
                let when = if pane.facilitator { format!(" at {}", show(Some(a.wall), tz)) } else { String::new() };
                lines.push(Line::raw(cell(&format!("    answer: {}{when}", clean(&a.value)), w)));
            }
            for h in s.hints.get(&q.id).into_iter().flatten() {
                if let Some(hint) = q.hints.get(h.index) {
                    lines.push(Line::raw(cell(&format!("    hint: {}", clean(&hint.text)), w)));
                }
            }
            if pane.facilitator && pane.reveal {
                lines.push(Line::styled(cell(&format!("    key: {}", expected(q)), w), ui.theme.style("key")));
            }
        }
    }
    lines.push(Line::raw(""));
    match &pane.input {
        Some((InputKind::Answer, t)) => lines.push(Line::raw(cell(&format!("answer> {t}▏"), w))),
        Some((InputKind::Jump, t)) => lines.push(Line::raw(cell(&format!("jump to (UTC)> {t}▏"), w))),
        None => {}
    }
    if let Some(m) = &pane.message {
        lines.push(Line::styled(cell(m, w * 2), ui.theme.style("key")));
    }
    let keys = if pane.facilitator {
        "↑↓ question · Enter answer · h hint · n next inject · t jump · r run speed · p pause · a key · F2 hide"
    } else {
        "↑↓ question · Enter answer · h hint · F2 hide"
    };
    lines.push(Line::styled(keys, ui.theme.style("muted")));
    let title = format!(" {} ", cell(&ex.exercise.title, w.saturating_sub(2)));
    let block = Block::default().borders(Borders::ALL).title(Span::styled(title, ui.theme.style("title")));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
}
