//! Case metadata written beside the evidence: `answer-key.json`, `case.toml` and the trainer's `SCENARIO.md`.

use super::key::{Entities, KeyEntry, Window};
use super::options::GenOptions;
use super::shapes::WrittenFile;
use super::tenant::Tenant;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Merges entries that share an id (a story spread over several days) into one, widening window and entities.
pub fn merge(entries: Vec<KeyEntry>) -> Vec<KeyEntry> {
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, KeyEntry> = BTreeMap::new();
    for e in entries {
        match by_id.get_mut(&e.id) {
            Some(acc) => {
                acc.window = Window {
                    from: acc.window.from.clone().min(e.window.from.clone()),
                    to: acc.window.to.clone().max(e.window.to.clone()),
                };
                let mut ent = std::mem::take(&mut acc.entities);
                ent.users.extend(e.entities.users);
                ent.ips.extend(e.entities.ips);
                ent.sessions.extend(e.entities.sessions);
                ent.mailboxes.extend(e.entities.mailboxes);
                ent.apps.extend(e.entities.apps);
                acc.entities = Entities::normalised(ent);
            }
            None => {
                order.push(e.id.clone());
                by_id.insert(e.id.clone(), e);
            }
        }
    }
    order.into_iter().filter_map(|id| by_id.remove(&id)).collect()
}

/// The answer key document.
pub fn answer_key(opts: &GenOptions, t: &Tenant, entries: &[KeyEntry], files: &[WrittenFile], unique: u64) -> Value {
    let planted: Vec<Value> = entries.iter().filter(|e| e.planted).map(KeyEntry::to_json).collect();
    let lookalikes: Vec<Value> = entries.iter().filter(|e| !e.planted).map(KeyEntry::to_json).collect();
    let files_json: Vec<Value> = files
        .iter()
        .map(|f| json!({"path": f.path, "records": f.records, "source": f.source, "shape": f.shape}))
        .collect();
    let total: u64 = files.iter().map(|f| f.records).sum();
    json!({
        "generator": {"seed": opts.seed, "options": opts},
        "tenant": {"id": t.id, "name": t.org.name, "domains": [t.org.domain], "timezone": opts.timezone},
        "planted": planted,
        "lookalikes": lookalikes,
        "files": files_json,
        "totals": {"records": total, "unique_records": unique, "duplicates": total - unique.min(total)}
    })
}

/// `case.toml` with the allowlists the look-alikes rely on.
pub fn case_toml(opts: &GenOptions, t: &Tenant, name: &str) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let list = |v: Vec<String>| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
    let corp: Vec<String> = t.corp.iter().map(|n| format!("{}/32", n.ip)).collect();
    let mut s = String::new();
    s.push_str(&format!("# Case settings for the {} tenant (generated, seed {}).\n\n", t.org.name, opts.seed));
    s.push_str(&format!("[case]\nname = {}\ntimezone = {}\n\n", q(name), q(&opts.timezone)));
    s.push_str(&format!("[tenant]\nid = {}\ndomains = [{}]\n\n", q(&t.id), q(t.org.domain)));
    s.push_str("[hours]\ndays = [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"]\nstart = \"07:00\"\nend = \"18:30\"\n\n");
    s.push_str("[allow]\n");
    s.push_str(&format!("automation_accounts = [{}]\n", list(vec![t.automation.upn.clone()])));
    s.push_str(&format!("expected_ips = [{}]\n", list(corp)));
    s.push_str(&format!("trusted_partner_tenants = [{}]\n", list(vec![t.trusted_partner.tenant_id.clone()])));
    s.push_str(&format!("delegate_mailboxes = [{}]\n", list(t.shared.iter().take(2).map(|m| m.upn.clone()).collect())));
    s.push_str("countries = [\"US\"]\n\n");
    for (cidr, label) in [
        ("198.51.100.10/31", "Headquarters egress (Chicago)"),
        ("198.51.100.12/32", "Server VLAN egress: directory sync and automation"),
        ("198.51.100.150/31", "Backup and HR integration vendors"),
        ("198.51.100.200/32", "Fourth Coffee Managed Services (trusted partner)"),
    ] {
        s.push_str(&format!("[[networks]]\ncidr = {}\nlabel = {}\n\n", q(cidr), q(label)));
    }
    s
}

/// The trainer's story of the case.
pub fn scenario_md(
    opts: &GenOptions,
    t: &Tenant,
    name: &str,
    entries: &[KeyEntry],
    files: &[WrittenFile],
    unique: u64,
) -> String {
    let mut s = format!("# {name}\n\n");
    s.push_str(
        "Trainer notes: keep this file away from trainees. `answer-key.json` holds the same facts in machine form.\n\n",
    );
    s.push_str(&format!(
        "**Tenant.** {} (`{}`, tenant id `{}`), {} people plus service accounts, shared mailboxes and two partners. \
         Logs cover {} days from {} in {}. Working hours are 07:00–18:30 on weekdays; the office egresses through \
         198.51.100.10–12.\n\n",
        t.org.name,
        t.org.domain,
        t.id,
        t.people.len(),
        opts.days,
        opts.start,
        opts.timezone
    ));
    let cast = &t.cast;
    s.push_str("**Cast.**\n\n");
    for (role, idx) in
        [("CEO", cast.ceo), ("CFO", cast.cfo), ("IT administrator", cast.admin), ("Accounts payable", cast.finance)]
    {
        if let Some(p) = t.people.get(idx) {
            s.push_str(&format!("- {role}: {} (`{}`)\n", p.display, p.upn));
        }
    }
    s.push_str(&format!("- Dormant account (on leave, no activity): {} (`{}`)\n", t.dormant.display, t.dormant.upn));
    s.push_str(&format!("- Approved automation: `{}`; directory sync: `{}`\n", t.automation.upn, t.sync_account.upn));
    s.push_str(&format!(
        "- Partners: {} (`{}`, trusted, in case.toml) and {} (`{}`, not trusted)\n\n",
        t.trusted_partner.name, t.trusted_partner.tenant_id, t.rogue_partner.name, t.rogue_partner.tenant_id
    ));
    let planted: Vec<&KeyEntry> = entries.iter().filter(|e| e.planted).collect();
    if planted.is_empty() {
        s.push_str("## What happened\n\nNothing malicious. This tenant is quiet: every alert a trainee raises is a false positive to be \
                    explained from the baseline or the allowlists below.\n\n");
    } else {
        s.push_str("## What happened (alerts that must fire)\n\n");
        for e in &planted {
            s.push_str(&format!(
                "### {} ({})\n\n{}.\n\n- Window (UTC): {} to {}\n- Users: {}\n- IPs: {}\n- Mailboxes: {}\n- Expected severity: at least {}\n\n",
                e.id,
                e.analytic,
                e.text,
                e.window.from,
                e.window.to,
                join(&e.entities.users),
                join(&e.entities.ips),
                join(&e.entities.mailboxes),
                e.min_severity
            ));
        }
        s.push_str(STORY_HINTS);
    }
    s.push_str("## Look-alikes (must not alert, or must be shown as suppressed)\n\n");
    for e in entries.iter().filter(|e| !e.planted) {
        s.push_str(&format!(
            "- **{}** ({}): {}. Window {} to {}.\n",
            e.id, e.analytic, e.text, e.window.from, e.window.to
        ));
    }
    s.push_str("\n## Evidence files\n\n| file | source | shape | records |\n|---|---|---|---|\n");
    for f in files {
        s.push_str(&format!("| `{}` | {} | {} | {} |\n", f.path, f.source, f.shape, f.records));
    }
    let total: u64 = files.iter().map(|f| f.records).sum();
    s.push_str(&format!(
        "\n{total} records in all, {unique} unique: the Exchange UAL was exported twice (Purview and classic search) with two \
         overlapping days, so {} records appear in both files with the same `Id`.\n",
        total - unique.min(total)
    ));
    s
}

const STORY_HINTS: &str = "## Questions for the trainees\n\n\
1. Which sign-in issued the tokens used from outside the country, and what links them (session id, unique token id)?\n\
2. Which mailboxes were read, by whom, and with which logon type?\n\
3. Which grants or relationships should be revoked first, and in what order?\n\
4. Which look-alikes did the tool suppress, and which allowlist entry or baseline explains each?\n\n";

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
    }
}
