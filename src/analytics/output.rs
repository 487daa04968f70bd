//! Printing and saving detection results: the `detect` table, JSON and JSON lines, and the copy in the case state
//! that the workbench opens on.

use super::engine::Detection;
use crate::files::atomic::write_atomic;
use crate::model::Severity;
use crate::text::sanitize::clean;
use std::fmt::Write as _;
use std::path::Path;

/// The JSON document of the contract (`{"alerts":[…],"coverage":{…},…}`), alerts filtered by severity.
pub fn to_json(d: &Detection, min: Severity) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let Some(alerts) = v.get_mut("alerts").and_then(|a| a.as_array_mut()) {
        alerts.retain(|a| {
            a.get("severity")
                .and_then(|s| s.as_str())
                .and_then(|s| s.parse::<Severity>().ok())
                .is_some_and(|s| s >= min)
        });
    }
    let shown: std::collections::HashSet<&str> = d.at_least(min).map(|a| a.id.as_str()).collect();
    if let Some(incidents) = v.get_mut("incidents").and_then(|a| a.as_array_mut()) {
        incidents.retain(|i| {
            i.get("alerts")
                .and_then(|a| a.as_array())
                .is_some_and(|ids| ids.iter().any(|id| id.as_str().is_some_and(|id| shown.contains(id))))
        });
    }
    v
}

/// One alert per line.
pub fn to_jsonl(d: &Detection, min: Severity) -> String {
    let mut out = String::new();
    for a in d.at_least(min) {
        if let Ok(line) = crate::text::sanitize::json_line(a) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Saves the full result where the workbench looks for it.
pub fn save(d: &Detection, path: &Path) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(d).map_err(std::io::Error::other)?;
    write_atomic(path, &bytes)
}

fn paint(text: &str, sev: Severity, colour: bool) -> String {
    if !colour {
        return text.to_string();
    }
    let code = match sev {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The human table: alerts with their first reasons, then suppressions and coverage in short.
pub fn table(d: &Detection, min: Severity, colour: bool, tz: chrono_tz::Tz) -> String {
    let mut s = String::new();
    let shown: Vec<_> = d.at_least(min).collect();
    if shown.is_empty() {
        let _ = writeln!(s, "no alerts at or above {min}");
    }
    for a in &shown {
        let sev = format!("{:<8}", a.severity.as_str().to_uppercase());
        let _ = writeln!(
            s,
            "{} {}  {}  {}",
            paint(&sev, a.severity, colour),
            a.analytic,
            a.first_seen.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"),
            clean(&a.title)
        );
        if a.rule.is_sigma() {
            let author = a.rule.author.as_deref().unwrap_or("unknown");
            let _ = writeln!(s, "           Sigma rule {} by {}", clean(&a.rule.id), clean(author));
        }
        for r in a.reasons.iter().take(4) {
            let _ = writeln!(s, "           - {}", clean(r));
        }
        if a.reasons.len() > 4 {
            let _ = writeln!(s, "           - … {} more reason(s)", a.reasons.len() - 4);
        }
        let e = &a.entities;
        let mut ents = Vec::new();
        if !e.users.is_empty() {
            ents.push(format!("users {}", e.users.join(", ")));
        }
        if !e.ips.is_empty() {
            ents.push(format!("ips {}", e.ips.join(", ")));
        }
        if !e.mailboxes.is_empty() {
            ents.push(format!("mailboxes {}", e.mailboxes.join(", ")));
        }
        if !ents.is_empty() {
            let _ = writeln!(s, "           {}", clean(&ents.join(" · ")));
        }
        let _ = writeln!(s, "           id {} · {} evidence event(s)", a.id, a.evidence.len());
    }
    let below = d.alerts.len() - shown.len();
    let mut counts = [0usize; 4];
    for a in &d.alerts {
        counts[a.severity as usize] += 1;
    }
    let _ = writeln!(
        s,
        "\n{} alert(s): {} critical, {} high, {} medium, {} low{}",
        d.alerts.len(),
        counts[3],
        counts[2],
        counts[1],
        counts[0],
        if below > 0 { format!(" ({below} below {min} not shown)") } else { String::new() }
    );
    let grouped: Vec<_> = d.incidents.iter().filter(|i| i.alerts.len() > 1).collect();
    if !grouped.is_empty() {
        let _ = writeln!(s, "{} incident(s) of more than one alert:", grouped.len());
        for i in grouped {
            let sev = format!("{:<8}", i.severity.as_str().to_uppercase());
            let _ = writeln!(s, "  {} {}  {}", paint(&sev, i.severity, colour), i.id, clean(&i.title));
        }
    }
    if !d.suppressions.is_empty() {
        let total: u64 = d.suppressions.iter().map(|x| x.count).sum();
        let _ = writeln!(s, "{total} finding(s) suppressed:");
        for x in &d.suppressions {
            let _ = writeln!(s, "  {} {:>5} × {} ({})", x.analytic, x.count, clean(&x.rule), clean(&x.matched));
        }
    }
    if d.rules.sigma_loaded > 0 || !d.rules.sigma_skipped.is_empty() {
        let _ = writeln!(
            s,
            "sigma: {} rule(s) loaded, {} not loaded (see `harrier rules list`)",
            d.rules.sigma_loaded,
            d.rules.sigma_skipped.len()
        );
    }
    for c in &d.coverage.analytics {
        if c.status != "ok" {
            let _ = writeln!(s, "coverage {} {}: {}", c.analytic, c.status, clean(&c.notes.join("; ")));
        }
    }
    s
}
