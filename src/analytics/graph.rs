//! Microsoft Graph request shapes: a template for a request URI and what kind of data it reaches.

/// What a Graph request reaches, for data-access and enumeration reasoning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphClass {
    /// Messages, mail folders, attachments.
    Mail,
    /// Drives, drive items, sites, file content, search.
    File,
    /// A directory listing (users, groups, members, contacts, apps, devices, roles) or getByIds.
    Enumeration,
    Other,
}

/// A request URI reduced to what the analytics reason about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphShape {
    /// `/v1.0/users/{id}/messages` (host, ids and query values removed).
    pub template: String,
    pub class: GraphClass,
    /// The group (or role) whose members were listed, for group-expansion counting.
    pub expanded: Option<String>,
    /// Follows a page link (`$skiptoken`, `$skip`).
    pub paged: bool,
    /// Selects mail identities (`$select` naming mail, proxyAddresses, userPrincipalName, otherMails).
    pub email_select: bool,
}

fn is_id(seg: &str) -> bool {
    let s = seg.trim_matches(|c| c == '\'' || c == '"' || c == '{' || c == '}');
    if s.is_empty() {
        return false;
    }
    let hexish = s.len() >= 8 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let digits = s.chars().all(|c| c.is_ascii_digit());
    hexish || digits || s.contains('@') || s.contains('=') || s.starts_with("aa") && s.len() > 40
}

fn percent_decode_lossy(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Classifies one Graph request. `uri` may be absolute or a path; the method is any case.
pub fn shape(method: &str, uri: &str) -> GraphShape {
    let rest = match uri.find("://") {
        Some(p) => {
            let after = &uri[p + 3..];
            after.find('/').map(|i| &after[i..]).unwrap_or("/")
        }
        None => uri,
    };
    let (path, query) = match rest.find('?') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let query = percent_decode_lossy(query).to_ascii_lowercase();
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            // `users('id')` and `messages/{id}/$value` style segments.
            let base = s.split('(').next().unwrap_or(s);
            if is_id(base) {
                "{id}".to_string()
            } else {
                base.to_ascii_lowercase()
            }
        })
        .collect();
    let mut ids = path.split('/').filter(|s| !s.is_empty());
    let template = format!("/{}", segs.join("/"));
    // Drop the API version for classification.
    let body: Vec<&str> =
        segs.iter().map(|s| s.as_str()).skip_while(|s| *s == "v1.0" || *s == "beta" || s.starts_with("api")).collect();
    let get = method.eq_ignore_ascii_case("GET");
    let has = |name: &str| body.contains(&name);
    let last = body.last().copied().unwrap_or("");
    let mut class = GraphClass::Other;
    let mut expanded = None;
    if has("messages") || has("mailfolders") || has("attachments") || has("mime") || last == "$value" && has("messages")
    {
        class = GraphClass::Mail;
    } else if has("drive") || has("drives") || has("driveitems") || has("sites") || last == "content" || has("search") {
        class = GraphClass::File;
    }
    if class == GraphClass::Other {
        let collection = |name: &str| body.len() == 1 && body[0] == name;
        let members = (last == "members" || last == "transitivemembers") && body.len() == 3;
        let enum_get = get
            && (collection("users")
                || body == ["users", "delta"]
                || collection("groups")
                || collection("contacts")
                || collection("orgcontacts")
                || collection("people")
                || body == ["me", "people"]
                || collection("serviceprincipals")
                || collection("applications")
                || collection("devices")
                || collection("directoryroles")
                || members && matches!(body[0], "groups" | "directoryroles"));
        let post_ids = method.eq_ignore_ascii_case("POST") && body == ["directoryobjects", "getbyids"];
        if enum_get || post_ids {
            class = GraphClass::Enumeration;
            if members {
                // The raw id of the expanded group (position 1 after the version).
                let raw: Vec<&str> = ids
                    .by_ref()
                    .skip_while(|s| s.eq_ignore_ascii_case("v1.0") || s.eq_ignore_ascii_case("beta"))
                    .collect();
                expanded = raw.get(1).map(|s| s.to_ascii_lowercase());
            }
        }
    }
    let paged = query.contains("$skiptoken") || query.contains("$skip=") || query.contains("skiptoken=");
    let email_select = query.split('&').any(|kv| {
        kv.starts_with("$select=")
            && ["mail", "proxyaddresses", "userprincipalname", "othermails"].iter().any(|f| kv.contains(f))
    });
    GraphShape { template, class, expanded, paged, email_select }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hide_ids_and_queries() {
        let s = shape(
            "GET",
            "https://graph.microsoft.com/v1.0/users/7ef3c2ad-d52f-4a89-8cf9-c30178181027/messages?$top=50",
        );
        assert_eq!(s.template, "/v1.0/users/{id}/messages");
        assert_eq!(s.class, GraphClass::Mail);
        let s = shape("GET", "https://graph.microsoft.com/v1.0/users/alice@contoso.com/drive/root/children");
        assert_eq!(s.template, "/v1.0/users/{id}/drive/root/children");
        assert_eq!(s.class, GraphClass::File);
    }

    #[test]
    fn directory_listings_are_enumeration() {
        let s =
            shape("GET", "https://graph.microsoft.com/v1.0/users?$select=displayName,mail,proxyAddresses&$skiptoken=X");
        assert_eq!(s.class, GraphClass::Enumeration);
        assert!(s.paged && s.email_select);
        let s = shape("GET", "https://graph.microsoft.com/v1.0/groups/0f6a7b3c-1d2e-4f50-8a9b-0c1d2e3f4a5b/members");
        assert_eq!(s.class, GraphClass::Enumeration);
        assert_eq!(s.expanded.as_deref(), Some("0f6a7b3c-1d2e-4f50-8a9b-0c1d2e3f4a5b"));
        let s = shape("POST", "/v1.0/directoryObjects/getByIds");
        assert_eq!(s.class, GraphClass::Enumeration);
        assert_eq!(shape("GET", "https://graph.microsoft.com/v1.0/directoryRoles").class, GraphClass::Enumeration);
    }

    #[test]
    fn single_objects_and_profile_reads_are_not_enumeration() {
        assert_eq!(shape("GET", "https://graph.microsoft.com/v1.0/me").class, GraphClass::Other);
        assert_eq!(
            shape("GET", "https://graph.microsoft.com/v1.0/users/7ef3c2ad-d52f-4a89-8cf9-c30178181027").class,
            GraphClass::Other
        );
        assert_eq!(shape("GET", "https://graph.microsoft.com/v1.0/me/photos/96x96/$value").class, GraphClass::Other);
        assert_eq!(shape("POST", "https://graph.microsoft.com/v1.0/users").class, GraphClass::Other);
    }
}
