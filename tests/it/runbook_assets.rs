//! The shipped runbooks: every asset loads, every analytic has one, and each is complete and well formed.

use harrier::runbook::{self, Phase, Placeholder, QueryField};
use std::collections::{BTreeSet, HashSet};

const ANALYTICS: [&str; 5] = ["AN0534", "AN0959", "AN1089", "AN1350", "AN1107"];

/// Field names of the query language as the CLI documents them, written out independently of the code.
const KNOWN_FIELDS: [&str; 10] = ["user", "ip", "session", "token", "mailbox", "app", "op", "source", "country", "ua"];

/// Placeholders the alert entities can fill, written out independently of the code.
const KNOWN_PLACEHOLDERS: [&str; 5] =
    ["{alert.users}", "{alert.ips}", "{alert.sessions}", "{alert.mailboxes}", "{alert.apps}"];

#[test]
fn every_embedded_runbook_parses() {
    let loaded = runbook::load_embedded().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.len(), runbook::sources().len());
    assert_eq!(runbook::all().len(), runbook::sources().len());
}

#[test]
fn every_file_in_the_assets_folder_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/runbooks");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let embedded: BTreeSet<String> = runbook::sources().iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(on_disk, embedded, "a runbook file in assets/runbooks is not compiled in, or the other way round");
}

#[test]
fn each_analytic_has_a_runbook_found_case_insensitively() {
    for analytic in ANALYTICS {
        let upper = runbook::for_analytic(analytic).unwrap_or_else(|| panic!("no runbook for {analytic}"));
        assert_eq!(upper.analytic(), Some(analytic));
        assert_eq!(upper.id(), analytic.to_ascii_lowercase());
        let lower = runbook::for_analytic(&analytic.to_ascii_lowercase()).unwrap();
        assert!(std::ptr::eq(upper, lower), "{analytic}: lookup differs by case");
    }
    assert!(runbook::for_analytic("AN9999").is_none());
    assert!(runbook::for_analytic("").is_none());
}

#[test]
fn the_general_runbook_exists_and_serves_no_single_analytic() {
    let general = runbook::general();
    assert_eq!(general.id(), "m365-compromise");
    assert_eq!(general.analytic(), None);
    assert!(general.title().contains("compromise"));
}

#[test]
fn every_runbook_has_every_phase_and_a_useful_length() {
    for rb in runbook::all() {
        for phase in Phase::ALL {
            assert!(!rb.phase(phase).is_empty(), "{}: phase {phase} is empty", rb.id());
        }
        let count = rb.step_count();
        assert!((15..=30).contains(&count), "{}: {count} steps, expected 15 to 30", rb.id());
        assert_eq!(rb.steps().count(), count);
        assert!(!rb.summary().is_empty());
        let order: Vec<Phase> = rb.steps().map(|(p, _)| p).collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{}: steps not in phase order", rb.id());
    }
}

#[test]
fn step_ids_are_unique_within_each_runbook_and_resolvable() {
    for rb in runbook::all() {
        let mut seen = HashSet::new();
        for (phase, step) in rb.steps() {
            assert!(seen.insert(step.id.clone()), "{}: step id {} repeated", rb.id(), step.id);
            let (found_phase, found) = rb.step(&step.id).unwrap();
            assert_eq!((found_phase, found.title.as_str()), (phase, step.title.as_str()));
        }
    }
}

#[test]
fn every_pivot_uses_known_placeholders_and_fields() {
    let mut pivots = 0;
    for rb in runbook::all() {
        for (_, step) in rb.steps() {
            let Some(pivot) = &step.pivot else { continue };
            pivots += 1;
            for field in pivot.fields() {
                assert!(KNOWN_FIELDS.contains(&field.as_str()), "{}/{}: field {field}", rb.id(), step.id);
            }
            for placeholder in pivot.placeholders() {
                assert!(
                    KNOWN_PLACEHOLDERS.contains(&placeholder.as_str()),
                    "{}/{}: placeholder {placeholder}",
                    rb.id(),
                    step.id
                );
            }
            let template = pivot.template();
            let mut rest = template.as_str();
            while let Some(start) = rest.find('{') {
                let end = rest[start..].find('}').map(|e| start + e + 1).expect("closed placeholder");
                assert!(KNOWN_PLACEHOLDERS.contains(&&rest[start..end]), "{}/{}: {template}", rb.id(), step.id);
                rest = &rest[end..];
            }
        }
    }
    assert!(pivots >= 60, "only {pivots} pivots across the runbooks");
    assert_eq!(QueryField::ALL.len(), KNOWN_FIELDS.len());
    assert_eq!(Placeholder::ALL.len(), KNOWN_PLACEHOLDERS.len());
}

#[test]
fn containment_names_the_real_admin_actions() {
    let text_of = |id: &str| -> String {
        let rb = runbook::all().iter().find(|r| r.id() == id).unwrap();
        rb.phase(Phase::Containment).iter().map(|s| s.detail.as_str()).collect::<Vec<_>>().join(" ")
    };
    for rb in runbook::all() {
        let containment = text_of(rb.id());
        let names_action = ["Revoke-MgUserSignInSession", "Remove-MailboxPermission", "AccountEnabled:$false"]
            .iter()
            .any(|action| containment.contains(action));
        assert!(names_action, "{}: containment names no concrete admin action", rb.id());
    }
    assert!(text_of("an0959").contains("Revoke-MgUserSignInSession"));
    assert!(text_of("an1107").contains("Remove-ManagementRoleAssignment"));
    assert!(text_of("an1107").contains("Remove-MailboxPermission"));
    assert!(text_of("an1350").contains("GDAP"));
    assert!(text_of("m365-compromise").contains("Remove-MailboxPermission"));
}
