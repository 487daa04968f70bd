//! Incident-response runbooks beside the evidence.
//!
//! The content lives in `assets/runbooks/<id>.toml`, one file per analytic plus a general Microsoft 365 compromise
//! runbook. Each runbook has a title, the analytic it serves, a summary of what the alert means, and steps in six
//! phases (triage, scoping, containment, eradication, recovery, evidence to preserve). A step may carry a pivot: the
//! harrier query that answers it, with `{alert.*}` placeholders filled from the alert's entities. harrier only shows
//! the admin actions a containment step names; it never performs them.
//!
//! Pivot syntax in a step:
//! - entity timeline: `pivot = { kind = "ip", value = "{alert.ips}" }` (kinds: user, ip, session, token, mailbox,
//!   app; the value is one placeholder or a literal);
//! - search: `pivot = { query = "op:Add-MailboxPermission mailbox:{alert.mailboxes}" }` (fields: user, ip,
//!   session, token, mailbox, app, op, source, country, ua, plus free text; values with spaces in double quotes);
//! - `expand = "first"` uses only the first value of each list; by default there is one pivot per value.

mod catalogue;
mod entities;
mod error;
mod model;
mod pivot;
mod template;

pub use catalogue::{all, for_alert, for_analytic, general, load_embedded, sources, GENERAL_ID, SIGMA_ID};
pub use entities::AlertEntities;
pub use error::RunbookError;
pub use model::{Phase, Runbook, Step};
pub use pivot::{EntityKind, Expand, Pivot, ResolvedPivot, MAX_RESOLVED_PIVOTS};
pub use template::{Placeholder, QueryField};
