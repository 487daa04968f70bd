//! What the app detections (app-credential, oauth-consent) read about applications in directory records: which
//! app a record is about, however Entra and the UAL name it, which permissions a grant, consent or registration
//! names, and which of those reach mail, files or the directory.

use super::identity_context::flat;
use crate::analytics::catalog;
use crate::analytics::common::{prop, unquote, Cx};
use crate::model::Event;
use std::collections::BTreeMap;

/// An application or service principal as one record names it.
#[derive(Debug, Clone, Default)]
pub struct AppRef {
    /// The app (client) id, lower-case, when the record gives it.
    pub app_id: Option<String>,
    /// The object id of the application or service principal.
    pub object_id: Option<String>,
    pub name: Option<String>,
    /// True for a service principal (enterprise app), false for an application object (registration).
    pub is_sp: bool,
}

impl AppRef {
    /// The key the app is grouped and allow-listed under: app id, else object id, else name.
    pub fn key(&self) -> String {
        self.app_id.clone().or_else(|| self.object_id.clone()).or_else(|| self.name.clone()).unwrap_or_default()
    }

    /// "Name (app id)" or whichever is known.
    pub fn label(&self) -> String {
        match (&self.name, self.app_id.as_ref().or(self.object_id.as_ref())) {
            (Some(n), Some(id)) => format!("{n} ({id})"),
            (Some(n), None) => n.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => "(unnamed app)".to_string(),
        }
    }

    /// Every name the app goes by, for allow lists and learnt permissions.
    pub fn names(&self) -> Vec<&str> {
        [self.app_id.as_deref(), self.object_id.as_deref(), self.name.as_deref()].into_iter().flatten().collect()
    }
}

/// True for a GUID-shaped text.
pub fn is_guid(s: &str) -> bool {
    let s = s.trim();
    s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && s.matches('-').count() == 4
}

/// The app a record acts on: its target of type Application or ServicePrincipal (Entra), or the typed ids the
/// UAL lists (`Application_<object id>`, the display name as a type-1 id), and the app id from the record's
/// properties.
pub fn app_of(ev: &Event) -> AppRef {
    let typed = |t: &crate::model::Target, k: &str| {
        t.kind.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(k))
            || t.id.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(k))
    };
    let op = ev.operation.to_ascii_lowercase();
    let is_sp = op.contains("service principal") || ev.targets.iter().any(|t| typed(t, "ServicePrincipal"));
    let entra = ev.targets.iter().find(|t| typed(t, "Application") || typed(t, "ServicePrincipal"));
    let mut object_id = entra.and_then(|t| t.id.clone()).filter(|i| is_guid(i));
    for t in &ev.targets {
        let id = t.id.as_deref().unwrap_or("");
        for prefix in ["application_", "serviceprincipal_"] {
            if let Some(rest) = id.to_ascii_lowercase().strip_prefix(prefix) {
                object_id.get_or_insert(rest.to_string());
            }
        }
    }
    let name = entra
        .and_then(|t| t.name.clone())
        .or_else(|| ev.targets.iter().find(|t| t.kind.as_deref() == Some("1")).and_then(|t| t.id.clone()))
        .or_else(|| prop(ev, &["DisplayName", "Application.DisplayName", "ServicePrincipal.DisplayName"]));
    let app_id = prop(ev, &["AppId", "Application.AppId", "ServicePrincipal.AppId", "AppPrincipalId"])
        .or_else(|| prop(ev, &["TargetId.ServicePrincipalNames"]).and_then(|v| first_guid(&v)))
        .map(|a| a.to_ascii_lowercase())
        .filter(|a| is_guid(a));
    AppRef { app_id, object_id: object_id.map(|o| o.to_ascii_lowercase()), name, is_sp }
}

/// The first GUID in a `;`- or `,`-separated list.
pub fn first_guid(v: &str) -> Option<String> {
    unquote(v).split([';', ',', ' ']).map(|x| x.trim().trim_matches('"')).find(|x| is_guid(x)).map(str::to_string)
}

/// The permission categories an asset defines, and app role ids mapped to their names.
pub struct Scopes {
    mail: Vec<String>,
    files: Vec<String>,
    directory: Vec<String>,
    persistence: Vec<String>,
    ids: BTreeMap<String, String>,
}

impl Scopes {
    /// Reads `mail_scopes`, `file_scopes`, `directory_scopes`, `persistence_scopes` and `permission_ids`.
    pub fn read(cx: &Cx) -> Scopes {
        let p = cx.params;
        let ids = p
            .list("permission_ids")
            .iter()
            .filter_map(|e| e.split_once('='))
            .map(|(n, id)| (id.trim().to_ascii_lowercase(), n.trim().to_string()))
            .collect();
        Scopes {
            mail: p.lower("mail_scopes"),
            files: p.lower("file_scopes"),
            directory: p.lower("directory_scopes"),
            persistence: p.lower("persistence_scopes"),
            ids,
        }
    }

    /// The name of a scope, permission or app role id, when it is one of the listed ones.
    fn name_of(&self, token: &str) -> Option<String> {
        let t = token.trim().trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase();
        if t.is_empty() {
            return None;
        }
        if let Some(n) = self.ids.get(&t) {
            return Some(n.clone());
        }
        if let Some(n) = catalog::mail_permission(&t) {
            return Some(n.to_string());
        }
        [&self.mail, &self.files, &self.directory, &self.persistence]
            .iter()
            .any(|l| l.contains(&t))
            .then(|| token.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
    }

    /// The category of a listed permission name: mail, files, directory or offline access.
    pub fn category(&self, name: &str) -> Option<&'static str> {
        let n = name.to_ascii_lowercase();
        if self.mail.contains(&n) || catalog::mail_permission(&n).is_some() {
            Some("mail")
        } else if self.files.contains(&n) {
            Some("files")
        } else if self.directory.contains(&n) {
            Some("directory")
        } else if self.persistence.contains(&n) {
            Some("offline access")
        } else {
            None
        }
    }

    /// Every listed permission named anywhere in a text (scopes, `ConsentAction.Permissions`, role ids), in order.
    pub fn in_text(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let seps = |c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '[' | ']' | '"' | '\'' | '=' | ':' | '{' | '}' | '\\')
        };
        for token in text.split(seps) {
            if let Some(n) = self.name_of(token) {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// The listed permissions a grant, consent or registration record names in its scope, role and permission
    /// properties.
    pub fn in_record(&self, ev: &Event) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let wanted = |n: &str| {
            let n = n.to_ascii_lowercase();
            n.contains("scope")
                || n.contains("approle")
                || n.contains("permission")
                || n.contains("requiredresourceaccess")
        };
        let values = ev
            .targets
            .iter()
            .flat_map(|t| t.modified.iter())
            .filter(|m| wanted(&m.name))
            .filter_map(|m| m.new.as_deref())
            .chain(ev.params.iter().filter(|(k, _)| wanted(k)).map(|(_, v)| v.as_str()));
        for v in values {
            for p in self.in_text(v) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

/// The client app a grant or consent record gives permissions to.
pub fn grantee_app(ev: &Event) -> AppRef {
    let mut app = app_of(ev);
    let op = ev.operation.to_ascii_lowercase();
    // An app role assignment and a delegated grant name the resource (Graph, Exchange) as their target; the client
    // is in the ServicePrincipal properties.
    if op.contains("app role assignment")
        || op.contains("delegated permission grant")
        || op.contains("oauth2permissiongrant")
    {
        app = AppRef {
            app_id: prop(ev, &["ServicePrincipal.AppId", "AppId"])
                .map(|a| a.to_ascii_lowercase())
                .filter(|a| is_guid(a)),
            object_id: prop(ev, &["ServicePrincipal.ObjectID", "DelegatedPermissionGrant.ClientId", "ClientId"])
                .map(|a| a.to_ascii_lowercase())
                .filter(|a| is_guid(a)),
            name: prop(ev, &["ServicePrincipal.DisplayName", "ServicePrincipal.Name"]),
            is_sp: true,
        };
    }
    app
}

/// What the case's grant and consent records say each app (by app id, object id and lower-case name) was given.
pub fn learnt_permissions(cx: &Cx, scopes: &Scopes) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ev in cx.audits {
        let op = ev.operation.to_ascii_lowercase();
        if !(op.contains("consent to application")
            || op.contains("app role assignment")
            || op.contains("permission grant"))
        {
            continue;
        }
        let perms = scopes.in_record(ev);
        if perms.is_empty() {
            continue;
        }
        let app = grantee_app(ev);
        for n in app.names() {
            let e = out.entry(n.to_ascii_lowercase()).or_default();
            for p in &perms {
                if !e.contains(p) {
                    e.push(p.clone());
                }
            }
        }
    }
    out
}

/// Reply addresses a record adds to an app (`AppAddress`, `ReplyUrls`): new values not in the old.
pub fn added_reply_urls(ev: &Event) -> Vec<String> {
    let mut out = Vec::new();
    for m in ev.targets.iter().flat_map(|t| t.modified.iter()) {
        if !["appaddress", "replyurls", "redirecturis"].contains(&m.name.to_ascii_lowercase().as_str()) {
            continue;
        }
        let old = flat(m.old.as_deref().unwrap_or(""));
        for url in urls_in(&flat(m.new.as_deref().unwrap_or(""))) {
            if !old.contains(&url) && !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out
}

/// The URLs in a flattened value.
fn urls_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("http") {
        rest = &rest[i..];
        let end = rest.find(['"', ',', ']', ';']).unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// True when a record makes the app available to other tenants.
pub fn made_multi_tenant(ev: &Event) -> bool {
    ev.targets.iter().flat_map(|t| t.modified.iter()).any(|m| {
        let new = flat(m.new.as_deref().unwrap_or(""));
        (m.name.eq_ignore_ascii_case("AvailableToOtherTenants") && new.contains("true"))
            || (m.name.eq_ignore_ascii_case("SignInAudience") && new.contains("multiple"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_told_from_other_ids() {
        assert!(is_guid("cd3133dd-0eb1-4283-ad9c-7e04202d3069"));
        assert!(!is_guid("Application_cee72eb3-e2d1-47e4-aee9-2035ef580de1"));
        assert_eq!(
            first_guid("\"https://x.example;cd3133dd-0eb1-4283-ad9c-7e04202d3069\"").as_deref(),
            Some("cd3133dd-0eb1-4283-ad9c-7e04202d3069")
        );
    }

    #[test]
    fn urls_come_out_of_flattened_reply_addresses() {
        let text = flat(r#"[{"AddressType":0,"Address":"http://localhost:53682/","ReplyAddressIndex":null}]"#);
        assert_eq!(urls_in(&text), vec!["http://localhost:53682/".to_string()]);
    }
}
