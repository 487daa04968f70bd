//! Every detection with an allow list turns its alerts into the change its list expects; the others are refused
//! with the reason.

use super::*;
use crate::analytics::registry;
use crate::analytics::saved::SavedEntities;
use crate::model::Severity;

fn alert(analytic: &str, title: &str, entities: SavedEntities, reasons: &[&str]) -> SavedAlert {
    SavedAlert {
        id: format!("{}-1", analytic.to_lowercase()),
        analytic: analytic.into(),
        title: title.into(),
        severity: Severity::High,
        first_seen: None,
        last_seen: None,
        entities,
        evidence: Vec::new(),
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        attack: Default::default(),
        incident: None,
        rule: None,
        baseline: Vec::new(),
    }
}

fn users(u: &[&str]) -> SavedEntities {
    SavedEntities { users: u.iter().map(|s| s.to_string()).collect(), ..Default::default() }
}

/// `[table] key += values` for each change, as the preview says it.
fn described(a: &SavedAlert) -> Vec<String> {
    wanted_changes(a)
        .unwrap_or_else(|e| panic!("{}: {e}", a.analytic))
        .into_iter()
        .map(|(t, k, v)| format!("[{}] {k} += {}", t.join("."), v.join(", ")))
        .collect()
}

fn refusal(a: &SavedAlert) -> String {
    wanted_changes(a).err().map(|e| e.to_string()).unwrap_or_else(|| panic!("{} was not refused", a.analytic))
}

#[test]
fn every_registered_detection_with_an_allow_list_says_where_its_alerts_go() {
    for d in registry::all() {
        let meta = params::meta(d.id()).unwrap();
        let lists: Vec<&str> = meta.params.iter().map(|p| p.name.as_str()).filter(|p| is_allow_list(p)).collect();
        if lists.is_empty() {
            continue;
        }
        let spec =
            meta.suppress.as_ref().unwrap_or_else(|| panic!("{} has allow lists {lists:?} but no [suppress]", meta.id));
        assert!(!spec.add.is_empty(), "{}", meta.id);
    }
}

#[test]
fn mail_alerts_allow_the_partner_domain_and_otherwise_the_maker_or_mailbox() {
    let rule = alert(
        "inbox-rule",
        "Inbox rule 'AP' on ann@contoso.example forwards mail outside the tenant",
        users(&["ann@contoso.example"]),
        &["sends the message to ap@partner.example (ForwardTo); partner.example is outside the tenant ([tenant] domains: contoso.example)"],
    );
    assert_eq!(described(&rule), ["[analytics.inbox-rule] allowed_forward_domains += partner.example"]);
    let filing = alert(
        "inbox-rule",
        "Inbox rule '.' on ann@contoso.example hides incoming mail",
        users(&["ann@contoso.example"]),
        &[],
    );
    assert_eq!(described(&filing), ["[analytics.inbox-rule] actor_allowlist += ann@contoso.example"]);
    let fwd = alert(
        "mail-forwarding",
        "Mail of ann@contoso.example forwarded to ap@partner.example outside the tenant",
        SavedEntities { mailboxes: vec!["ann@contoso.example".into()], ..users(&["ann@contoso.example"]) },
        &["partner.example is outside the tenant (no [tenant] domains set)"],
    );
    assert_eq!(described(&fwd), ["[analytics.mail-forwarding] allowed_forward_domains += partner.example"]);
    let contact = alert(
        "mail-forwarding",
        "Mail of ann forwarded to directory recipient 'Accounts', which the case cannot place",
        SavedEntities { mailboxes: vec!["ann".into()], ..Default::default() },
        &[],
    );
    assert_eq!(described(&contact), ["[analytics.mail-forwarding] mailbox_allowlist += ann"]);
}

#[test]
fn sign_in_alerts_allow_the_person_or_the_sanctioned_addresses() {
    let spray = alert(
        "password-spray",
        "Password spray from 203.0.113.9: 40 accounts failed",
        SavedEntities { ips: vec!["203.0.113.9".into()], ..users(&["a@c.example", "b@c.example"]) },
        &[],
    );
    assert_eq!(described(&spray), ["[allow] expected_ips += 203.0.113.9"]);
    let guess = alert(
        "password-spray",
        "Password guessing against svc@c.example from 198.51.100.4: 80 failures",
        SavedEntities { ips: vec!["198.51.100.4".into()], ..users(&["svc@c.example"]) },
        &[],
    );
    assert_eq!(described(&guess), ["[analytics.password-spray] user_allowlist += svc@c.example"]);
    let travel = alert(
        "impossible-travel",
        "bo@c.example: impossible travel from Oslo to Lima (at least 10000 km in 1h)",
        users(&["bo@c.example"]),
        &[],
    );
    assert_eq!(described(&travel), ["[analytics.impossible-travel] user_allowlist += bo@c.example"]);
    for (id, title) in [
        ("mfa-fatigue", "MFA fatigue against bo@c.example: 9 failed prompts"),
        ("risky-sign-in", "Risky sign-in of bo@c.example (high risk)"),
        ("device-code", "bo@c.example signed in with a device code"),
    ] {
        assert_eq!(
            described(&alert(id, title, users(&["bo@c.example"]), &[])),
            [format!("[analytics.{id}] user_allowlist += bo@c.example")]
        );
    }
}

#[test]
fn legacy_bulk_and_partner_alerts_pick_their_own_list() {
    let signin = alert(
        "legacy-protocol",
        "scan@c.example: 3 successful sign-in(s) over legacy clients (IMAP4)",
        users(&["scan@c.example"]),
        &[],
    );
    assert_eq!(described(&signin), ["[analytics.legacy-protocol] account_allowlist += scan@c.example"]);
    let setting = alert(
        "legacy-protocol",
        "ImapEnabled enabled on bo@c.example by admin@c.example",
        users(&["admin@c.example", "bo@c.example"]),
        &[],
    );
    assert_eq!(described(&setting), ["[analytics.legacy-protocol] actor_allowlist += admin@c.example"]);
    let tool = SavedEntities { apps: vec!["5d34".into()], ..Default::default() };
    let bulk = alert("mass-deletion", "5d34 deleted mail 900 times in 10 minutes", tool, &[]);
    assert_eq!(described(&bulk), ["[analytics.mass-deletion] actor_allowlist += 5d34"]);
    let partner =
        SavedEntities { tenants: vec!["7f3c".into()], mailboxes: vec!["ceo@c.example".into()], ..Default::default() };
    assert_eq!(
        described(&alert("AN1350", "Partner chain", partner, &[])),
        ["[allow] trusted_partner_tenants += 7f3c", "[allow] delegate_mailboxes += ceo@c.example"]
    );
}

#[test]
fn detections_without_an_allow_list_and_alerts_naming_nothing_are_refused_with_the_reason() {
    let sigma = alert("sigma-1f2e", "Suspicious inbox rule", users(&["bo@c.example"]), &[]);
    assert!(refusal(&sigma).contains("not a registered detection with an allow list"), "{}", refusal(&sigma));
    let mut bare = params::meta("mfa-fatigue").unwrap().clone();
    bare.params.retain(|p| !is_allow_list(&p.name));
    bare.suppress = None;
    let a = alert("mfa-fatigue", "MFA fatigue against bo@c.example", users(&["bo@c.example"]), &[]);
    let why = changes_for(&bare, &a).unwrap_err().to_string();
    assert!(why.contains("mfa-fatigue has no allow list"), "{why}");
    let empty = alert("impossible-travel", "someone: impossible travel", SavedEntities::default(), &[]);
    let why = refusal(&empty);
    assert!(why.contains("names nothing impossible-travel's allow lists (user_allowlist) could hold"), "{why}");
}
