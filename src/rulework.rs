//! `harrier rules`: the detection engineer's loop, listing rules and trying one over a case.

use crate::prepare::{ensure_ingested, Invocation};
use crate::RulesCommand;
use anyhow::Result;
use harrier::analytics::sigma::listing::{rows, RuleRow, SeenFields};
use harrier::analytics::sigma::{load_rules, trial};
use harrier::case::detection::sigma_sources;
use harrier::config::SigmaSection;
use harrier::index::CaseIndex;
use harrier::text::sanitize::clean;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs one `harrier rules` subcommand.
pub fn run(cmd: RulesCommand, inv: Invocation) -> Result<u8> {
    match cmd {
        RulesCommand::List { case, sigma, json } => list(inv, case.as_deref(), &sigma, json),
        RulesCommand::Test { rule, case, json } => test(inv, &rule, &case, json),
    }
}

/// `harrier rules list`.
fn list(inv: Invocation, case: Option<&Path>, sigma: &[PathBuf], json: bool) -> Result<u8> {
    let (set, seen) = match case {
        Some(path) => {
            let case = inv.open(path)?;
            ensure_ingested(&case, inv.env, inv.quiet)?;
            let sources = sigma_sources(&case, sigma, inv.env.config_dir.as_deref());
            let set = load_rules(&sources, &case.config.sigma)?;
            let index = CaseIndex::open(&case.index_dir())?;
            let mut seen = SeenFields::default();
            for ev in index.scan().flatten() {
                seen.observe(&set, &ev);
            }
            (set, Some(seen))
        }
        None => {
            let mut sources: Vec<_> = sigma
                .iter()
                .map(|p| harrier::analytics::sigma::SourceSpec { path: p.clone(), optional: false })
                .collect();
            if let Some(dir) = inv.env.config_dir.as_deref() {
                sources.push(harrier::analytics::sigma::SourceSpec { path: dir.join("sigma"), optional: true });
            }
            (load_rules(&sources, &SigmaSection::default())?, None)
        }
    };
    let table = rows(&set, seen.as_ref());
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", harrier::text::sanitize::json_pretty(&serde_json::to_value(&table)?)?)?;
    } else {
        write!(out, "{}", show_rows(&table))?;
    }
    Ok(0)
}

fn show_rows(table: &[RuleRow]) -> String {
    let mut s = String::new();
    for r in table {
        let name = if r.id.is_empty() { r.path.clone() } else { r.id.clone() };
        s.push_str(&format!("{:<7} {:<8} {}  {}\n", r.kind, r.status, clean(&name), clean(&r.title)));
        if !r.author.is_empty() {
            s.push_str(&format!("                 by {} · {}\n", clean(&r.author), clean(&r.level)));
        }
        if !r.reason.is_empty() {
            s.push_str(&format!("                 {}\n", clean(&r.reason)));
        }
        if !r.unmapped.is_empty() {
            s.push_str(&format!("                 fields not mapped: {}\n", clean(&r.unmapped.join(", "))));
        }
        if !r.lacking.is_empty() {
            s.push_str(&format!("                 fields the case never fills: {}\n", clean(&r.lacking.join(", "))));
        }
    }
    let loaded = table.iter().filter(|r| r.kind == "sigma" && r.status == "loaded").count();
    let skipped = table.iter().filter(|r| r.status == "skipped").count();
    let native = table.iter().filter(|r| r.kind == "native").count();
    s.push_str(&format!("\n{native} native detection(s); {loaded} Sigma rule(s) loaded, {skipped} skipped\n"));
    s
}

/// `harrier rules test`.
fn test(inv: Invocation, rule: &Path, case: &Path, json: bool) -> Result<u8> {
    let case = inv.open(case)?;
    ensure_ingested(&case, inv.env, inv.quiet)?;
    let index = CaseIndex::open(&case.index_dir())?;
    let t = trial::trial(rule, &case.config.sigma, index.scan())?;
    let mut out = std::io::stdout().lock();
    for s in &t.rules.skipped {
        writeln!(out, "not loaded: {} ({}): {}", clean(&s.title), clean(&s.path), clean(&s.reason))?;
    }
    for h in &t.hits {
        if json {
            let v = serde_json::json!({"rule": h.rule, "event": h.event, "time": h.ts, "user": h.user, "ip": h.ip,
                "values": h.values.iter().map(|(k, v)| serde_json::json!({"field": k, "value": v})).collect::<Vec<_>>()});
            writeln!(out, "{}", harrier::text::sanitize::json_line(&v)?)?;
            continue;
        }
        let when = h.ts.map(|t| t.to_rfc3339()).unwrap_or_else(|| "-".into());
        writeln!(out, "{when}  {}  {}  {}", clean(&h.event), clean(&h.user), clean(&h.rule))?;
        for (k, v) in &h.values {
            writeln!(out, "    {} = {}", clean(k), clean(v))?;
        }
    }
    if !json {
        let loaded: Vec<String> =
            t.rules.loaded.iter().map(|r| format!("{} (by {})", r.info.title, r.info.author)).collect();
        writeln!(
            out,
            "\n{} match(es) over {} event(s); rule(s): {}",
            t.hits.len(),
            t.events,
            clean(&loaded.join("; "))
        )?;
    }
    Ok(0)
}
