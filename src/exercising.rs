//! `harrier exercise …`: run a tabletop exercise over a case, answer, move the clock, and write the debrief.

use crate::prepare::{ensure_ingested, open_case, Invocation};
use crate::usage::usage;
use crate::{out, outln};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use harrier::analytics::{detect, DetectContext};
use harrier::case::{Case, CaseState};
use harrier::exercise::debrief::{self, DebriefFormat};
use harrier::exercise::{locate, session, Exercise, Session};
use harrier::index::CaseIndex;
use harrier::runenv::RunEnv;
use std::path::{Path, PathBuf};

/// `harrier exercise` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum ExerciseCommand {
    /// Open the workbench in exercise mode: only events up to the replay clock are shown.
    #[command(after_help = "Examples:\n  harrier exercise run sample-cases/bec\n  \
                            harrier exercise run sample-cases/bec/exercise.toml --facilitator")]
    Run {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// Facilitator view: upcoming injects, the answer key, answer timings, clock controls.
        #[arg(long)]
        facilitator: bool,
    },
    /// Answer a question; prints whether it is right and the score.
    #[command(
        after_help = "Examples:\n  harrier exercise answer sample-cases/bec who lynne.castillo@fabrikam.example\n  \
                            harrier exercise answer CASE when '2026-03-10T14:00:00Z/2026-03-10T15:00:00Z'"
    )]
    Answer {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// The question id, as `exercise status` lists it.
        question: String,
        /// The answer: an entity, a window FROM/TO, a choice, or free text.
        value: String,
    },
    /// Take the next hint of a question (costs points).
    #[command(after_help = "Examples:\n  harrier exercise hint sample-cases/bec who")]
    Hint {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// The question id, as `exercise status` lists it.
        question: String,
    },
    /// Move the replay clock: to the next inject, to a time, run at a speed, or pause.
    #[command(after_help = "Examples:\n  harrier exercise clock sample-cases/bec --next-inject\n  \
                            harrier exercise clock CASE --run 900")]
    Clock {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// Step to the next inject and fire it (it may unlock logs not collected yet).
        #[arg(long, group = "move")]
        next_inject: bool,
        /// Jump to this time: RFC 3339, or a date / date-time in the case time zone.
        #[arg(long, group = "move", value_name = "T")]
        at: Option<String>,
        /// Run at SPEED simulated seconds per wall-clock second (above 0, at most 1,000,000).
        #[arg(long, group = "move", value_name = "SPEED", value_parser = speed)]
        run: Option<f64>,
        /// Stop the clock where it is.
        #[arg(long, group = "move")]
        pause: bool,
    },
    /// Where the exercise stands: clock, injects fired, questions and score, alerts visible.
    #[command(after_help = "Examples:\n  harrier exercise status sample-cases/bec\n  \
                            harrier exercise status CASE --facilitator --json")]
    Status {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// Also show upcoming injects, the answer key and answer times.
        #[arg(long)]
        facilitator: bool,
        /// Print the status as one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// The debrief: questions, answers, points, time to each finding, hints, runbook steps ticked.
    #[command(after_help = "Examples:\n  harrier exercise report sample-cases/bec > debrief.md\n  \
                            harrier exercise report CASE --format html -o debrief.html")]
    Report {
        /// The case folder, or its exercise.toml.
        exercise: PathBuf,
        /// Debrief shape: md or html.
        #[arg(long, value_enum, default_value_t = DebriefFormatArg::Md)]
        format: DebriefFormatArg,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Parses a replay speed: a finite number above 0 and at most a million.
fn speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1e6 => Ok(v),
        _ => Err(format!("'{s}' is not a speed above 0 and at most 1000000")),
    }
}

/// Debrief formats on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebriefFormatArg {
    Md,
    Html,
}

/// An opened exercise: the case, the exercise, and the time the command runs at.
struct Opened {
    case: Case,
    exercise: Exercise,
    now: DateTime<Utc>,
}

fn open(path: &Path, state: Option<&Path>, env: &RunEnv) -> Result<Opened> {
    let (case_dir, file) = locate(path);
    let exercise = Exercise::load(&file)?;
    let case = open_case(&case_dir, state)?;
    Ok(Opened { case, exercise, now: env.exercise_clock.now() })
}

/// Runs one `harrier exercise` subcommand.
pub fn run(cmd: ExerciseCommand, inv: Invocation) -> Result<u8> {
    match cmd {
        ExerciseCommand::Run { exercise, facilitator } => replay(inv, &exercise, facilitator),
        ExerciseCommand::Answer { exercise, question, value } => answer(inv, &exercise, &question, &value),
        ExerciseCommand::Hint { exercise, question } => hint(inv, &exercise, &question),
        ExerciseCommand::Clock { exercise, next_inject, at, run, pause } => {
            clock(inv, &exercise, ClockMove { next_inject, at, run, pause })
        }
        ExerciseCommand::Status { exercise, facilitator, json } => status(inv, &exercise, facilitator, json),
        ExerciseCommand::Report { exercise, format, output } => debrief(inv, &exercise, format, output),
    }
}

/// `harrier exercise run`: the workbench in exercise mode.
fn replay(inv: Invocation, exercise: &Path, facilitator: bool) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    ensure_ingested(&o.case, inv.env, inv.quiet)?;
    let (s, ()) = session::update(&o.case.state_dir, &o.exercise, o.now, |_| Ok(()))?;
    harrier::tui::runtime::exercise::run(o.case, o.exercise, s, facilitator, inv.env.clone())?;
    Ok(0)
}

/// `harrier exercise answer`: records an answer and prints whether it is right and the score.
fn answer(inv: Invocation, exercise: &Path, question: &str, value: &str) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    let by = inv.env.analyst.clone();
    let (s, given) = session::update(&o.case.state_dir, &o.exercise, o.now, |s| {
        s.answer(&o.exercise, question, value, &by, o.now).cloned()
    })?;
    let verdict = match given.verdict.correct {
        Some(true) => "right",
        Some(false) => "wrong",
        None => "recorded for the debrief",
    };
    outln!("{}: {verdict}; score {} of {}", question.trim(), s.score(&o.exercise), o.exercise.max_points());
    Ok(0)
}

/// `harrier exercise hint`: takes and prints the next hint of a question.
fn hint(inv: Invocation, exercise: &Path, question: &str) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    let (_, hint) =
        session::update(&o.case.state_dir, &o.exercise, o.now, |s| s.take_hint(&o.exercise, question, o.now).cloned())?;
    outln!("hint (−{} points): {}", hint.cost, hint.text);
    Ok(0)
}

/// How `harrier exercise clock` was asked to move the replay clock (at most one is given).
struct ClockMove {
    next_inject: bool,
    at: Option<String>,
    run: Option<f64>,
    pause: bool,
}

/// `harrier exercise clock`: moves the replay clock and prints the injects fired so far.
fn clock(inv: Invocation, exercise: &Path, to: ClockMove) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    let tz = inv.zone(&o.case)?;
    let ClockMove { next_inject, at, run, pause } = to;
    let at =
        at.map(|t| harrier::time::format::parse_bound(&t, tz).map_err(|e| usage(format!("--at: {e}")))).transpose()?;
    if !next_inject && at.is_none() && run.is_none() && !pause {
        return Err(usage("say how to move the clock: --next-inject, --at T, --run SPEED or --pause"));
    }
    let (s, ()) = session::update(&o.case.state_dir, &o.exercise, o.now, |s| {
        if next_inject {
            s.step_to_next_inject(&o.exercise, o.now);
        } else if let Some(t) = at {
            s.clock.jump(t, o.now);
        } else if let Some(speed) = run {
            s.clock.run(speed, o.now).map_err(harrier::exercise::ExerciseError::Refused)?;
        } else {
            s.clock.pause(o.now);
        }
        Ok(())
    })?;
    print_injects(&o, &s, tz)?;
    Ok(0)
}

/// `harrier exercise status`: clock, injects, visible alerts, questions and score, as text or JSON.
fn status(inv: Invocation, exercise: &Path, facilitator: bool, json: bool) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    let tz = inv.zone(&o.case)?;
    let s = session::load(&o.case.state_dir, &o.exercise, o.now)?;
    let alerts = visible_alerts(&o, &s)?;
    if json {
        outln!("{}", harrier::text::sanitize::json_pretty(&status_json(&o, &s, &alerts, facilitator))?);
    } else {
        print_status(&o, &s, alerts.len(), facilitator, tz)?;
    }
    Ok(0)
}

/// The status as text: the fired injects (and, for the facilitator, the upcoming ones), then each question.
fn print_status(o: &Opened, s: &Session, alerts: usize, facilitator: bool, tz: chrono_tz::Tz) -> Result<()> {
    print_injects(o, s, tz)?;
    if facilitator {
        let pos = s.position(o.now);
        for i in o.exercise.injects.iter().filter(|i| i.at > pos) {
            outln!(
                "upcoming {} at {}: {}",
                i.id,
                harrier::time::format::show(Some(i.at), tz),
                harrier::text::sanitize::clean(&i.message)
            );
        }
    }
    outln!("alerts visible: {}", alerts);
    for q in &o.exercise.questions {
        let a = s.answers.get(&q.id);
        let sc = s.score_of(q);
        out!("  {} [{}/{}] {}", q.id, sc.earned, q.points, q.prompt);
        match a {
            Some(a) => out!(" -> {}", a.value),
            None => out!(" -> (not answered)"),
        }
        if facilitator {
            out!("  [key: {}]", harrier::exercise::answer::expected(q));
        }
        outln!();
    }
    outln!("score {} of {}", s.score(&o.exercise), o.exercise.max_points());
    Ok(())
}

/// `harrier exercise report`: the debrief, written to `output` or standard output.
fn debrief(inv: Invocation, exercise: &Path, format: DebriefFormatArg, output: Option<PathBuf>) -> Result<u8> {
    let o = open(exercise, inv.state_dir, inv.env)?;
    let tz = inv.zone(&o.case)?;
    let s = session::load(&o.case.state_dir, &o.exercise, o.now)?;
    let progress = CaseState::of(&o.case, inv.env).progress()?;
    let d = debrief::build(&o.exercise, &s, &progress, o.now);
    let fmt = match format {
        DebriefFormatArg::Md => DebriefFormat::Markdown,
        DebriefFormatArg::Html => DebriefFormat::Html,
    };
    let text = debrief::render(&d, fmt, tz);
    match output {
        Some(p) => {
            harrier::case::write_atomic(&p, text.as_bytes()).with_context(|| format!("writing {}", p.display()))?
        }
        None => out!("{text}"),
    }
    Ok(0)
}

fn print_injects(o: &Opened, s: &Session, tz: chrono_tz::Tz) -> Result<()> {
    use harrier::time::format::show;
    let pos = s.position(o.now);
    outln!("clock {}{}", show(Some(pos), tz), if s.clock.is_running() { " (running)" } else { " (paused)" });
    for i in o.exercise.injects.iter().filter(|i| i.at <= pos) {
        outln!("inject {} at {}: {}", i.id, show(Some(i.at), tz), harrier::text::sanitize::clean(&i.message));
    }
    Ok(())
}

/// Alerts the analytics raise over what the replay shows.
fn visible_alerts(o: &Opened, s: &Session) -> Result<Vec<harrier::analytics::Alert>> {
    if !o.case.is_ingested() {
        return Ok(Vec::new());
    }
    let index = CaseIndex::open(&o.case.index_dir())?;
    index.set_visibility(Some(s.visibility(&o.exercise, o.now)));
    let ctx = DetectContext::all(o.case.config.clone(), o.now);
    Ok(detect(&index, &ctx)?.alerts)
}

fn status_json(o: &Opened, s: &Session, alerts: &[harrier::analytics::Alert], facilitator: bool) -> serde_json::Value {
    let pos = s.position(o.now);
    let questions: Vec<_> = o
        .exercise
        .questions
        .iter()
        .map(|q| {
            let a = s.answers.get(&q.id);
            let mut v = serde_json::json!({
                "id": q.id, "prompt": q.prompt, "points": q.points, "earned": s.score_of(q).earned,
                "answer": a.map(|a| a.value.clone()), "correct": a.and_then(|a| a.verdict.correct),
                "hints_used": s.hints.get(&q.id).map_or(0, Vec::len),
            });
            if facilitator {
                v["key"] = serde_json::json!(harrier::exercise::answer::expected(q));
                v["answered_at"] = serde_json::json!(a.map(|a| a.wall));
            }
            v
        })
        .collect();
    let injects: Vec<_> = o
        .exercise
        .injects
        .iter()
        .filter(|i| facilitator || i.at <= pos)
        .map(|i| serde_json::json!({"id": i.id, "at": i.at, "message": i.message, "fired": i.at <= pos}))
        .collect();
    serde_json::json!({
        "title": o.exercise.exercise.title,
        "clock": pos,
        "running": s.clock.is_running(),
        "sources": s.sources(&o.exercise, o.now),
        "injects": injects,
        "alerts": alerts.iter().map(|a| serde_json::json!({"id": a.id, "analytic": a.analytic, "title": a.title})).collect::<Vec<_>>(),
        "questions": questions,
        "score": s.score(&o.exercise),
        "max": o.exercise.max_points(),
    })
}
