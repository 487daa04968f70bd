//! mass-mail-access, export half: mailbox content taken out through a compliance search.

use super::build::*;
use crate::model::{Event, Severity, Source};

const ID: &str = "mass-mail-access";
const MALLORY: &str = "mallory@contoso.example";

/// The search over every mailbox for payment mail, as the Security & Compliance cmdlet log records it.
fn search() -> Event {
    let params =
        [("Name", "Q1 review"), ("ExchangeLocation", "All"), ("ContentMatchQuery", "invoice OR \"bank details\"")];
    let mut e = cmdlet("search", at(10, 2, 10), MALLORY, "New-ComplianceSearch", &params).via(VPS);
    e.source = Some(Source::UalOther);
    e
}

/// An action on that search's results.
fn action(id: &str, params: &[(&str, &str)]) -> Event {
    let mut all = vec![("SearchName", "Q1 review")];
    all.extend_from_slice(params);
    let mut e = cmdlet(id, at(10, 2, 25), MALLORY, "New-ComplianceSearchAction", &all).via(VPS);
    e.source = Some(Source::UalOther);
    e
}

#[test]
fn an_export_of_a_search_over_every_mailbox_is_critical_without_any_mail_read_record() {
    let events = vec![search(), action("export", &[("Export", "True"), ("Format", "FxStream")])];
    let d = run(ID, TENANT_TOML, events);
    let a = only_alert(&d);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.title, "mallory@contoso.example exported mailbox content through compliance search 'q1 review'");
    reason_with(a, &["every mailbox in the organisation"]);
    reason_with(a, &["the search looked for: invoice OR \"bank details\""]);
    assert_eq!(a.entities.users, vec![MALLORY.to_string()]);
    assert_eq!(a.entities.ips, vec![VPS.ip.to_string()]);
    assert_eq!(a.evidence, vec!["search".to_string(), "export".to_string()]);
}

#[test]
fn a_downloaded_export_is_high_when_the_search_is_not_in_the_case() {
    let mut e = event("dl", at(10, 3, 0), Source::UalOther, "SearchExportDownloaded").by(MALLORY).via(VPS);
    e = e.param("Name", "Q1 review_Export");
    let a = only_alert(&run(ID, TENANT_TOML, vec![e])).clone();
    assert_eq!(a.severity, Severity::High);
    assert!(a.title.contains("'q1 review'"), "{}", a.title);
}

#[test]
fn purges_previews_and_allow_listed_ediscovery_accounts_stay_quiet() {
    assert_quiet(&run(
        ID,
        TENANT_TOML,
        vec![search(), action("purge", &[("Purge", "True"), ("PurgeType", "SoftDelete")])],
    ));
    assert_quiet(&run(ID, TENANT_TOML, vec![search(), action("preview", &[("Preview", "True")])]));
    let toml = format!("{TENANT_TOML}[analytics.mass-mail-access]\nactor_allowlist = [\"{MALLORY}\"]\n");
    let d = run(ID, &toml, vec![search(), action("export", &[("Export", "True")])]);
    assert_quiet(&d);
    assert_eq!(suppression(&d, "actor_allowlist or allow.automation_accounts").count, 1);
}
