//! The five analytics across the contexts the generator can plant their acts in: thin to long history, attacker
//! addresses that sign in or never do, actors with weekly habits of the same kind, missing log sources, and allow
//! lists naming the planted principals by each identifier form. Every planted act is found (or, when its principal
//! is allowed, counted as a suppression and never alerted), no look-alike alerts, thin baselines say so, and an
//! analytic that cannot see an act says it is blind for want of the source that was left out. The one look-alike
//! allowed to alert is a trusted partner's work in a case without sign-in logs, and only when the alert says the
//! partner is known by its domain alone.

use crate::analytics_cases::{detect_case, in_window, overlaps};
use crate::common::ingest_dir;
use harrier::analytics::{Alert, Detection};
use harrier::gen::context::{Addresses, Context, IdForm, LogSource};
use harrier::gen::generate;
use harrier::gen::options::{GenOptions, Scenario};
use serde_json::Value;
use std::collections::BTreeMap;

/// One context to plant the five acts in.
struct Variant {
    name: &'static str,
    context: Context,
}

fn variant(name: &'static str, context: Context) -> Variant {
    Variant { name, context }
}

fn without(sources: &[LogSource]) -> Context {
    Context { without: sources.iter().copied().collect(), ..Context::default() }
}

fn allowed_by(form: IdForm) -> Context {
    Context { allow_by: Some(form), ..Context::default() }
}

fn variants() -> Vec<Variant> {
    vec![
        variant("history 2 days", Context { history: Some(2), ..Context::default() }),
        variant("history 9 days", Context { history: Some(9), ..Context::default() }),
        variant("history 60 days", Context { history: Some(60), ..Context::default() }),
        variant("habits, history 29 days", Context { history: Some(29), habits: true, ..Context::default() }),
        variant("habits, history 4 days", Context { history: Some(4), habits: true, ..Context::default() }),
        variant("attacker addresses sign in", Context { addresses: Addresses::SignedIn, ..Context::default() }),
        variant("attacker addresses never sign in", Context { addresses: Addresses::Unseen, ..Context::default() }),
        variant("no Entra sign-in logs", without(&[LogSource::SignIns])),
        variant("no Graph activity logs", without(&[LogSource::Graph])),
        variant("no Unified Audit Log", without(&[LogSource::Ual])),
        variant("no directory audit log", without(&[LogSource::Audit])),
        variant("allowed by UPN", allowed_by(IdForm::Upn)),
        variant("allowed by object id", allowed_by(IdForm::ObjectId)),
        variant("allowed by app id", allowed_by(IdForm::AppId)),
        variant("allowed by service principal id", allowed_by(IdForm::SpId)),
        variant("allowed by display name", allowed_by(IdForm::DisplayName)),
        variant("allowed by tenant id", allowed_by(IdForm::TenantId)),
    ]
}

/// Seeds per variant: each variant gets its own pair, so tenants, names and act variants differ across the run.
const SEEDS_PER_VARIANT: u64 = 2;

/// Tallies per analytic and variant name.
type Tallies = BTreeMap<(String, &'static str), Tally>;

/// What one analytic did in one variant, added up over its seeds.
#[derive(Default)]
struct Tally {
    planted: usize,
    found: usize,
    allowed: usize,
    suppressed: usize,
    blind: usize,
    /// Acts that live only in a source the case lacks, with coverage naming it missing.
    unseen: usize,
    lookalikes: usize,
    lookalikes_alerted: usize,
    /// Look-alikes alerted because the case lacks what tells them apart, with the alert saying so.
    lookalikes_explained: usize,
}

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.planted += t.planted;
        self.found += t.found;
        self.allowed += t.allowed;
        self.suppressed += t.suppressed;
        self.blind += t.blind;
        self.unseen += t.unseen;
        self.lookalikes += t.lookalikes;
        self.lookalikes_alerted += t.lookalikes_alerted;
        self.lookalikes_explained += t.lookalikes_explained;
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_lowercase)).collect()).unwrap_or_default()
}

/// The analytic's coverage status in the run.
fn status<'d>(d: &'d Detection, analytic: &str) -> &'d str {
    d.coverage.analytics.iter().find(|c| c.analytic == analytic).map(|c| c.status.as_str()).unwrap_or("")
}

/// Generates one case in `context` and checks it; returns the problems and adds to the tallies.
/// Odd seeds also vary the acts themselves (`--vary`), so contexts meet every way of doing each act.
fn check_case(seed: u64, v: &Variant, tally: &mut Tallies) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let days = v.context.history.map(Context::days_for).unwrap_or(10);
    let vary = seed % 2 == 1;
    let mut opts = GenOptions { seed, users: 10, days, vary, context: v.context.clone(), ..GenOptions::default() };
    opts.scenarios = Scenario::FIVE.into_iter().collect();
    generate(&opts, tmp.path()).unwrap();
    let key: Value = serde_json::from_slice(&std::fs::read(tmp.path().join("answer-key.json")).unwrap()).unwrap();
    assert!(key["generator"]["options"]["context"].is_object(), "{}: the context is not in the answer key", v.name);
    let (case, _) = ingest_dir(tmp.path());
    let d = detect_case(&case);
    let mut problems = Vec::new();
    for p in key["planted"].as_array().into_iter().flatten() {
        let analytic = p["analytic"].as_str().unwrap().to_string();
        let t = tally.entry((analytic.clone(), v.name)).or_default();
        t.planted += 1;
        let allowed = key["allowed"].as_array().into_iter().flatten().find(|a| a["id"] == p["id"]);
        let others: Vec<&Value> = key["planted"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["analytic"] == p["analytic"] && o["id"] != p["id"])
            .collect();
        let hit = d.alerts.iter().find(|a| a.analytic == analytic && names_act(a, p, &others) && in_window(a, p));
        let why =
            format!("seed {seed}{}, {}: planted {} ({analytic})", if vary { " varied" } else { "" }, v.name, p["id"]);
        if let Some(entry) = allowed {
            t.allowed += 1;
            problems.extend(check_allowed(&d, &analytic, entry, p, &why, t));
        } else if status(&d, &analytic) == "blind" {
            t.blind += 1;
            problems.extend(check_blind(&d, &analytic, &v.context, hit, &why));
        } else if let Some(a) = hit {
            t.found += 1;
            let thin = act_day(&opts, p) < MIN_COVERAGE_DAYS;
            problems.extend(check_found(a, p, &v.context, thin, &why));
        } else if invisible(p, &v.context) && !coverage_missing(&d, &analytic).is_empty() {
            t.unseen += 1;
        } else {
            let alerts: Vec<String> = d
                .alerts
                .iter()
                .filter(|a| a.analytic == analytic)
                .map(|a| format!("{} {:?} {}..{}", a.title, a.entities.users, a.first_seen, a.last_seen))
                .collect();
            problems.push(format!("{why} was not found among {alerts:?}"));
        }
    }
    for l in key["lookalikes"].as_array().into_iter().flatten() {
        let analytic = l["analytic"].as_str().unwrap().to_string();
        let t = tally.entry((analytic.clone(), v.name)).or_default();
        t.lookalikes += 1;
        let alerted = d.alerts.iter().find(|a| {
            a.analytic == analytic
                && overlaps(a, l)
                && in_window(a, l)
                && !key["planted"].as_array().into_iter().flatten().any(|p| overlaps(a, p) && in_window(a, p))
        });
        // Without sign-in logs nothing ties a partner technician's domain to the partner's tenant id, so a trusted
        // partner listed by tenant id cannot be recognised; the alert must say exactly that.
        let unresolved = |a: &&Alert| {
            v.context.without.contains(&LogSource::SignIns)
                && a.reasons.iter().any(|r| r.contains("no sign-in in the case names its tenant"))
        };
        if alerted.is_some_and(|a| unresolved(&a)) {
            t.lookalikes_explained += 1;
        }
        if let Some(a) = alerted.filter(|a| !unresolved(a)) {
            t.lookalikes_alerted += 1;
            problems.push(format!(
                "seed {seed}, {}: look-alike {} raised {}: {}",
                v.name,
                l["id"],
                a.title,
                a.reasons.join(" | ")
            ));
        }
    }
    problems
}

/// True when an alert is about this planted act rather than another of the same analytic: it names a user or app
/// only this act involves (or, when the act has none of its own, any of its users, apps or mailboxes).
fn names_act(a: &Alert, p: &Value, others: &[&Value]) -> bool {
    let own = |field: &str| -> Vec<String> {
        let theirs: Vec<String> = others.iter().flat_map(|o| strings(&o["entities"][field])).collect();
        strings(&p["entities"][field]).into_iter().filter(|x| !theirs.contains(x)).collect()
    };
    let (users, apps) = (own("users"), own("apps"));
    if users.is_empty() && apps.is_empty() {
        return overlaps(a, p);
    }
    a.entities.users.iter().any(|u| users.contains(u)) || a.entities.apps.iter().any(|x| apps.contains(x))
}

/// Acts that live only in a source the context leaves out: the impersonation grant is an Exchange admin cmdlet,
/// which only the Unified Audit Log records.
fn invisible(p: &Value, context: &Context) -> bool {
    const ONLY_IN: [(&str, LogSource); 1] = [("an1107-impersonation", LogSource::Ual)];
    ONLY_IN.iter().any(|(id, source)| p["id"] == *id && context.without.contains(source))
}

/// The sources the analytic's coverage says are missing.
fn coverage_missing(d: &Detection, analytic: &str) -> Vec<String> {
    d.coverage.analytics.iter().find(|c| c.analytic == analytic).map(|c| c.sources_missing.clone()).unwrap_or_default()
}

/// The minimum history (days) the analytics trust by default; acts earlier in the case have a thin baseline.
const MIN_COVERAGE_DAYS: i64 = 7;

/// The day of the case (from 0) an act starts on.
fn act_day(opts: &GenOptions, p: &Value) -> i64 {
    let tz: chrono_tz::Tz = opts.timezone.parse().unwrap();
    let start = harrier::gen::clock::at_local(tz, opts.start, 0);
    let from: chrono::DateTime<chrono::Utc> = p["window"]["from"].as_str().unwrap().parse().unwrap();
    (from - start).num_days()
}

/// True when an alert is about the principal: it names one of its names as a user, app or tenant, or in its title.
fn about(a: &Alert, names: &[String]) -> bool {
    let title = a.title.to_lowercase();
    let e = &a.entities;
    names
        .iter()
        .any(|n| e.users.contains(n) || e.apps.contains(n) || e.tenants.contains(n) || title.contains(n.as_str()))
}

/// An allowed principal's act: no alert about the principal, and a suppression of the analytic naming it.
fn check_allowed(d: &Detection, analytic: &str, entry: &Value, p: &Value, why: &str, t: &mut Tally) -> Vec<String> {
    let mut problems = Vec::new();
    let listed = entry["entry"].as_str().unwrap().to_lowercase();
    let names = strings(&entry["names"]);
    if let Some(a) = d.alerts.iter().find(|a| a.analytic == analytic && in_window(a, p) && about(a, &names)) {
        problems.push(format!("{why} is allowed by {listed} ({}) but alerted: {}", entry["list"], a.title));
    }
    let counted = d
        .suppressions
        .iter()
        .any(|s| s.analytic == analytic && s.count > 0 && names.contains(&s.matched.to_lowercase()));
    if counted {
        t.suppressed += 1;
    } else {
        let seen: Vec<String> = d
            .suppressions
            .iter()
            .filter(|s| s.analytic == analytic)
            .map(|s| format!("{} = {}", s.rule, s.matched))
            .collect();
        problems.push(format!("{why} is allowed by {listed} but no suppression names it: {seen:?}"));
    }
    problems
}

/// An act the analytic cannot see: only when a source it needs was left out, and never AN0534 without sign-ins
/// (the Unified Audit Log stands in for them).
fn check_blind(d: &Detection, analytic: &str, context: &Context, hit: Option<&Alert>, why: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if context.without.is_empty() {
        problems.push(format!("{why}: {analytic} is blind with every source present"));
    }
    if analytic == "AN0534" && !context.without.contains(&LogSource::Ual) {
        problems.push(format!("{why}: AN0534 is blind though the Unified Audit Log is there to stand in"));
    }
    if hit.is_some() {
        problems.push(format!("{why}: {analytic} alerted while its coverage says blind"));
    }
    let cov = d.coverage.analytics.iter().find(|c| c.analytic == analytic);
    if cov.is_none_or(|c| c.notes.is_empty() && c.sources_missing.is_empty()) {
        problems.push(format!("{why}: blind without saying which source is missing"));
    }
    problems
}

/// A found act: its addresses named when every source is there, thin baselines called thin, and a scripted
/// sign-in seen without Entra sign-in logs said to come from the Unified Audit Log.
fn check_found(a: &Alert, p: &Value, context: &Context, thin: bool, why: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if a.evidence.is_empty() || a.reasons.is_empty() {
        problems.push(format!("{why}: alert without evidence or reasons"));
    }
    if thin && !a.reasons.iter().any(|r| r.contains("baseline thin")) {
        problems.push(format!(
            "{why}: under {MIN_COVERAGE_DAYS} days of logs before it, yet no reason says 'baseline thin': {:?}",
            a.reasons
        ));
    }
    if thin {
        let hour_alone = a.reasons.iter().find(|r| r.contains("outside working hours") && !r.contains("baseline thin"));
        if let Some(r) = hour_alone {
            problems.push(format!("{why}: called unusual for its hour on a thin baseline: {r}"));
        }
    }
    // An account that lists the directory a little every week is held to its own busiest hour, and the burst
    // many times larger still alerts.
    if context.habits && a.analytic == "AN1089" {
        let habit = a.reasons.iter().any(|r| r.contains("busiest hour in the") && !r.ends_with("had 0"));
        if !habit || a.reasons.iter().any(|r| r.contains("first directory enumeration")) {
            problems
                .push(format!("{why}: the weekly listing habit is not what the burst was held to: {:?}", a.reasons));
        }
    }
    let ual_named = a.reasons.iter().any(|r| r.contains("Unified Audit Log"));
    if context.without.contains(&LogSource::SignIns) && a.analytic == "AN0534" && !ual_named {
        problems
            .push(format!("{why}: found without sign-in logs but no reason names the source used: {:?}", a.reasons));
    }
    if context.without.is_empty() && a.analytic != "AN1089" {
        for ip in strings(&p["entities"]["ips"]) {
            if !a.entities.ips.contains(&ip) {
                problems.push(format!("{why}: address {ip} missing from the alert's entities {:?}", a.entities.ips));
            }
        }
    }
    problems
}

#[test]
fn analytics_hold_across_generated_contexts() {
    // Each seed's cases on a thread of their own: the cases share nothing.
    let variants = variants();
    let runs: Vec<(Tallies, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..SEEDS_PER_VARIANT)
            .map(|s| {
                let variants = &variants;
                scope.spawn(move || {
                    let mut tally = BTreeMap::new();
                    let mut problems = Vec::new();
                    for (k, v) in variants.iter().enumerate() {
                        problems.extend(check_case(100 + k as u64 * SEEDS_PER_VARIANT + s, v, &mut tally));
                    }
                    (tally, problems)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut tally = Tallies::new();
    let mut problems = Vec::new();
    for (part, p) in runs {
        problems.extend(p);
        for (k, t) in part {
            tally.entry(k).or_default().add(&t);
        }
    }
    let mut table = String::from(
        "analytic | context | planted | found | allowed | suppressed | blind | unseen | look-alikes | alerted | explained\n",
    );
    for ((analytic, name), t) in &tally {
        table.push_str(&format!(
            "{analytic} | {name} | {} | {} | {} | {} | {} | {} | {} | {} | {}\n",
            t.planted,
            t.found,
            t.allowed,
            t.suppressed,
            t.blind,
            t.unseen,
            t.lookalikes,
            t.lookalikes_alerted,
            t.lookalikes_explained
        ));
    }
    eprintln!("{table}");
    assert!(problems.is_empty(), "{}\n\n{table}", problems.join("\n"));
    for form in ["UPN", "object id", "app id", "service principal id", "display name", "tenant id"] {
        let name = format!("allowed by {form}");
        let allowed: usize = tally.iter().filter(|((_, n), _)| *n == name).map(|(_, t)| t.allowed).sum();
        assert!(allowed > 0, "no planted principal was allowed {name}");
    }
}

#[test]
fn the_command_line_writes_the_context_it_was_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let args = [
        "-q",
        "gen",
        dir.to_str().unwrap(),
        "--users",
        "10",
        "--history",
        "3",
        "--without",
        "signins,graph",
        "--attacker-ips",
        "unseen",
        "--habits",
        "--allow-by",
        "object-id",
    ];
    assert_cmd::Command::cargo_bin("harrier").unwrap().args(args).assert().success().stdout("");
    let key: Value = serde_json::from_slice(&std::fs::read(dir.join("answer-key.json")).unwrap()).unwrap();
    let options = &key["generator"]["options"];
    assert_eq!(options["days"], 3 + harrier::gen::context::ACT_DAYS);
    let context = &options["context"];
    assert_eq!(context["history"], 3);
    assert_eq!(context["without"], serde_json::json!(["sign-ins", "graph"]));
    assert_eq!((context["addresses"].as_str(), context["allow_by"].as_str()), (Some("unseen"), Some("object-id")));
    assert_eq!(context["habits"], true);
    let sources: Vec<&str> = key["files"].as_array().unwrap().iter().filter_map(|f| f["source"].as_str()).collect();
    assert!(!sources.is_empty() && sources.iter().all(|s| !s.starts_with("signin") && *s != "graph"), "{sources:?}");
    let case_toml = std::fs::read_to_string(dir.join("case.toml")).unwrap();
    let allowed = key["allowed"].as_array().unwrap();
    assert!(!allowed.is_empty());
    for a in allowed {
        assert!(case_toml.contains(a["entry"].as_str().unwrap()), "{a} not in case.toml:\n{case_toml}");
    }
    let other = tmp.path().join("other");
    let bad = ["gen", other.to_str().unwrap(), "--allow-by", "email"];
    let out = assert_cmd::Command::cargo_bin("harrier").unwrap().args(bad).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("upn, object-id, app-id, sp-id, display-name, tenant-id"), "{err}");
    let help = assert_cmd::Command::cargo_bin("harrier").unwrap().args(["gen", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&help.get_output().stdout).to_string();
    for needle in
        ["--history", "--without", "--attacker-ips", "--habits", "--allow-by", "harrier gen /tmp/thin --history 3"]
    {
        assert!(help.contains(needle), "gen --help lacks {needle}:\n{help}");
    }
}
