//! Inbox rules and mailbox forwarding.

use super::super::address::recipients;
use super::super::fields::Fields;
use crate::facts::{Forwarding, InboxRule, RuleActions, RuleCondition};
use crate::ingest::normalize::fields::{is_blank, scalar_text};

/// One inbox rule; a rule without its mailbox or name is malformed.
pub(super) fn rule(f: &Fields) -> Result<InboxRule, String> {
    let list = |field: &str| f.value(field).map(|v| recipients(&v)).unwrap_or_default();
    let actions = RuleActions {
        forward_to: list("forward_to"),
        forward_as_attachment_to: list("forward_as_attachment_to"),
        redirect_to: list("redirect_to"),
        move_to_folder: f.text("move_to_folder"),
        copy_to_folder: f.text("copy_to_folder"),
        delete: f.flag("delete")?.unwrap_or(false),
        soft_delete: f.flag("soft_delete")?.unwrap_or(false),
        mark_as_read: f.flag("mark_as_read")?.unwrap_or(false),
    };
    Ok(InboxRule {
        mailbox: f.require("mailbox")?.to_lowercase(),
        name: f.require("name")?,
        enabled: f.flag("enabled")?,
        priority: f.int("priority")?,
        identity: f.text("identity"),
        conditions: conditions(f),
        actions,
        stop_processing: f.flag("stop_processing")?,
        description: f.text("description"),
        in_error: f.flag("in_error")?,
        hidden: hidden(f),
        row: None,
    })
}

/// Whether the snapshot marks the rule hidden: a true flag, or a visibility column that says `Hidden`.
fn hidden(f: &Fields) -> Option<bool> {
    let v = f.lower("hidden")?;
    Some(matches!(v.trim(), "true" | "$true" | "1" | "hidden"))
}

/// The condition columns that are set: anything but empty and `False`.
fn conditions(f: &Fields) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    for col in f.shape.columns("conditions") {
        let Some(v) = f.row.get(&col.to_lowercase()).filter(|v| !is_blank(v)) else { continue };
        let text = scalar_text(&v).unwrap_or_else(|| v.to_string());
        if text.eq_ignore_ascii_case("false") {
            continue;
        }
        let words: Option<Vec<String>> = v.as_array().map(|a| a.iter().filter_map(scalar_text).collect());
        let value = match (words, recipients(&v)) {
            // A JSON list of words or phrases (`["bank details"]`) keeps each phrase whole.
            (Some(w), _) if !w.is_empty() && w.iter().all(|x| !x.contains('@') && !x.contains('[')) => w.join(", "),
            (_, r) if text.contains('[') && !r.is_empty() => r.join(", "),
            _ => text,
        };
        out.push(RuleCondition { test: col.clone(), value });
    }
    out
}

/// A mailbox's own forwarding; `smtp:` is taken off the address.
pub(super) fn forwarding(f: &Fields) -> Result<Forwarding, String> {
    let smtp = f.text("smtp_address").map(|a| {
        let a = a.trim();
        a.strip_prefix("smtp:").or_else(|| a.strip_prefix("SMTP:")).unwrap_or(a).to_lowercase()
    });
    Ok(Forwarding {
        mailbox: f.require("mailbox")?.to_lowercase(),
        smtp_address: smtp,
        recipient: f.text("recipient"),
        deliver_and_forward: f.flag("deliver_and_forward")?,
        row: None,
    })
}
