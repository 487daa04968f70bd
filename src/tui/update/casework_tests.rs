//! Case work state changes: keys and command lines in, the App and the requested writes out.

use super::*;
use crate::case::state::{CaseState, SuppressionPlan, TriageStatus};
use crate::index::query::ParsedQuery;
use crate::model::Severity;
use crate::tui::state::alerts::{Alert, AlertEntities, AlertsState};
use crate::tui::state::casebook::{self, checklist, runbook_of};
use crate::tui::state::keymap::Command;
use crate::tui::state::overview::OverviewData;
use crate::tui::state::View;
use crate::tui::update::action::PromptKey;
use crate::tui::update::job::{self, CaseJob};

fn alert(id: &str, user: &str) -> Alert {
    Alert {
        id: id.into(),
        analytic: "AN1350".into(),
        title: "Inbox rule".into(),
        severity: Severity::High,
        first_seen: None,
        last_seen: None,
        entities: AlertEntities { users: vec![user.into()], ..Default::default() },
        evidence: Vec::new(),
        reasons: vec!["new rule".into()],
        baseline: Vec::new(),
        attack: Default::default(),
        incident: None,
        rule: None,
    }
}

/// An App on the alerts queue of two alerts.
fn queue() -> App {
    let mut app = App::new("case".into(), chrono_tz::UTC);
    update(&mut app, Action::Resize { width: 80, height: 24 });
    let gen = start(&mut app).into_iter().find_map(|j| match j {
        Job::LoadOverview { gen } => Some(gen),
        _ => None,
    });
    let data = OverviewData {
        ledger: Default::default(),
        per_source: Vec::new(),
        total: 0,
        first: None,
        last: None,
        alerts: AlertsState::Loaded(vec![alert("A-1", "adele@contoso.com"), alert("A-2", "alex@contoso.com")]),
        coverage_gaps: Vec::new(),
        bookmarks: Ok(Vec::new()),
        history: Ok(Vec::new()),
    };
    update(&mut app, Action::OverviewLoaded { gen: gen.unwrap(), result: Ok(Box::new(data)) });
    cmd(&mut app, Command::ScreenAlerts);
    app
}

fn cmd(app: &mut App, c: Command) -> Vec<Job> {
    update(app, Action::Command(c))
}

fn line(app: &mut App, text: &str) -> Vec<Job> {
    cmd(app, Command::CommandLine);
    for c in text.chars() {
        update(app, Action::Prompt(PromptKey::Char(c)));
    }
    update(app, Action::Prompt(PromptKey::Submit))
}

#[test]
fn x_ticks_and_unticks_the_selected_runbook_step_and_asks_the_core_to_save_it() {
    let mut app = queue();
    cmd(&mut app, Command::Open);
    let jobs = cmd(&mut app, Command::TickStep);
    assert!(jobs.is_empty(), "no step is selected before r");
    assert!(app.status.as_ref().is_some_and(|s| s.error));
    cmd(&mut app, Command::Runbook);
    cmd(&mut app, Command::Down);
    let second = checklist(runbook_of(app.alert("A-1").unwrap()))[1].1.id.clone();
    let jobs = cmd(&mut app, Command::TickStep);
    match jobs.as_slice() {
        [Job::Case(CaseJob::SetStep { alert_id, step_id, done: Some(true), note: None, .. })] => {
            assert_eq!((alert_id.as_str(), step_id.as_str()), ("A-1", second.as_str()));
        }
        other => panic!("unexpected jobs {other:?}"),
    }
    assert!(app.case_book().step("A-1", &second).is_some_and(|p| p.done), "the tick shows at once");
    assert!(app.case_book().progress_label(app.alert("A-1").unwrap()).starts_with("1/"));
    let jobs = cmd(&mut app, Command::TickStep);
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::SetStep { done: Some(false), .. })]));
    assert!(!app.case_book().step("A-1", &second).unwrap().done);
    // c opens the command line on the step's note; submitting saves it.
    cmd(&mut app, Command::Annotate);
    assert_eq!(app.prompt.as_ref().map(|p| p.text.as_str()), Some("step-note "));
    for c in "rule seen on 3 mailboxes".chars() {
        update(&mut app, Action::Prompt(PromptKey::Char(c)));
    }
    let jobs = update(&mut app, Action::Prompt(PromptKey::Submit));
    assert!(matches!(jobs.as_slice(),
        [Job::Case(CaseJob::SetStep { done: None, note: Some(n), .. })] if n == "rule seen on 3 mailboxes"));
    // r gives the keys back to the pivots.
    cmd(&mut app, Command::Runbook);
    assert!(matches!(app.top(), View::AlertDetail { step: None, .. }));
}

#[test]
fn closing_triage_needs_a_reason_and_open_statuses_do_not() {
    let mut app = queue();
    let jobs = line(&mut app, "triage fp");
    assert!(jobs.is_empty());
    let p = app.prompt.as_ref().expect("the line stays open to add the reason");
    assert!(p.error.as_deref().is_some_and(|e| e.contains("needs a reason")), "{p:?}");
    app.prompt = None;
    let jobs = line(&mut app, "triage fp travel confirmed by the user");
    match jobs.as_slice() {
        [Job::Case(CaseJob::SetTriage { alert_id, status: TriageStatus::FalsePositive, reason: Some(r) })] => {
            assert_eq!((alert_id.as_str(), r.as_str()), ("A-1", "travel confirmed by the user"));
        }
        other => panic!("unexpected jobs {other:?}"),
    }
    assert!(app.prompt.is_none());
    cmd(&mut app, Command::Down);
    let jobs = line(&mut app, "triage investigating");
    assert!(matches!(jobs.as_slice(),
        [Job::Case(CaseJob::SetTriage { alert_id, status: TriageStatus::Investigating, reason: None })] if alert_id == "A-2"));
    let jobs = line(&mut app, "triage-entity user:alex@contoso.com bp known admin script");
    assert!(matches!(jobs.as_slice(),
        [Job::Case(CaseJob::BulkTriage { entity, status: TriageStatus::BenignPositive, reason: Some(_) })]
        if entity.value == "alex@contoso.com"));
}

#[test]
fn status_filter_cycles_and_hides_closed_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let state = CaseState::new(dir.path(), &crate::runenv::RunEnv::default());
    state.set_triage("A-1", TriageStatus::TruePositive, Some("mailbox rule forwarding out")).unwrap();
    let mut app = queue();
    update(&mut app, Action::CaseLoaded { result: casebook::load(&state).map(Box::new) });
    assert_eq!(app.filtered_alerts().len(), 2);
    cmd(&mut app, Command::FilterStatus);
    let ids: Vec<&str> = app.filtered_alerts().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["A-2"], "open: the true positive is hidden");
    for _ in 0..3 {
        cmd(&mut app, Command::FilterStatus);
    }
    let ids: Vec<&str> = app.filtered_alerts().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["A-1"], "true positives only");
}

#[test]
fn suppress_previews_and_writes_only_on_confirm() {
    let mut app = queue();
    let jobs = line(&mut app, "suppress");
    assert!(jobs.is_empty());
    assert!(app.prompt.as_ref().and_then(|p| p.error.as_deref()).is_some_and(|e| e.contains("false or benign")));
    app.prompt = None;
    let dir = tempfile::tempdir().unwrap();
    let state = CaseState::new(dir.path(), &crate::runenv::RunEnv::default());
    state.set_triage("A-1", TriageStatus::FalsePositive, Some("the user's own script")).unwrap();
    update(&mut app, Action::CaseLoaded { result: casebook::load(&state).map(Box::new) });
    let plan = || SuppressionPlan {
        alert_id: "A-1".into(),
        analytic: "AN1350".into(),
        changes: Vec::new(),
        path: "case.toml".into(),
        before: "[allow]\n".into(),
        after: "[allow]\nautomation_accounts = [\"adele@contoso.com\"]\n".into(),
    };
    let ask = |app: &mut App| -> u64 {
        match line(app, "suppress").as_slice() {
            [Job::Case(CaseJob::PlanSuppression { gen, alert_id })] if alert_id == "A-1" => *gen,
            other => panic!("unexpected jobs {other:?}"),
        }
    };
    let gen = ask(&mut app);
    update(&mut app, Action::SuppressionPlanned { gen: gen + 100, result: Ok(Box::new(plan())) });
    assert!(app.suppress.is_none(), "a stale preview is dropped");
    update(&mut app, Action::SuppressionPlanned { gen, result: Ok(Box::new(plan())) });
    assert!(app.suppress.is_some());
    assert!(cmd(&mut app, Command::Down).is_empty(), "keys scroll the preview and write nothing");
    assert!(cmd(&mut app, Command::TickStep).is_empty());
    assert!(cmd(&mut app, Command::Back).is_empty());
    assert!(app.suppress.is_none(), "Esc cancels");
    let gen = ask(&mut app);
    update(&mut app, Action::SuppressionPlanned { gen, result: Ok(Box::new(plan())) });
    let jobs = cmd(&mut app, Command::Open);
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::ApplySuppression { plan })] if plan.alert_id == "A-1"));
    assert!(app.suppress.is_none());
}

#[test]
fn notes_and_exports_are_asked_of_the_core_and_reported() {
    let mut app = queue();
    assert!(line(&mut app, "note").is_empty(), "an empty note is refused");
    app.prompt = None;
    let jobs = line(&mut app, "note Revoked sessions at 10:02");
    assert!(
        matches!(jobs.as_slice(), [Job::Case(CaseJob::AppendNote { text })] if text == "Revoked sessions at 10:02")
    );
    assert!(line(&mut app, "export csv").is_empty(), "no timeline to export yet");
    app.prompt = None;
    open_timeline(&mut app, "user:adele@contoso.com".into(), ParsedQuery::pivot("user", "adele@contoso.com"));
    let jobs = line(&mut app, "export csv");
    match jobs.as_slice() {
        [Job::Case(CaseJob::Export { query, path: job::ExportPath::InState(name), .. })] => {
            assert_eq!(*query, ParsedQuery::pivot("user", "adele@contoso.com"));
            assert!(name.ends_with("user-adele@contoso.com.csv"), "{name}");
        }
        other => panic!("unexpected jobs {other:?}"),
    }
    assert!(app.export.is_loading());
    update(&mut app, Action::ExportDone { result: Ok(("/tmp/x.csv".into(), 12)) });
    assert!(!app.export.is_loading());
    assert!(app.status.as_ref().is_some_and(|s| s.text.contains("12 events") && s.text.contains("/tmp/x.csv")));
    let jobs = cmd(&mut app, Command::ScreenNotes);
    assert!(matches!(app.top(), View::Notes { .. }));
    assert!(matches!(jobs.as_slice(), [Job::Case(CaseJob::Load)]));
}

#[test]
fn enter_on_a_step_with_a_pivot_opens_it_with_the_alert_entities_filled_in() {
    let mut app = queue();
    cmd(&mut app, Command::Open);
    cmd(&mut app, Command::Runbook);
    let a = app.alert("A-1").unwrap().clone();
    let steps = checklist(runbook_of(&a));
    let (i, pivot) = steps
        .iter()
        .enumerate()
        .find_map(|(i, (_, s))| {
            let p = s.pivot.as_ref().filter(|p| !p.placeholders().is_empty())?;
            let r = p.resolve(&crate::tui::state::casebook::pivot_entities(&a));
            r.first().cloned().map(|r| (i, r))
        })
        .expect("the runbook has a step whose pivot takes the alert's user");
    cmd(&mut app, Command::Down);
    if let Some(View::AlertDetail { step, .. }) = app.stack.last_mut() {
        *step = Some(i);
    }
    let jobs = cmd(&mut app, Command::Open);
    let View::Timeline(t) = app.top() else { panic!("a timeline opens") };
    assert_eq!(t.query, ParsedQuery::parse(&pivot.as_query()).unwrap());
    assert!(pivot.as_query().contains("adele@contoso.com"), "{pivot}");
    assert!(jobs.iter().any(|j| matches!(j, Job::LoadPage { .. })));
    let no_pivot = steps.iter().position(|(_, s)| s.pivot.is_none());
    if let Some(j) = no_pivot {
        cmd(&mut app, Command::Back);
        if let Some(View::AlertDetail { step, .. }) = app.stack.last_mut() {
            *step = Some(j);
        }
        assert!(cmd(&mut app, Command::Open).is_empty());
        assert!(matches!(app.top(), View::AlertDetail { .. }), "a step without a pivot stays put");
    }
}

/// A queue of three alerts: A-2 and A-3 one incident, A-1 alone and the most severe.
fn incident_queue() -> App {
    let mut app = queue();
    let mut a1 = alert("A-1", "adele@contoso.com");
    a1.severity = Severity::Critical;
    a1.incident = Some("inc-solo".into());
    let mut a2 = alert("A-2", "alex@contoso.com");
    a2.severity = Severity::Low;
    a2.incident = Some("inc-pair".into());
    let mut a3 = alert("A-3", "alex@contoso.com");
    a3.severity = Severity::High;
    a3.incident = Some("inc-pair".into());
    if let Some(o) = app.overview.value_mut() {
        o.alerts = AlertsState::Loaded(vec![a1, a3, a2]);
    }
    app
}

#[test]
fn the_queue_lists_incident_by_incident_and_t_then_triages_the_whole_incident() {
    let mut app = incident_queue();
    let ids = |app: &App| app.filtered_alerts().iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&app), vec!["A-1", "A-3", "A-2"], "by severity");
    cmd(&mut app, Command::GroupIncidents);
    assert!(app.filter.by_incident);
    assert_eq!(ids(&app), vec!["A-1", "A-2", "A-3"], "the worst incident first, each in time order, then by id");
    cmd(&mut app, Command::Down);
    cmd(&mut app, Command::Triage);
    assert_eq!(app.prompt.as_ref().map(|p| p.text.as_str()), Some("triage-entity incident:inc-pair "));
    app.prompt = None;
    let jobs = line(&mut app, "triage-entity incident:inc-pair tp one intrusion");
    match jobs.as_slice() {
        [Job::Case(CaseJob::BulkTriage { entity, status: TriageStatus::TruePositive, reason: Some(r) })] => {
            assert_eq!(
                (entity.kind.as_str(), entity.value.as_str(), r.as_str()),
                ("incident", "inc-pair", "one intrusion")
            );
        }
        other => panic!("unexpected jobs {other:?}"),
    }
    // A lone alert's incident is just the alert: T triages it as before.
    cmd(&mut app, Command::Top);
    cmd(&mut app, Command::Triage);
    assert_eq!(app.prompt.as_ref().map(|p| p.text.as_str()), Some("triage "));
    app.prompt = None;
    cmd(&mut app, Command::GroupIncidents);
    assert_eq!(ids(&app), vec!["A-1", "A-3", "A-2"], "I again: back to one list by severity");
}
