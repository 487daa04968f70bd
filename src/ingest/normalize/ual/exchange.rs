//! What Exchange records say about the mailbox acted on: its owner, how it was logged on to, how many items were
//! touched, and the client.

use crate::ingest::normalize::fields::Rec;
use crate::model::mailbox;
use crate::model::{Event, MailboxAccess};
use serde_json::Value;

/// Adds the mailbox facts of an Exchange record (the user agent falls back to its client string).
pub(super) fn add_mailbox_facts(e: &mut Event, r: &Rec) {
    let owner = mailbox_owner(e, r);
    let logon_type = r
        .int(&["LogonType", "Logon_Type"])
        .filter(|v| (0..=255).contains(v))
        .map(|v| v as u8)
        .or_else(|| r.text(&["Logon_Type"]).and_then(|s| logon_type_from_name(&s)));
    let item_count = item_count(r);
    let client_info = r.text(&["ClientInfoString"]);
    if e.user_agent.is_none() {
        e.user_agent = client_info.clone();
    }
    let external = r.boolean(&["ExternalAccess"]);
    if owner.is_some() || logon_type.is_some() || item_count.is_some() || client_info.is_some() {
        e.mailbox =
            Some(MailboxAccess { mailbox: owner, logon_type, item_count, client_info, external_access: external });
    }
}

/// The mailbox's address: its owner's UPN, else the mailbox an admin cmdlet or a rule names.
fn mailbox_owner(e: &Event, r: &Rec) -> Option<String> {
    r.lower(&["MailboxOwnerUPN"]).or_else(|| {
        // Admin cmdlets name the mailbox in their Identity parameter.
        e.param("Identity").map(|s| s.to_lowercase()).or_else(|| {
            // Rule and mailbox cmdlets name the mailbox in the object path of what they changed.
            let path = r.text(&["ObjectId", "OfficeObjectId"]).filter(|o| mailbox::is_object_path(o))?;
            // Acting on one's own mailbox: the path's alias is the actor's, so the mailbox is the actor's address.
            let own =
                e.actor.upn.as_deref().filter(|u| u.contains('@') && mailbox::alias_of(u) == mailbox::alias_of(&path));
            Some(own.map_or_else(|| path.to_lowercase(), str::to_string))
        })
    })
}

/// Items touched: the operation count, or the items listed under `Folders` when there are more of those.
fn item_count(r: &Rec) -> Option<u64> {
    let mut item_count = r.int(&["OperationCount"]).map(|v| v.max(0) as u64);
    if let Some(folders) = r.structured(&["Folders"]) {
        let n: u64 = folders
            .as_array()
            .map(|fs| {
                fs.iter().map(|f| f.get("FolderItems").and_then(Value::as_array).map_or(0, |a| a.len() as u64)).sum()
            })
            .unwrap_or(0);
        if n > 0 {
            item_count = Some(item_count.unwrap_or(0).max(n));
        }
    }
    item_count
}

/// A logon type given by name (Log Analytics rows) → its number.
fn logon_type_from_name(s: &str) -> Option<u8> {
    Some(match s.trim() {
        "Owner" => 0,
        "Admin" => 1,
        "Delegated" | "Delegate" => 2,
        "Transport" => 3,
        "SystemService" => 4,
        "BestAccess" => 5,
        "DelegatedAdmin" => 6,
        _ => return None,
    })
}
