//! The five analytics over a labelled corpus of real M365 attack samples, one file at a time as a responder would
//! receive it: every sample whose behaviour falls under one of them raises that analytic's alert, the system's own
//! grant to the Discovery Search mailbox stays quiet, and no other sample raises any of the five.

use crate::common::ingest_dir;
use harrier::analytics::{detect, DetectContext};
use harrier::index::CaseIndex;

/// Each sample and the analytics it must raise (an empty list: none of the five).
const EXPECTED: &[(&str, &[&str])] = &[
    ("t1098.001_Add a user to company administrator role.csv", &["privileged-role"]),
    // New-RoleGroup -Roles ApplicationImpersonation -Members <app object id>.
    ("t1098.002_ApplicationImpersonation.csv", &["AN1107"]),
    // NT AUTHORITY\SYSTEM provisioning the Discovery Search mailbox: a benign look-alike.
    ("t1098.002_Mail Account Delegation full access permissions.csv", &[]),
    ("t1098.002_Mail Account Delegation full access permissions.json", &["AN1107"]),
    ("t1098.002_Mail account delegation-SendAs permission.csv", &["AN1107"]),
    ("t1098.002_user-reset_mailbox_full_access.json", &["AN1107"]),
    ("t1098.003_add_role_global_admin.json", &["privileged-role"]),
    ("t1098_Add a user to company administrator role.json", &["privileged-role"]),
    // Sprays that end in a successful scripted sign-in (PowerShell, python-requests) to Azure AD Graph.
    ("t1110.003_msolspray-powershell.json", &["AN0534", "password-spray"]),
    ("t1110.003_msolspray-python.json", &["AN0534", "password-spray"]),
    ("t1110.003_msolspraywithsuccess_1.csv", &["AN0534", "password-spray"]),
    // Failures only (no success in the file): still a spray.
    ("t1110.003_o365spray_default.json", &["password-spray"]),
    ("t1110.003_o365spray_reporting.csv", &["password-spray"]),
    ("t1110.003_o365spray_reporting.json", &["password-spray"]),
    // POP, IMAP and OWA switched on for a mailbox.
    ("t1114.002_Enable_POP_IMAP_OWA.csv", &["legacy-protocol"]),
    ("t1114.002_Enable_POP_IMAP_OWA.json", &["legacy-protocol"]),
    // Three mailboxes forwarded to one consumer address by the same account.
    ("t1114.003_Forward_Rule_Multi_Users_Same_Forward_dest.json", &["mail-forwarding"]),
    // Two mailboxes' rules forwarding everything to the same outside address.
    ("t1114.003_rule_mail_forward_same_dest.json", &["inbox-rule"]),
    // One mailbox forwarded to an outside address.
    ("t1114_Set-Mailbox-ForwardSMTPAddress.csv", &["mail-forwarding"]),
    // AzureHound signing in to Microsoft Graph; only the UAL's copies of the sign-ins are in the file.
    ("t1482_azurehound_list.csv", &["AN0534"]),
    ("t1531_Remove-Admin members from a group.csv", &[]),
    // Ten users deleted by one account within a minute.
    ("t1531_mass_delete_users.json", &["mass-deletion"]),
    ("t1550.001_Allusers_consent_to_grant_permission_granted.json", &["policy-weakening"]),
    ("t1550.001_default_rclone_app_registration.json", &["app-credential"]),
    ("t1556.006_Disable Strong Authentication.csv", &["auth-method-change"]),
    ("t1556_Disable _Strong_Authentication.json", &["auth-method-change"]),
    ("t1562-Set-MailboxAuditBypassAssociation.json", &["audit-tampering"]),
    ("t1562-UnifiedAuditlogIngestion-Stopped.json", &["audit-tampering"]),
    ("t1562.001_Remove-DlpCompliancePolicy.csv", &["audit-tampering"]),
    ("t1562.001_Set-Mailbox-AuditLogAgeLimitoZero.csv", &["audit-tampering"]),
    ("t1562.008_Advanced Auditing policy removed from a user.csv", &["audit-tampering"]),
    ("t1562.008_Disable UAL ingestion.csv", &["audit-tampering"]),
    ("t1562.008_Set-MailboxAuditBypassAssociation.csv", &["audit-tampering"]),
    ("t1562_Set-Mailbox-AuditLogAgeLimitoZero.json", &["audit-tampering"]),
    // Rules hiding mail: deleting "Attention" mail, filing "invoice" mail into Deleted Items, and rules named "."
    // that mark every message read and delete it or move it to Archive.
    ("t1564.008_New inbox rule to delete email.csv", &["inbox-rule"]),
    ("t1564.008_Update existing mailbox rule using Set-InboxRule.csv", &["inbox-rule"]),
    ("t1564.008_markasread_delete_all_email.json", &["inbox-rule"]),
    ("t1564.008_rule_mark_as_read_move.json", &["inbox-rule"]),
    // MFASweep tries PowerShell among its clients, and that sign-in succeeds; one account signed in as five
    // operating systems in seconds is MFA probing.
    ("t1592.004_mfa_sweep.csv", &["AN0534", "password-spray"]),
];

/// The analytics (sorted, distinct) a case made of this one file raises, and the suppressions it counted.
fn analytics_on(file: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(file, tmp.path().join(file.file_name().unwrap())).unwrap();
    let (case, _) = ingest_dir(tmp.path());
    let index = CaseIndex::open(&case.index_dir()).unwrap();
    let d = detect(&index, &DetectContext::all(case.config.clone(), chrono::Utc::now())).unwrap();
    let mut ids: Vec<String> = d.alerts.iter().map(|a| a.analytic.clone()).collect();
    ids.sort();
    ids.dedup();
    (ids, d.suppressions.iter().map(|s| s.rule.clone()).collect())
}

#[test]
fn each_labelled_sample_raises_the_analytic_its_behaviour_falls_under_and_no_other() {
    let Some(real) = crate::shared::real_fixtures("each_labelled_sample_raises_the_analytic_its_behaviour_falls_under")
    else {
        return;
    };
    let dataset = real.join("blueteam0ps-det-eng-samples/dataset");
    let on_disk = std::fs::read_dir(&dataset).unwrap().count();
    assert_eq!(on_disk, EXPECTED.len(), "the table lists every sample in {}", dataset.display());
    let mut wrong = Vec::new();
    for (name, want) in EXPECTED {
        let (got, _) = analytics_on(&dataset.join(name));
        if got != *want {
            wrong.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_systems_own_grant_to_the_discovery_search_mailbox_is_counted_not_alerted() {
    let Some(real) = crate::shared::real_fixtures("the_systems_own_grant_to_the_discovery_search_mailbox") else {
        return;
    };
    let file =
        real.join("blueteam0ps-det-eng-samples/dataset/t1098.002_Mail Account Delegation full access permissions.csv");
    let (got, suppressed) = analytics_on(&file);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(suppressed, vec!["system actor".to_string()]);
}
