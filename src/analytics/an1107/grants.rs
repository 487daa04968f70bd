//! What counts as a grant of other people's mail, in every form Exchange and Entra record one.
//!
//! A role (ApplicationImpersonation, or an RBAC-for-Applications mail role) reaches a principal directly
//! (`New-ManagementRoleAssignment -User/-SecurityGroup/-App`) or through a role group (`New-RoleGroup -Roles …
//! -Members …`, then `Add-RoleGroupMember`/`Update-RoleGroupMember` on a group that holds it). An app's mail
//! permission arrives as an application permission or a consent; an application access policy that fenced an app
//! in can be removed; a mailbox or folder can be delegated. The groups and Exchange service principals the case
//! itself shows are learnt in time order, so a later member added to a group that was given the role is a grant.

use crate::analytics::an1350::grant_parts;
use crate::analytics::catalog::{self, OpList};
use crate::analytics::common::{op_in, prop};
use crate::model::Event;
use std::collections::BTreeMap;

/// One grant found in the audit records.
pub(super) struct Grant {
    pub what: String,
    pub grantee: String,
    /// A display name for an application grantee.
    pub grantee_name: Option<String>,
    /// The grantee is an application (app id or service principal name).
    pub app_grantee: bool,
    pub mailbox: String,
    pub tenant_wide: bool,
}

/// What the case has shown so far about role groups and Exchange service principals.
#[derive(Default)]
pub(super) struct Learnt {
    /// Role groups (lower-case names) holding a mail-reaching role, with that role.
    groups: BTreeMap<String, String>,
    /// Exchange service principals by object id, service id or app id (lower-case): app id and display name.
    apps: BTreeMap<String, (String, Option<String>)>,
}

impl Learnt {
    /// Starts from role groups known to hold a mail-reaching role before the case begins (a parameter).
    pub fn with_groups(groups: &[String]) -> Learnt {
        let mut l = Learnt::default();
        for g in groups {
            l.groups.insert(g.trim().to_ascii_lowercase(), "ApplicationImpersonation".to_string());
        }
        l
    }

    /// The grants one audit record makes, remembering the groups and apps it reveals for later records.
    pub fn grants_of(&mut self, ev: &Event) -> Vec<Grant> {
        if op_in(ev, OpList::ServicePrincipal) {
            self.note_service_principal(ev);
            return Vec::new();
        }
        if op_in(ev, OpList::RoleAssignment) {
            return self.role_assignment(ev).into_iter().collect();
        }
        if op_in(ev, OpList::RoleGroup) {
            return self.role_group(ev);
        }
        if op_in(ev, OpList::AppAccessPolicy) {
            return policy_removed(ev).into_iter().collect();
        }
        if op_in(ev, OpList::AppGrant) {
            return app_permission_grant(ev).into_iter().collect();
        }
        if op_in(ev, OpList::MailboxDelegation) {
            return delegation_grant(ev).into_iter().collect();
        }
        Vec::new()
    }

    /// `New-ServicePrincipal -AppId … -ObjectId/-ServiceId … -DisplayName …`: names the app a later role
    /// assignment may refer to by object id.
    fn note_service_principal(&mut self, ev: &Event) {
        let Some(app) = prop(ev, &["AppId"]).map(|a| a.to_ascii_lowercase()) else { return };
        let name = prop(ev, &["DisplayName"]);
        for key in [prop(ev, &["ObjectId"]), prop(ev, &["ServiceId"]), Some(app.clone())].into_iter().flatten() {
            self.apps.insert(key.to_ascii_lowercase(), (app.clone(), name.clone()));
        }
    }

    /// An ApplicationImpersonation or RBAC-for-Applications mail role assigned to a user, group or app.
    fn role_assignment(&mut self, ev: &Event) -> Option<Grant> {
        let role = prop(ev, &["Role"]).unwrap_or_default();
        if !is_mail_role(&role) {
            return None;
        }
        let app = prop(ev, &["App"]);
        let group = prop(ev, &["SecurityGroup"]);
        if let Some(g) = &group {
            self.groups.insert(g.to_ascii_lowercase(), role.clone());
        }
        let scope =
            prop(ev, &["CustomResourceScope", "RecipientAdministrativeUnitScope", "RecipientOrganizationalUnitScope"]);
        let mut grant = match (app, prop(ev, &["User"]).or(group)) {
            (Some(a), _) => self.app_grant(&a, format!("{role} role assignment")),
            (None, Some(who)) => person_grant(&who, format!("{role} role assignment")),
            _ => person_grant("", format!("{role} role assignment")),
        };
        grant.tenant_wide = scope.is_none();
        Some(grant)
    }

    /// A role group made with a mail-reaching role, or members added to a group the case showed holding one.
    fn role_group(&mut self, ev: &Event) -> Vec<Grant> {
        let op = ev.operation.to_ascii_lowercase();
        let (group, role, members) = if op == "new-rolegroup" {
            let Some(role) =
                split_list(&prop(ev, &["Roles"]).unwrap_or_default()).into_iter().find(|r| is_mail_role(r))
            else {
                return Vec::new();
            };
            let group = prop(ev, &["Name", "DisplayName"]).unwrap_or_default().to_ascii_lowercase();
            self.groups.insert(group.clone(), role.clone());
            (group, role, prop(ev, &["Members"]).unwrap_or_default())
        } else {
            let group = prop(ev, &["Identity"]).unwrap_or_default().to_ascii_lowercase();
            let Some(role) = self.groups.get(&group).cloned() else { return Vec::new() };
            (group, role, prop(ev, &["Member", "Members", "AddedMembers"]).unwrap_or_default())
        };
        let what = format!("{role} through role group {group} ({})", ev.operation);
        split_list(&members)
            .into_iter()
            .map(|m| match self.apps.get(&m.to_ascii_lowercase()) {
                Some(_) => {
                    let mut g = self.app_grant(&m, what.clone());
                    g.tenant_wide = true;
                    g
                }
                None => {
                    let mut g = person_grant(&m, what.clone());
                    g.tenant_wide = true;
                    g
                }
            })
            .collect()
    }

    /// A grant to an app named by app id, object id or name, resolved through the service principals the case
    /// showed.
    fn app_grant(&self, who: &str, what: String) -> Grant {
        let (grantee, name) = match self.apps.get(&who.to_ascii_lowercase()) {
            Some((app, name)) => (app.clone(), name.clone()),
            None => (who.to_ascii_lowercase(), None),
        };
        Grant { what, grantee, grantee_name: name, app_grantee: true, mailbox: String::new(), tenant_wide: false }
    }
}

/// A grant to a person or group (or an id the case cannot place).
fn person_grant(who: &str, what: String) -> Grant {
    Grant {
        what,
        grantee: who.trim().to_ascii_lowercase(),
        grantee_name: None,
        app_grantee: false,
        mailbox: String::new(),
        tenant_wide: false,
    }
}

/// True for roles that open other people's mail: ApplicationImpersonation and the RBAC-for-Applications roles
/// (`Application Mail.Read`, `Application EWS.AccessAsApp`, `Application Exchange Full Access`, …).
pub(super) fn is_mail_role(role: &str) -> bool {
    let low = role.trim().to_ascii_lowercase();
    low.contains("applicationimpersonation")
        || ["application mail", "application exchange", "application ews"].iter().any(|p| low.starts_with(p))
}

/// Items of a list parameter however the export wrote it (`a,b`, `a;b`, `["a","b"]`).
fn split_list(v: &str) -> Vec<String> {
    v.split([',', ';'])
        .map(|s| s.trim().trim_matches(|c| c == '"' || c == '[' || c == ']' || c == '\'').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `Remove-ApplicationAccessPolicy`: the fence around an app's mail permission came down, so it reaches every
/// mailbox its permission allows.
fn policy_removed(ev: &Event) -> Option<Grant> {
    if !ev.operation.eq_ignore_ascii_case("remove-applicationaccesspolicy") {
        return None;
    }
    let identity = prop(ev, &["Identity", "AppId"]).unwrap_or_default();
    // The identity reads `<tenant id>\<app id>:<scope>`; the app id is the part after the backslash.
    let app = identity.rsplit('\\').next().unwrap_or(&identity).split(':').next().unwrap_or("").trim();
    Some(Grant {
        what: "application access policy removed".to_string(),
        grantee: app.to_ascii_lowercase(),
        grantee_name: None,
        app_grantee: true,
        mailbox: String::new(),
        tenant_wide: true,
    })
}

/// A mail application permission or a consent to one.
fn app_permission_grant(ev: &Event) -> Option<Grant> {
    let mut perms: Vec<&'static str> = Vec::new();
    let values = ev.targets.iter().flat_map(|t| t.modified.iter().filter_map(|m| m.new.as_deref()));
    for v in values.chain(ev.params.iter().map(|(_, v)| v.as_str())) {
        for p in catalog::mail_permissions_in(v) {
            if !perms.contains(&p) {
                perms.push(p);
            }
        }
    }
    if perms.is_empty() {
        return None;
    }
    let grantee = prop(ev, &["ServicePrincipal.AppId", "AppId", "ServicePrincipal.DisplayName"])
        .or_else(|| ev.targets.iter().find_map(|t| t.id.clone()))
        .unwrap_or_default();
    let app_only = ev.operation.to_ascii_lowercase().contains("app role");
    let name = prop(ev, &["ServicePrincipal.DisplayName", "ServicePrincipal.Name", "DisplayName"]);
    Some(Grant {
        what: format!("{} {}", if app_only { "application permission" } else { "consent to" }, perms.join(", ")),
        grantee: grantee.to_ascii_lowercase(),
        grantee_name: name,
        app_grantee: true,
        mailbox: String::new(),
        tenant_wide: app_only && perms.iter().any(|p| catalog::is_tenant_wide_mail_permission(p)),
    })
}

/// Mailbox or folder delegation (FullAccess, SendAs, SendOnBehalf, folder rights other than none).
fn delegation_grant(ev: &Event) -> Option<Grant> {
    let (grantee, mailbox) = grant_parts(ev);
    let rights = prop(ev, &["AccessRights", "ExtendedRights"]).unwrap_or_default();
    let op = ev.operation.to_ascii_lowercase();
    if op == "set-mailbox" && prop(ev, &["GrantSendOnBehalfTo"]).is_none() {
        return None;
    }
    if op.contains("folderpermission") && rights.eq_ignore_ascii_case("none") {
        return None;
    }
    Some(Grant {
        what: format!("{} {rights}", ev.operation),
        grantee,
        grantee_name: None,
        app_grantee: false,
        mailbox,
        tenant_wide: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_roles_are_recognised_and_others_are_not() {
        assert!(is_mail_role("ApplicationImpersonation"));
        assert!(is_mail_role("Application Mail.Read"));
        assert!(is_mail_role("Application EWS.AccessAsApp"));
        assert!(!is_mail_role("Mail Recipients"));
        assert!(!is_mail_role("Organization Management"));
    }

    #[test]
    fn list_parameters_split_in_every_written_form() {
        assert_eq!(split_list("a, b"), vec!["a", "b"]);
        assert_eq!(split_list("[\"a\",\"b\"]"), vec!["a", "b"]);
        assert_eq!(split_list("a;b"), vec!["a", "b"]);
        assert!(split_list("").is_empty());
    }
}
