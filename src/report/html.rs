//! The report as one self-contained HTML page: inline styles, no scripts, no external resources, and a print
//! layout, so it can be mailed, archived or printed to PDF as it is. Every string from the logs or the analyst is
//! escaped.

use super::model::{AlertGroup, AlertRow, Report};
use crate::text::sanitize::clean;
use std::fmt::Write as _;

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
h3{margin-top:1.4rem}.meta{color:#57606a}table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right}code{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 .2rem}
.alert{border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:4px;padding:.5rem .8rem;margin:.6rem 0}
.critical{border-left-color:#a40e26}.high{border-left-color:#cf222e}.medium{border-left-color:#bf8700}.low{border-left-color:#0969da}
.sev{font-weight:700;text-transform:uppercase}.tag{background:#ddf4ff;border-radius:3px;padding:0 .3rem;margin-right:.2rem}
pre.notes{white-space:pre-wrap;background:#f6f8fa;padding:.8rem;border-radius:4px}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}.alert,tr{break-inside:avoid}
a{color:inherit;text-decoration:none}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

/// Escapes text for HTML element content and attribute values, after removing control characters.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the whole report.
pub fn render_html(r: &Report) -> String {
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
    s.push_str("</body>\n</html>\n");
    s
}

/// The page head with its style, the title and when the report was made.
fn header(s: &mut String, r: &Report) {
    let name = esc(&r.case.name);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Case report: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(s, "<h1>Case report: {name}</h1>");
    let _ = writeln!(
        s,
        "<p class=\"meta\">Generated {} · times in {}</p>",
        r.generated_at.format("%Y-%m-%d %H:%M:%S UTC"),
        esc(&r.timezone)
    );
}

/// The incidents, most severe first, each with its storyline.
fn incidents(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Incidents</h2>");
    if r.incidents.is_empty() {
        let _ = writeln!(s, "<p>No alerts, so no incidents.</p>");
        return;
    }
    for i in &r.incidents {
        let _ = writeln!(s, "<h3>{} · {}</h3>\n<ul>", esc(&i.severity.to_uppercase()), esc(&i.title));
        let _ = writeln!(s, "<li>Incident id: <code>{}</code></li>", esc(&i.id));
        let _ = writeln!(s, "<li>Seen: {} to {}</li>", esc(&i.first_seen), esc(&i.last_seen));
        if !i.users.is_empty() {
            let _ = writeln!(s, "<li>Accounts: {}</li>", esc(&i.users.join(", ")));
        }
        if !i.techniques.is_empty() {
            let _ = writeln!(s, "<li>ATT&amp;CK: {}</li>", esc(&i.techniques.join(", ")));
        }
        let _ = writeln!(s, "</ul>\n<ol>");
        for line in &i.storyline {
            let _ = writeln!(s, "<li>{}</li>", esc(line));
        }
        let _ = writeln!(s, "</ol>");
    }
}

/// The tenant, the time span and what ingest read, in all and per source.
fn case_summary(s: &mut String, r: &Report) {
    let c = &r.case;
    let _ = writeln!(s, "<h2>Case summary</h2>\n<ul>");
    if let Some(t) = &c.tenant_id {
        let doms = if c.domains.is_empty() { String::new() } else { format!(" ({})", esc(&c.domains.join(", "))) };
        let _ = writeln!(s, "<li>Tenant: <code>{}</code>{doms}</li>", esc(t));
    }
    let _ = writeln!(
        s,
        "<li>Time span: {} to {}</li>",
        esc(c.first_event.as_deref().unwrap_or("(no events)")),
        esc(c.last_event.as_deref().unwrap_or("(no events)"))
    );
    let _ = writeln!(
        s,
        "<li>{} file(s) ({} unsupported) · {} records · {} indexed · {} duplicates · {} rejected</li>\n</ul>",
        c.files, c.unsupported_files, c.records, c.indexed, c.duplicates, c.rejected
    );
    if !c.sources.is_empty() {
        table_head(s, &["Source", "Files", "Records", "Indexed", "Duplicates", "Rejected"]);
        for x in &c.sources {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&x.source), x.files, x.records, x.indexed, x.duplicates, x.rejected
            );
        }
        s.push_str("</tbody></table>\n");
    }
}

/// The days each source covers, and whether each analytic could run.
fn coverage(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Coverage</h2>");
    if r.coverage.sources.is_empty() {
        let _ = writeln!(s, "<p>No events were indexed.</p>");
    } else {
        table_head(s, &["Source", "Events", "First day", "Last day", "Days", "Missing working days"]);
        for x in &r.coverage.sources {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&x.source), x.events, esc(&x.first_day), esc(&x.last_day), x.days, x.missing_day_count
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if !r.coverage.analytics.is_empty() {
        s.push_str("<ul>\n");
        for a in &r.coverage.analytics {
            let notes = if a.notes.is_empty() { String::new() } else { format!(": {}", esc(&a.notes.join("; "))) };
            let _ = writeln!(s, "<li>{} <b>{}</b>{notes}</li>", esc(&a.analytic), esc(&a.status));
        }
        s.push_str("</ul>\n");
    }
}

/// The alerts, grouped by triage status.
fn alerts(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Alerts</h2>");
    if r.alert_groups.is_empty() {
        let _ = writeln!(s, "<p>No alerts.</p>");
    }
    for g in &r.alert_groups {
        let _ = writeln!(s, "<h3>{} ({})</h3>", esc(&g.title), g.alerts.len());
        for a in &g.alerts {
            alert(s, g, a);
        }
    }
}

/// One alert as a box: what, when, ATT&CK, entities, its triage and its reasons.
fn alert(s: &mut String, g: &AlertGroup, a: &AlertRow) {
    let sev = esc(&a.severity);
    let _ = writeln!(s, "<div class=\"alert {sev}\">");
    let _ = writeln!(
        s,
        "<p><span class=\"sev\">{sev}</span> · {} · <b>{}</b><br><code>{}</code> · {} to {}</p>",
        esc(&a.analytic),
        esc(&a.title),
        esc(&a.id),
        esc(&a.first_seen),
        esc(&a.last_seen)
    );
    let _ = writeln!(s, "<ul>");
    if !a.techniques.is_empty() {
        let _ = writeln!(s, "<li>ATT&amp;CK: {}</li>", esc(&a.techniques.join(", ")));
    }
    if !a.entities.is_empty() {
        let _ = writeln!(s, "<li>Entities: {}</li>", esc(&a.entities.join(" · ")));
    }
    if let (Some(by), Some(at)) = (&a.triaged_by, &a.triaged_at) {
        let why = a.triage_reason.as_deref().map(|r| format!(": {}", esc(r))).unwrap_or_default();
        let _ = writeln!(s, "<li>Triage: {} by {} at {}{why}</li>", esc(&g.title), esc(by), esc(at));
    }
    for reason in &a.reasons {
        let _ = writeln!(s, "<li>{}</li>", esc(reason));
    }
    let _ = writeln!(s, "</ul>\n</div>");
}

/// The findings the case's allowlists silenced, when there are any.
fn suppressions(s: &mut String, r: &Report) {
    if r.suppressions.is_empty() {
        return;
    }
    let total: u64 = r.suppressions.iter().map(|x| x.count).sum();
    let _ = writeln!(s, "<p>{total} finding(s) suppressed:</p>\n<ul>");
    for x in &r.suppressions {
        let _ = writeln!(s, "<li>{} {} × {} ({})</li>", esc(&x.analytic), x.count, esc(&x.rule), esc(&x.matched));
    }
    s.push_str("</ul>\n");
}

/// The bookmarked events, in time order.
fn evidence(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Evidence timeline</h2>");
    if r.evidence.is_empty() {
        let _ = writeln!(s, "<p>No bookmarked events.</p>");
        return;
    }
    table_head(s, &["Time", "Source", "Operation", "Actor", "IP", "Tags", "Comment", "Origin"]);
    for e in &r.evidence {
        let tags: String = e.tags.iter().map(|t| format!("<span class=\"tag\">{}</span>", esc(t))).collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{tags}</td><td>{}</td><td><code>{}</code></td></tr>",
            esc(&e.time),
            esc(&e.source),
            esc(&e.operation),
            esc(&e.actor),
            esc(&e.ip),
            esc(e.comment.as_deref().unwrap_or("")),
            esc(&e.origin)
        );
    }
    s.push_str("</tbody></table>\n");
}

/// Each alert's runbook: steps done out of all, and the steps worked on.
fn runbooks(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Runbook progress</h2>");
    if r.runbooks.is_empty() {
        let _ = writeln!(s, "<p>No alerts, no runbooks.</p>");
        return;
    }
    s.push_str("<ul>\n");
    for rb in &r.runbooks {
        let _ = write!(
            s,
            "<li><code>{}</code> {} · {}: {}/{} steps done",
            esc(&rb.alert_id),
            esc(&rb.analytic),
            esc(&rb.runbook_title),
            rb.done,
            rb.total
        );
        if !rb.steps.is_empty() {
            s.push_str("\n<ul>\n");
            for st in &rb.steps {
                let note = st.note.as_deref().map(|n| format!(": {}", esc(n))).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "<li>{} {} / {}{note} ({} at {})</li>",
                    if st.done { "&#9745;" } else { "&#9744;" },
                    esc(&st.phase),
                    esc(&st.title),
                    esc(&st.by),
                    esc(&st.at)
                );
            }
            s.push_str("</ul>\n");
        }
        s.push_str("</li>\n");
    }
    s.push_str("</ul>\n");
}

/// The analyst's notes, as preformatted text.
fn notes(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>Case notes</h2>");
    if r.notes.trim().is_empty() {
        let _ = writeln!(s, "<p>No notes.</p>");
    } else {
        let lines: Vec<String> = r.notes.lines().map(esc).collect();
        let _ = writeln!(s, "<pre class=\"notes\">{}</pre>", lines.join("\n"));
    }
}

/// Every analytic with its ATT&CK techniques and how many alerts it raised.
fn attack(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>ATT&amp;CK mapping</h2>");
    table_head(s, &["Analytic", "Detection strategy", "Techniques", "Alerts", "What it looks for"]);
    for a in &r.attack {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&a.analytic),
            esc(&a.detection_strategy),
            esc(&a.techniques.join(", ")),
            a.alerts,
            esc(&a.title)
        );
    }
    s.push_str("</tbody></table>\n");
}

fn table_head(s: &mut String, cols: &[&str]) {
    s.push_str("<table><thead><tr>");
    for c in cols {
        let _ = write!(s, "<th>{c}</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_and_control_characters_are_neutralised() {
        assert_eq!(esc("<img src=x onerror='a'>&\""), "&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;");
        assert_eq!(esc("a\x1bb"), "a?b");
    }
}
