//! Addresses inside snapshot values: Exchange recipient lists (`"Name" [SMTP:a@b] "Other" [EX:/o=…]`), plain
//! lists, JSON arrays of addresses, and the users an alert names.

use serde_json::Value;

/// Most addresses kept from one value.
const MAX_ADDRESSES: usize = 200;

/// The recipients a value lists: SMTP addresses lower-case; a recipient of the tenant named only by its Exchange
/// (X.500) address is kept by its display name, which has no `@`.
pub fn recipients(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_recipients(v, &mut out, 0);
    out.dedup();
    out.truncate(MAX_ADDRESSES);
    out
}

fn collect_recipients(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 8 || out.len() >= MAX_ADDRESSES {
        return;
    }
    match v {
        Value::String(s) => recipients_in_text(s, out),
        Value::Array(items) => items.iter().for_each(|i| collect_recipients(i, out, depth + 1)),
        Value::Object(o) => {
            if let Some(a) = o.iter().find(|(k, _)| k.eq_ignore_ascii_case("address")).map(|(_, v)| v) {
                collect_recipients(a, out, depth + 1);
            } else if let Some(e) = o.iter().find(|(k, _)| k.eq_ignore_ascii_case("emailAddress")).map(|(_, v)| v) {
                collect_recipients(e, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `"Name" [TYPE:value]` entries, or a plain list separated by `;`, `,` or spaces.
fn recipients_in_text(s: &str, out: &mut Vec<String>) {
    if !s.contains('[') {
        for t in s.split([';', ',', ' ', '\t', '\r', '\n']).map(|t| t.trim().trim_matches('"')) {
            let t = t.strip_prefix("smtp:").or_else(|| t.strip_prefix("SMTP:")).unwrap_or(t);
            if !t.is_empty() {
                out.push(if t.contains('@') { t.to_lowercase() } else { t.to_string() });
            }
        }
        return;
    }
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let before = &rest[..open];
        let Some(close) = rest[open..].find(']').map(|c| open + c) else { break };
        let inside = &rest[open + 1..close];
        let display = before.rsplit('"').nth(1).map(str::trim).filter(|d| !d.is_empty());
        match inside.split_once(':') {
            Some((kind, addr)) if kind.eq_ignore_ascii_case("smtp") => out.push(addr.trim().to_lowercase()),
            Some((_, addr)) => out.push(display.unwrap_or(addr.trim()).to_string()),
            None => out.push(inside.trim().to_string()),
        }
        rest = &rest[close + 1..];
    }
}

/// The users (lower-case addresses) a value names: addresses in text, `userPrincipalName` members anywhere in JSON.
pub fn user_names(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_users(v, &mut out, 0);
    out.sort();
    out.dedup();
    out.truncate(MAX_ADDRESSES);
    out
}

fn collect_users(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 12 || out.len() >= MAX_ADDRESSES {
        return;
    }
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(parsed) = serde_json::from_str::<Value>(t) {
                    return collect_users(&parsed, out, depth + 1);
                }
            }
            let words = t.split([' ', ',', ';', '/', '|', '\t', '\n', '"', '<', '>']);
            out.extend(words.filter(|w| looks_like_address(w)).map(str::to_lowercase));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_users(i, out, depth + 1)),
        Value::Object(o) => {
            for (k, v) in o {
                match v {
                    Value::String(s) if k.eq_ignore_ascii_case("userPrincipalName") && looks_like_address(s) => {
                        out.push(s.trim().to_lowercase())
                    }
                    Value::Array(_) | Value::Object(_) => collect_users(v, out, depth + 1),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// `local@domain` with something on both sides.
fn looks_like_address(w: &str) -> bool {
    let w = w.trim();
    w.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exchange_recipient_lists() {
        let v = json!(
            r#""William Jackson" [EX:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0f72-43] "richardd16@bauscn.com" [SMTP:RichardD16@bauscn.com]"#
        );
        assert_eq!(recipients(&v), ["William Jackson", "richardd16@bauscn.com"]);
        assert_eq!(recipients(&json!("a@x.example; smtp:B@y.example")), ["a@x.example", "b@y.example"]);
        let graph = json!([{"emailAddress": {"name": "A", "address": "A@X.example"}}, "c@z.example"]);
        assert_eq!(recipients(&graph), ["a@x.example", "c@z.example"]);
        assert!(recipients(&json!("")).is_empty());
        assert_eq!(recipients(&json!("[broken")), Vec::<String>::new());
    }

    #[test]
    fn users_an_alert_names() {
        assert_eq!(user_names(&json!("Brucon04@bonacu.onmicrosoft.com/null")), ["brucon04@bonacu.onmicrosoft.com"]);
        let evidence = json!([{"userAccount": {"userPrincipalName": "Jo@contoso.example", "accountName": "jo"}}]);
        assert_eq!(user_names(&evidence), ["jo@contoso.example"]);
        assert_eq!(user_names(&json!(r#"[{"userPrincipalName":"x@y.example"}]"#)), ["x@y.example"]);
        assert!(user_names(&json!("no one")).is_empty());
    }
}
