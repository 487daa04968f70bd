//! The bottom line: the open prompt, else the last message, else a running export's progress, else the keys of
//! what is on screen.

use super::hints;
use super::Ui;
use crate::text::sanitize::clean;
use crate::tui::state::export::RunningExport;
use crate::tui::state::keymap::Command;
use crate::tui::state::prompt::{Prompt, PromptKind};
use crate::tui::state::App;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Draws the bottom line into `area`.
pub(super) fn draw(frame: &mut Frame, area: Rect, app: &App, ui: &Ui) {
    if let Some(p) = &app.prompt {
        frame.render_widget(Clear, area);
        frame.render_widget(Paragraph::new(prompt_line(p, ui)), area);
    } else if let Some(msg) = &app.status {
        let style = if msg.error { ui.theme.style("error") } else { ui.theme.style("notice") };
        frame.render_widget(Paragraph::new(Span::styled(clean(&msg.text), style)), area);
    } else if let Some(export) = app.export.request() {
        frame.render_widget(Paragraph::new(export_progress(export, ui)), area);
    } else if app.suppress.is_some() {
        frame.render_widget(Paragraph::new(suppress_keys(ui)), area);
    } else {
        frame.render_widget(Paragraph::new(hints::line(area.width, app, ui)).style(ui.theme.style("hint")), area);
    }
}

/// The prompt being typed, with the reason the last submit was refused, the completion candidates, or a tip.
fn prompt_line<'a>(p: &Prompt, ui: &Ui) -> Line<'a> {
    let lead = match p.kind {
        PromptKind::Search => "/",
        PromptKind::Command => ":",
    };
    let mut spans = vec![Span::styled(lead, ui.theme.style("key")), Span::raw(clean(&p.text)), Span::raw("▏")];
    if let Some(e) = &p.error {
        spans.push(Span::styled(format!("  {}", clean(e)), ui.theme.style("error")));
    } else if let Some(h) = &p.hint {
        spans.push(Span::styled(format!("  {}", clean(h)), ui.theme.style("muted")));
    } else if p.text.is_empty() {
        let tip = match p.kind {
            PromptKind::Search => "  user:… ip:… op:… -field:… word*  · Tab completes fields · ↑↓ history",
            PromptKind::Command => "  user ip session mailbox app search around alerts bookmarks q · Tab completes",
        };
        spans.push(Span::styled(tip, ui.theme.style("muted")));
    }
    Line::from(spans)
}

/// What the export writes, and how far it got.
fn export_progress<'a>(export: &RunningExport, ui: &Ui) -> Span<'a> {
    let (done, total) = export.meter.read();
    let text = format!("exporting {} · {done}/{total} events…", clean(&export.what));
    Span::styled(text, ui.theme.style("loading"))
}

/// The two keys of the suppression preview.
fn suppress_keys<'a>(ui: &Ui) -> Span<'a> {
    let text =
        format!(" {} write case.toml  {} cancel ", ui.keymap.key_of(Command::Open), ui.keymap.key_of(Command::Back));
    Span::styled(text, ui.theme.style("key"))
}
