//! The report's content, gathered from the ledger, the detection results and the analyst state.

use super::ReportError;
use crate::analytics::params;
use crate::analytics::saved::{SavedAlert, SavedCoverage, SavedDetection, SavedSuppression};
use crate::case::state::{CaseState, TriageBook, TriageStatus};
use crate::case::{Case, Ledger};
use crate::runbook;
use crate::time::format::show;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything a report says.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub generated_at: DateTime<Utc>,
    /// Zone of every displayed time.
    pub timezone: String,
    pub case: CaseSummary,
    pub coverage: SavedCoverage,
    /// The alerts grouped into incidents, most severe first: what the report leads with.
    pub incidents: Vec<IncidentRow>,
    /// Alerts by triage status: true positives first, false positives last.
    pub alert_groups: Vec<AlertGroup>,
    pub suppressions: Vec<SavedSuppression>,
    /// Bookmarked events in time order.
    pub evidence: Vec<EvidenceRow>,
    pub runbooks: Vec<RunbookRow>,
    /// The analyst's Markdown notes.
    pub notes: String,
    pub attack: Vec<AttackRow>,
}

/// The case at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub name: String,
    pub tenant_id: Option<String>,
    pub domains: Vec<String>,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
    pub files: usize,
    pub unsupported_files: usize,
    pub records: u64,
    pub indexed: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub sources: Vec<SourceRow>,
}

/// Files and records per log source, from the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub source: String,
    pub files: usize,
    pub records: u64,
    pub indexed: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

/// Alerts sharing a triage status.
#[derive(Debug, Clone, Serialize)]
pub struct AlertGroup {
    pub status: TriageStatus,
    pub title: String,
    pub alerts: Vec<AlertRow>,
}

/// One alert with its triage.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    pub id: String,
    pub analytic: String,
    pub title: String,
    pub severity: String,
    pub first_seen: String,
    pub last_seen: String,
    /// `user: a@b.example`, `ip: 203.0.113.7`, …
    pub entities: Vec<String>,
    pub reasons: Vec<String>,
    pub techniques: Vec<String>,
    pub triage_reason: Option<String>,
    pub triaged_by: Option<String>,
    pub triaged_at: Option<String>,
}

/// One bookmarked event.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub time: String,
    pub time_utc: Option<DateTime<Utc>>,
    pub source: String,
    pub operation: String,
    pub actor: String,
    pub ip: String,
    pub tags: Vec<String>,
    pub comment: Option<String>,
    pub event_id: String,
    pub origin: String,
}

/// One incident as the report shows it: its span in the case's zone and its storyline.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub first_seen: String,
    pub last_seen: String,
    pub users: Vec<String>,
    pub ips: Vec<String>,
    pub techniques: Vec<String>,
    pub storyline: Vec<String>,
}

/// The incidents of a run, as rows.
fn incident_rows(detection: &SavedDetection, tz: chrono_tz::Tz) -> Vec<IncidentRow> {
    detection
        .incidents
        .iter()
        .map(|i| IncidentRow {
            id: i.id.clone(),
            title: i.title.clone(),
            severity: i.severity.as_str().to_string(),
            first_seen: show(Some(i.first_seen), tz),
            last_seen: show(Some(i.last_seen), tz),
            users: i.entities.users.clone(),
            ips: i.entities.ips.clone(),
            techniques: i.techniques.clone(),
            // The storyline again, in the report's zone.
            storyline: i
                .alerts
                .iter()
                .filter_map(|id| detection.alert(id))
                .map(|a| format!("{} · {} · {} · {}", show(a.first_seen, tz), a.severity.as_str(), a.analytic, a.title))
                .collect(),
        })
        .collect()
}

/// Checklist progress of one alert.
#[derive(Debug, Clone, Serialize)]
pub struct RunbookRow {
    pub alert_id: String,
    pub analytic: String,
    pub runbook: String,
    pub runbook_title: String,
    pub done: usize,
    pub total: usize,
    /// Steps with progress recorded (ticked or annotated), in runbook order.
    pub steps: Vec<StepRow>,
}

/// One step with progress.
#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    pub phase: String,
    pub id: String,
    pub title: String,
    pub done: bool,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// An analytic's ATT&CK mapping and how many alerts it raised.
#[derive(Debug, Clone, Serialize)]
pub struct AttackRow {
    pub analytic: String,
    pub title: String,
    pub detection_strategy: String,
    pub techniques: Vec<String>,
    pub alerts: usize,
}

/// Gathers the report.
pub fn build(
    case: &Case,
    detection: &SavedDetection,
    state: &CaseState,
    tz: chrono_tz::Tz,
    generated_at: DateTime<Utc>,
) -> Result<Report, ReportError> {
    let ledger = Ledger::load(&case.ledger_path());
    let triage = state.triage()?;
    let progress = state.progress()?;
    let mut bookmarks = state.bookmarks()?;
    bookmarks.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.event_id.cmp(&b.event_id)));
    let evidence = bookmarks
        .into_iter()
        .map(|b| EvidenceRow {
            time: show(b.ts, tz),
            time_utc: b.ts,
            source: b.source,
            operation: b.operation,
            actor: b.actor,
            ip: b.ip,
            tags: b.tags,
            comment: b.comment,
            event_id: b.event_id,
            origin: b.origin,
        })
        .collect();
    let runbooks = detection
        .alerts
        .iter()
        .map(|a| {
            let rb = runbook::for_alert(&a.analytic);
            let steps = rb
                .steps()
                .filter_map(|(phase, step)| {
                    progress.step(&a.id, &step.id).map(|p| StepRow {
                        phase: phase.title().to_string(),
                        id: step.id.clone(),
                        title: step.title.clone(),
                        done: p.done,
                        note: p.note.clone(),
                        by: p.by.clone(),
                        at: show(Some(p.at), tz),
                    })
                })
                .collect();
            RunbookRow {
                alert_id: a.id.clone(),
                analytic: a.analytic.clone(),
                runbook: rb.id().to_string(),
                runbook_title: rb.title().to_string(),
                done: progress.done_count(&a.id, rb),
                total: rb.step_count(),
                steps,
            }
        })
        .collect();
    Ok(Report {
        generated_at,
        timezone: tz.name().to_string(),
        case: summary(case, &ledger, tz),
        coverage: detection.coverage.clone(),
        incidents: incident_rows(detection, tz),
        alert_groups: groups(&detection.alerts, &triage, tz),
        suppressions: detection.suppressions.clone(),
        evidence,
        runbooks,
        notes: state.notes()?,
        attack: attack_rows(&detection.alerts),
    })
}

fn summary(case: &Case, ledger: &Ledger, tz: chrono_tz::Tz) -> CaseSummary {
    let mut sources: BTreeMap<String, SourceRow> = BTreeMap::new();
    let mut first: Option<DateTime<Utc>> = None;
    let mut last: Option<DateTime<Utc>> = None;
    let parse = |s: &Option<String>| {
        s.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc))
    };
    let mut unsupported = 0;
    for f in &ledger.files {
        if f.format == "unsupported" {
            unsupported += 1;
            continue;
        }
        // Snapshots hold facts about the tenant, not events of a log source.
        if f.is_snapshot() {
            continue;
        }
        let row = sources.entry(f.source.clone()).or_insert_with(|| SourceRow {
            source: f.source.clone(),
            files: 0,
            records: 0,
            indexed: 0,
            duplicates: 0,
            rejected: 0,
        });
        row.files += 1;
        row.records += f.records;
        row.indexed += f.indexed;
        row.duplicates += f.duplicates;
        row.rejected += f.rejected;
        if let Some(t) = parse(&f.first_event) {
            first = Some(first.map_or(t, |x| x.min(t)));
        }
        if let Some(t) = parse(&f.last_event) {
            last = Some(last.map_or(t, |x| x.max(t)));
        }
    }
    let t = &ledger.totals;
    CaseSummary {
        name: case.name(),
        tenant_id: case.config.tenant.id.clone(),
        domains: case.config.tenant.domains.clone(),
        first_event: first.map(|t| show(Some(t), tz)),
        last_event: last.map(|t| show(Some(t), tz)),
        files: ledger.files.len(),
        unsupported_files: unsupported,
        records: t.records,
        indexed: t.indexed,
        duplicates: t.duplicates,
        rejected: t.rejected,
        sources: sources.into_values().collect(),
    }
}

fn entities_of(a: &SavedAlert) -> Vec<String> {
    let e = &a.entities;
    let mut out = Vec::new();
    for (kind, list) in [
        ("user", &e.users),
        ("ip", &e.ips),
        ("session", &e.sessions),
        ("mailbox", &e.mailboxes),
        ("tenant", &e.tenants),
    ] {
        out.extend(list.iter().map(|v| format!("{kind}: {v}")));
    }
    for app in &e.apps {
        match e.app_names.get(app) {
            Some(name) => out.push(format!("app: {name} ({app})")),
            None => out.push(format!("app: {app}")),
        }
    }
    out
}

fn groups(alerts: &[SavedAlert], triage: &TriageBook, tz: chrono_tz::Tz) -> Vec<AlertGroup> {
    TriageStatus::ALL
        .iter()
        .filter_map(|status| {
            let rows: Vec<AlertRow> = alerts
                .iter()
                .filter(|a| triage.status_of(&a.id) == *status)
                .map(|a| {
                    let t = triage.get(&a.id);
                    AlertRow {
                        id: a.id.clone(),
                        analytic: a.analytic.clone(),
                        title: a.title.clone(),
                        severity: a.severity.as_str().to_string(),
                        first_seen: show(a.first_seen, tz),
                        last_seen: show(a.last_seen, tz),
                        entities: entities_of(a),
                        reasons: a.reasons.clone(),
                        techniques: a.attack.techniques.clone(),
                        triage_reason: t.and_then(|t| t.reason.clone()),
                        triaged_by: t.map(|t| t.by.clone()),
                        triaged_at: t.map(|t| show(Some(t.at), tz)),
                    }
                })
                .collect();
            (!rows.is_empty()).then(|| AlertGroup { status: *status, title: status.title().to_string(), alerts: rows })
        })
        .collect()
}

fn attack_rows(alerts: &[SavedAlert]) -> Vec<AttackRow> {
    params::metadata()
        .map(|metas| {
            metas
                .iter()
                .map(|m| AttackRow {
                    analytic: m.id.clone(),
                    title: m.title.clone(),
                    detection_strategy: m.attack.detection_strategy.clone(),
                    techniques: m.attack.techniques.clone(),
                    alerts: alerts.iter().filter(|a| a.analytic.eq_ignore_ascii_case(&m.id)).count(),
                })
                .collect()
        })
        .unwrap_or_default()
}
