//! The workbench in exercise mode: the case index limited to what the replay clock shows, the alerts the
//! analytics raise over that slice instead of the saved ones, and the exercise pane (`F2`): questions, answers,
//! score, injects; for the facilitator also upcoming injects, the answer key, answer timings and clock keys.

use super::context::JobContext;
use crate::analytics::{detect, DetectContext};
use crate::case::Case;
use crate::exercise::{session, Exercise, Session};
use crate::index::CaseIndex;
use crate::runenv::{Clock, RunEnv};
use crate::tui::state::alerts::{self, Alert, AlertsState};
use crate::tui::state::exercise::{ExerciseScreen, InputKind};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

/// Run speeds the facilitator steps through with `r` (simulated seconds per second).
const SPEEDS: [f64; 5] = [60.0, 300.0, 900.0, 3600.0, 0.0];

/// How long the shown clock may lag the running one before the index follows (simulated seconds).
const FOLLOW_SECONDS: i64 = 60;

/// What a key did to the exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneOutcome {
    /// Not the pane's key: the workbench handles it.
    Ignored,
    /// Handled; redraw.
    Handled,
    /// The clock moved: views must reload (from the overview when it went back).
    ClockMoved { backwards: bool },
}

/// The exercise pane and the session it drives: what it shows, and the clock, folders and index it acts on.
pub struct ExercisePane {
    screen: ExerciseScreen,
    speed: usize,
    state_dir: PathBuf,
    shown_until: DateTime<Utc>,
    ctx: Option<Arc<JobContext>>,
    /// The exercise's clock (pinned in rehearsals).
    clock: Clock,
    /// Who answers, for the session record.
    analyst: String,
}

/// The pane reads as what it shows, so views draw it and the terminal loop reads its clock.
impl Deref for ExercisePane {
    type Target = ExerciseScreen;

    fn deref(&self) -> &ExerciseScreen {
        &self.screen
    }
}

impl ExercisePane {
    /// The pane of a session, not yet attached to an index.
    pub fn new(case: &Case, exercise: Exercise, session: Session, facilitator: bool, env: &RunEnv) -> ExercisePane {
        let shown_until = session.position(env.exercise_clock.now());
        ExercisePane {
            screen: ExerciseScreen {
                exercise,
                session,
                facilitator,
                open: true,
                cursor: 0,
                input: None,
                reveal: false,
                message: None,
            },
            speed: 0,
            state_dir: case.state_dir.clone(),
            shown_until,
            ctx: None,
            clock: env.exercise_clock,
            analyst: env.analyst.clone(),
        }
    }

    /// Limits the workbench's index to what the session shows now.
    pub fn attach(&mut self, ctx: Arc<JobContext>) {
        self.ctx = Some(ctx);
        self.apply(self.clock.now());
    }

    fn apply(&mut self, now: DateTime<Utc>) {
        self.shown_until = self.screen.session.position(now);
        if let Some(Ok(ix)) = self.ctx.as_ref().map(|c| &c.index) {
            ix.set_visibility(Some(self.screen.session.visibility(&self.screen.exercise, now)));
        }
    }

    /// Follows the clock: a running clock, or one moved by `harrier exercise clock` from another terminal.
    pub fn tick(&mut self, now: DateTime<Utc>) -> PaneOutcome {
        if let Ok(s) = session::load(&self.state_dir, &self.screen.exercise, now) {
            self.screen.session = s;
        }
        let pos = self.screen.session.position(now);
        let moved = (pos - self.shown_until).num_seconds();
        let fired = self.screen.exercise.injects.iter().any(|i| i.at > self.shown_until && i.at <= pos);
        if !(0..FOLLOW_SECONDS).contains(&moved) || fired {
            if fired {
                let _ = session::update(&self.state_dir, &self.screen.exercise, now, |_| Ok(()));
            }
            self.apply(now);
            return PaneOutcome::ClockMoved { backwards: moved < 0 };
        }
        PaneOutcome::Ignored
    }

    /// Handles a key when it is the pane's.
    pub fn on_key(&mut self, k: &KeyEvent, now: DateTime<Utc>) -> PaneOutcome {
        if k.code == KeyCode::F(2) {
            self.screen.open = !self.screen.open;
            return PaneOutcome::Handled;
        }
        if !self.screen.open {
            return PaneOutcome::Ignored;
        }
        if let Some((kind, text)) = &mut self.screen.input {
            match k.code {
                KeyCode::Esc => self.screen.input = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c)
                    if !k.modifiers.contains(KeyModifiers::CONTROL)
                        && text.chars().count() < crate::exercise::answer::MAX_ANSWER_CHARS =>
                {
                    text.push(c);
                }
                KeyCode::Enter => {
                    let (kind, text) = (*kind, std::mem::take(text));
                    self.screen.input = None;
                    return match kind {
                        InputKind::Answer => {
                            self.submit(&text, now);
                            PaneOutcome::Handled
                        }
                        InputKind::Jump => self.jump(&text, now),
                    };
                }
                _ => {}
            }
            return PaneOutcome::Handled;
        }
        let n = self.screen.exercise.questions.len();
        match k.code {
            KeyCode::Esc => self.screen.open = false,
            KeyCode::Up | KeyCode::Char('k') => self.screen.cursor = self.screen.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.screen.cursor = (self.screen.cursor + 1).min(n.saturating_sub(1))
            }
            KeyCode::Enter | KeyCode::Char('e') => self.screen.input = Some((InputKind::Answer, String::new())),
            KeyCode::Char('h') => self.hint(now),
            KeyCode::Char('n') if self.screen.facilitator => {
                return self.change_clock(now, |s, ex| {
                    s.step_to_next_inject(ex, now);
                    Ok(())
                })
            }
            KeyCode::Char('t') if self.screen.facilitator => self.screen.input = Some((InputKind::Jump, String::new())),
            KeyCode::Char('r') if self.screen.facilitator => {
                self.speed = (self.speed + 1) % SPEEDS.len();
                let speed = SPEEDS[self.speed];
                return self.change_clock(now, |s, _| {
                    if speed > 0.0 {
                        s.clock.run(speed, now).map_err(crate::exercise::ExerciseError::Refused)
                    } else {
                        s.clock.pause(now);
                        Ok(())
                    }
                });
            }
            KeyCode::Char('p') if self.screen.facilitator => {
                self.speed = SPEEDS.len() - 1;
                return self.change_clock(now, |s, _| {
                    s.clock.pause(now);
                    Ok(())
                });
            }
            KeyCode::Char('a') if self.screen.facilitator => self.screen.reveal = !self.screen.reveal,
            _ => return PaneOutcome::Ignored,
        }
        PaneOutcome::Handled
    }

    fn selected(&self) -> Option<String> {
        self.screen.exercise.questions.get(self.screen.cursor).map(|q| q.id.clone())
    }

    fn submit(&mut self, text: &str, now: DateTime<Utc>) {
        let Some(id) = self.selected() else { return };
        let by = self.analyst.clone();
        let ex = &self.screen.exercise;
        match session::update(&self.state_dir, ex, now, |s| s.answer(ex, &id, text, &by, now).cloned()) {
            Ok((s, given)) => {
                self.screen.message = Some(match given.verdict.correct {
                    Some(true) => format!("{id}: right"),
                    Some(false) => format!("{id}: not right"),
                    None => format!("{id}: recorded for the debrief"),
                });
                self.screen.session = s;
            }
            Err(e) => self.screen.message = Some(e.to_string()),
        }
    }

    fn hint(&mut self, now: DateTime<Utc>) {
        let Some(id) = self.selected() else { return };
        let ex = &self.screen.exercise;
        match session::update(&self.state_dir, ex, now, |s| s.take_hint(ex, &id, now).cloned()) {
            Ok((s, h)) => {
                self.screen.message = Some(format!("hint (−{}): {}", h.cost, h.text));
                self.screen.session = s;
            }
            Err(e) => self.screen.message = Some(e.to_string()),
        }
    }

    fn jump(&mut self, text: &str, now: DateTime<Utc>) -> PaneOutcome {
        match crate::time::format::parse_bound(text.trim(), chrono_tz::UTC) {
            Ok(t) => self.change_clock(now, |s, _| {
                s.clock.jump(t, now);
                Ok(())
            }),
            Err(e) => {
                self.screen.message = Some(e);
                PaneOutcome::Handled
            }
        }
    }

    fn change_clock(
        &mut self,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Session, &Exercise) -> Result<(), crate::exercise::ExerciseError>,
    ) -> PaneOutcome {
        let before = self.shown_until;
        let ex = &self.screen.exercise;
        match session::update(&self.state_dir, ex, now, |s| change(s, ex)) {
            Ok((s, ())) => {
                self.screen.session = s;
                self.apply(now);
                PaneOutcome::ClockMoved { backwards: self.shown_until < before }
            }
            Err(e) => {
                self.screen.message = Some(e.to_string());
                PaneOutcome::Handled
            }
        }
    }
}

/// Opens the workbench on `case` showing only what `session` has revealed of `exercise`.
pub fn run(case: Case, exercise: Exercise, session: Session, facilitator: bool, env: RunEnv) -> anyhow::Result<()> {
    let pane = ExercisePane::new(&case, exercise, session, facilitator, &env);
    let ctx = JobContext::new(case, env);
    if let Err(e) = &ctx.index {
        anyhow::bail!("{e}");
    }
    super::run_exercise(ctx, pane)
}

/// The alerts the analytics raise over the events the index currently shows.
pub fn visible_alerts(case: &Case, ix: &CaseIndex, now: chrono::DateTime<chrono::Utc>) -> AlertsState {
    let ctx = DetectContext::all(case.config.clone(), now);
    match detect(ix, &ctx) {
        Ok(d) => {
            // The queue reads alerts in their saved JSON form.
            let parsed: Result<Vec<Alert>, _> =
                d.alerts.iter().map(|a| serde_json::to_value(a).and_then(serde_json::from_value)).collect();
            match parsed {
                Ok(mut alerts) => {
                    alerts::sort(&mut alerts);
                    AlertsState::Loaded(alerts)
                }
                Err(e) => AlertsState::Unreadable(e.to_string()),
            }
        }
        Err(e) => AlertsState::Unreadable(e.to_string()),
    }
}
