//! The report as Markdown: for tickets, wikis and plain-text hand-over.

use super::model::{AlertGroup, AlertRow, Report};
use crate::text::sanitize::clean;
use std::fmt::Write as _;

/// Makes log-derived text inert in Markdown: no control characters, no markup, no table breaks.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders the whole report.
pub fn render_markdown(r: &Report) -> String {
    let mut s = String::new();
    header(&mut s, r);
    case_summary(&mut s, r);
    incidents(&mut s, r);
    coverage(&mut s, r);
    alerts(&mut s, r);
    suppressions(&mut s, r);
    evidence(&mut s, r);
    runbooks(&mut s, r);
    notes(&mut s, r);
    attack(&mut s, r);
    s
}

/// The title and when the report was made.
fn header(s: &mut String, r: &Report) {
    let _ = writeln!(s, "# Case report: {}\n", md(&r.case.name));
    let _ = writeln!(s, "Generated {} · times in {}\n", r.generated_at.format("%Y-%m-%d %H:%M:%S UTC"), r.timezone);
}

/// The incidents, most severe first, each with its storyline.
fn incidents(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Incidents\n");
    if r.incidents.is_empty() {
        let _ = writeln!(s, "No alerts, so no incidents.\n");
        return;
    }
    for i in &r.incidents {
        let _ = writeln!(s, "### {} · {}\n", i.severity.to_uppercase(), md(&i.title));
        let _ = writeln!(s, "- Incident id: `{}`", md(&i.id));
        let _ = writeln!(s, "- Seen: {} to {}", i.first_seen, i.last_seen);
        if !i.users.is_empty() {
            let _ = writeln!(s, "- Accounts: {}", md(&i.users.join(", ")));
        }
        if !i.techniques.is_empty() {
            let _ = writeln!(s, "- ATT&CK: {}", md(&i.techniques.join(", ")));
        }
        let _ = writeln!(s, "- Storyline:");
        for line in &i.storyline {
            let _ = writeln!(s, "  1. {}", md(line));
        }
        let _ = writeln!(s);
    }
}

/// The tenant, the time span and what ingest read, in all and per source.
fn case_summary(s: &mut String, r: &Report) {
    let c = &r.case;
    let _ = writeln!(s, "## Case summary\n");
    if let Some(t) = &c.tenant_id {
        let _ = writeln!(s, "- Tenant: {}{}", md(t), domains(&c.domains));
    }
    let _ = writeln!(
        s,
        "- Time span: {} to {}",
        c.first_event.as_deref().unwrap_or("(no events)"),
        c.last_event.as_deref().unwrap_or("(no events)")
    );
    let _ = writeln!(
        s,
        "- {} file(s) ({} unsupported) · {} records · {} indexed · {} duplicates · {} rejected\n",
        c.files, c.unsupported_files, c.records, c.indexed, c.duplicates, c.rejected
    );
    if !c.sources.is_empty() {
        let _ = writeln!(s, "| Source | Files | Records | Indexed | Duplicates | Rejected |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
        for x in &c.sources {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md(&x.source),
                x.files,
                x.records,
                x.indexed,
                x.duplicates,
                x.rejected
            );
        }
        s.push('\n');
    }
}

/// The days each source covers, and whether each analytic could run.
fn coverage(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Coverage\n");
    if r.coverage.sources.is_empty() {
        let _ = writeln!(s, "No events were indexed.\n");
    } else {
        let _ = writeln!(s, "| Source | Events | First day | Last day | Days | Missing working days |");
        let _ = writeln!(s, "|---|---:|---|---|---:|---:|");
        for x in &r.coverage.sources {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md(&x.source),
                x.events,
                x.first_day,
                x.last_day,
                x.days,
                x.missing_day_count
            );
        }
        s.push('\n');
    }
    for a in &r.coverage.analytics {
        let notes = if a.notes.is_empty() { String::new() } else { format!(": {}", md(&a.notes.join("; "))) };
        let _ = writeln!(s, "- {} {}{}", a.analytic, a.status, notes);
    }
    s.push('\n');
}

/// The alerts, grouped by triage status.
fn alerts(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Alerts\n");
    if r.alert_groups.is_empty() {
        let _ = writeln!(s, "No alerts.\n");
    }
    for g in &r.alert_groups {
        let _ = writeln!(s, "### {} ({})\n", g.title, g.alerts.len());
        for a in &g.alerts {
            alert(s, g, a);
        }
    }
}

/// One alert: what, when, ATT&CK, entities, its triage and its reasons.
fn alert(s: &mut String, g: &AlertGroup, a: &AlertRow) {
    let _ = writeln!(s, "#### {} · {} · {}\n", a.severity.to_uppercase(), a.analytic, md(&a.title));
    let _ = writeln!(s, "- Alert id: `{}`", clean(&a.id).replace('`', "'"));
    let _ = writeln!(s, "- Seen: {} to {}", a.first_seen, a.last_seen);
    if !a.techniques.is_empty() {
        let _ = writeln!(s, "- ATT&CK: {}", md(&a.techniques.join(", ")));
    }
    if !a.entities.is_empty() {
        let _ = writeln!(s, "- Entities: {}", md(&a.entities.join(" · ")));
    }
    if let (Some(by), Some(at)) = (&a.triaged_by, &a.triaged_at) {
        let why = a.triage_reason.as_deref().map(|r| format!(": {}", md(r))).unwrap_or_default();
        let _ = writeln!(s, "- Triage: {} by {} at {}{}", g.title, md(by), at, why);
    }
    if !a.reasons.is_empty() {
        let _ = writeln!(s, "- Reasons:");
        for reason in &a.reasons {
            let _ = writeln!(s, "  - {}", md(reason));
        }
    }
    s.push('\n');
}

/// The findings the case's allowlists silenced, when there are any.
fn suppressions(s: &mut String, r: &Report) {
    if r.suppressions.is_empty() {
        return;
    }
    let total: u64 = r.suppressions.iter().map(|x| x.count).sum();
    let _ = writeln!(s, "{total} finding(s) suppressed:\n");
    for x in &r.suppressions {
        let _ = writeln!(s, "- {} {} × {} ({})", x.analytic, x.count, md(&x.rule), md(&x.matched));
    }
    s.push('\n');
}

/// The bookmarked events, in time order.
fn evidence(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Evidence timeline\n");
    if r.evidence.is_empty() {
        let _ = writeln!(s, "No bookmarked events.\n");
        return;
    }
    let _ = writeln!(s, "| Time | Source | Operation | Actor | IP | Tags | Comment | Origin |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    for e in &r.evidence {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.time,
            md(&e.source),
            md(&e.operation),
            md(&e.actor),
            md(&e.ip),
            md(&e.tags.join(", ")),
            md(e.comment.as_deref().unwrap_or("")),
            md(&e.origin)
        );
    }
    s.push('\n');
}

/// Each alert's runbook: steps done out of all, and the steps worked on.
fn runbooks(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Runbook progress\n");
    if r.runbooks.is_empty() {
        let _ = writeln!(s, "No alerts, no runbooks.\n");
    }
    for rb in &r.runbooks {
        let _ = writeln!(
            s,
            "- `{}` {} · {}: {}/{} steps done",
            clean(&rb.alert_id).replace('`', "'"),
            rb.analytic,
            md(&rb.runbook_title),
            rb.done,
            rb.total
        );
        for st in &rb.steps {
            let note = st.note.as_deref().map(|n| format!(": {}", md(n))).unwrap_or_default();
            let _ = writeln!(
                s,
                "  - [{}] {} / {}{} ({} at {})",
                if st.done { "x" } else { " " },
                st.phase,
                md(&st.title),
                note,
                md(&st.by),
                st.at
            );
        }
    }
    s.push('\n');
}

/// The analyst's notes.
fn notes(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## Case notes\n");
    if r.notes.trim().is_empty() {
        let _ = writeln!(s, "No notes.\n");
        return;
    }
    // The analyst's own Markdown, shown as written, headings kept below ours; control characters are removed and
    // `<` is escaped so pasted log text cannot become live HTML where the Markdown is rendered.
    for line in r.notes.lines() {
        let line: String =
            line.chars().filter(|c| !c.is_control() || *c == '\t').collect::<String>().replace('<', "&lt;");
        match line.strip_prefix('#') {
            Some(rest) if line.starts_with("# ") || line.starts_with("## ") || line.starts_with("### ") => {
                let _ = writeln!(s, "###{rest}");
            }
            _ => {
                let _ = writeln!(s, "{line}");
            }
        }
    }
    s.push('\n');
}

/// Every analytic with its ATT&CK techniques and how many alerts it raised.
fn attack(s: &mut String, r: &Report) {
    let _ = writeln!(s, "## ATT&CK mapping\n");
    let _ = writeln!(s, "| Analytic | Detection strategy | Techniques | Alerts | What it looks for |");
    let _ = writeln!(s, "|---|---|---|---:|---|");
    for a in &r.attack {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            a.analytic,
            md(&a.detection_strategy),
            md(&a.techniques.join(", ")),
            a.alerts,
            md(&a.title)
        );
    }
}

fn domains(d: &[String]) -> String {
    if d.is_empty() {
        String::new()
    } else {
        format!(" ({})", md(&d.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn log_text_cannot_break_tables_or_inject_markup() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<script>"), "\\<script\\>");
        assert_eq!(md("x\x1b[2Jy\nz"), "x?\\[2Jy z");
    }
}
