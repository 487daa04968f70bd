//! Helpers for the anonymisation tests: run it on a copy, decode every output file, look for leaks.

use harrier::anonymize::alias::{AliasRules, AliasUse};
use harrier::anonymize::collect::{collect, Originals};
use harrier::anonymize::keep::KeepRules;
use harrier::anonymize::{anonymize, Options};
use std::io::Read;
use std::path::Path;

/// Anonymises `case` into a fresh folder and returns it.
pub fn anonymized(case: &Path, shift_days: i64) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    anonymize(case, out.path(), &Options { shift_days, seed: 7, mapping: None }).unwrap();
    out
}

/// What the case names, as the anonymiser learns it.
pub fn originals(case: &Path) -> Originals {
    collect(case, &KeepRules::bundled())
}

/// Every file under `root` as lower-case text: gzip inflated, zip members read, UTF-16 decoded.
pub fn decoded_texts(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let name = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if bytes.starts_with(b"PK\x03\x04") {
                let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                for i in 0..z.len() {
                    let mut m = z.by_index(i).unwrap();
                    let mut b = Vec::new();
                    m.read_to_end(&mut b).unwrap();
                    out.push((format!("{name}!{}", m.name()), format!("{}\n{}", m.name(), decode(b)).to_lowercase()));
                }
            } else {
                out.push((name.clone(), format!("{name}\n{}", decode(bytes)).to_lowercase()));
            }
        }
    }
    out
}

fn decode(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut inflated).unwrap();
        bytes = inflated;
    }
    match harrier::ingest::decode::detect_encoding(&bytes) {
        harrier::ingest::decode::TextEncoding::Utf16Le => encoding_rs::UTF_16LE.decode(&bytes).0.into_owned(),
        harrier::ingest::decode::TextEncoding::Utf16Be => encoding_rs::UTF_16BE.decode(&bytes).0.into_owned(),
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The values that must not survive: addresses, display names, domains, tenant ids and IPs (lower-case).
pub fn secrets(o: &Originals) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = Vec::new();
    v.extend(o.emails.iter().map(|e| ("upn", e.clone())));
    v.extend(o.people.keys().map(|d| ("display name", d.to_lowercase())));
    v.extend(o.domains.iter().map(|d| ("domain", d.clone())));
    for l in &o.tenant_labels {
        v.push(("domain", format!("{l}.onmicrosoft.com")));
        v.push(("domain", format!("{l}.sharepoint.com")));
    }
    v.extend(o.tenants.iter().map(|t| ("tenant id", t.clone())));
    v.extend(o.ips.keys().map(|i| ("ip", i.to_lowercase())));
    v
}

/// Places where a secret still stands on its own in the texts (not as part of a longer word or address).
pub fn leaks(texts: &[(String, String)], secrets: &[(&'static str, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in texts {
        let t = text.as_bytes();
        for (kind, s) in secrets {
            for (at, _) in text.match_indices(s.as_str()) {
                let end = at + s.len();
                let before = if at == 0 { b' ' } else { t[at - 1] };
                let after = t.get(end).copied().unwrap_or(b' ');
                let next = t.get(end + 1).copied().unwrap_or(b' ');
                let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
                if word(before) || word(after) {
                    continue;
                }
                if *kind == "ip"
                    && (before == b'.' || after == b'.' && next.is_ascii_digit() || after == b':' && s.contains(':'))
                {
                    continue;
                }
                found.push(format!(
                    "{kind} {s} in {file}: …{}…",
                    &text[at.saturating_sub(40)..(end + 20).min(text.len())]
                ));
                break;
            }
        }
    }
    found
}

/// `bob@contoso.com` → `bob_contoso_com`, as OneDrive personal site paths spell an address.
pub fn underscored(s: &str) -> String {
    s.replace(['@', '.'], "_")
}

/// Email local parts of at least three characters with a letter, not a guest's `#ext#` form (whose parts are
/// learned as addresses of their own), split into those replaced wherever they stand (people's aliases) and role
/// or common words (`support`, `info`) replaced only where they name a mailbox.
pub fn aliases(o: &Originals) -> (Vec<String>, Vec<String>) {
    let rules = AliasRules::new(&o.protected);
    let (mut people, mut roles) = (Vec::new(), Vec::new());
    for e in &o.emails {
        let Some((l, _)) = e.rsplit_once('@') else { continue };
        if l.chars().count() < 3 || !l.chars().any(|c| c.is_alphabetic()) || l.contains('#') {
            continue;
        }
        match rules.alias_use(l) {
            AliasUse::MailboxPlaces => roles.push(l.to_string()),
            _ => people.push(l.to_string()),
        }
    }
    for v in [&mut people, &mut roles] {
        v.sort();
        v.dedup();
    }
    (people, roles)
}

/// [`secrets`] plus every alias, and each address and domain also in the underscore form OneDrive paths use.
/// A role alias is looked for where it names a mailbox: after a domain of the case in an Exchange object path
/// and as a `CN=` (X.500 addresses: [`x500_leaks`]). Search them with [`leaks_decoded`], which also reads the
/// texts percent- and `\u`-decoded.
pub fn secrets_wide(o: &Originals) -> Vec<(&'static str, String)> {
    let mut v = secrets(o);
    let (people, roles) = aliases(o);
    v.extend(people.into_iter().map(|a| ("alias", a)));
    let mut domains: Vec<String> = o.domains.iter().cloned().collect();
    domains.extend(o.tenant_labels.iter().map(|l| format!("{l}.onmicrosoft.com")));
    for a in &roles {
        v.push(("role alias as a CN", format!("cn={a}")));
        for d in &domains {
            v.push(("role alias in a path", format!("{d}/{a}")));
            v.push(("role alias in a path", format!("{d}\\/{a}")));
        }
    }
    v.extend(o.emails.iter().filter(|e| !e.contains('#')).map(|e| ("upn (underscored)", underscored(e))));
    v.extend(o.domains.iter().map(|d| ("domain (underscored)", underscored(d))));
    for l in &o.tenant_labels {
        v.push(("domain", format!("{l}-my.sharepoint.com")));
        v.push(("domain (underscored)", format!("{l}_onmicrosoft_com")));
    }
    v.sort();
    v.dedup();
    v
}

/// Any alias of the case (people's and role words alike) left after an X.500 address's object id
/// (`cn=<32 hex>-lidia`).
pub fn x500_leaks(texts: &[(String, String)], o: &Originals) -> Vec<String> {
    let (people, roles) = aliases(o);
    let all: std::collections::HashSet<String> = people.into_iter().chain(roles).collect();
    let re = regex::Regex::new(r"cn=[0-9a-f]{32}-([a-z0-9._-]+)").unwrap();
    let mut found = Vec::new();
    for (file, text) in texts {
        for c in re.captures_iter(text) {
            if all.contains(&c[1]) {
                found.push(format!("alias in an x.500 address {} in {file}", &c[1]));
            }
        }
    }
    found
}

/// `%40` → `@` and `\u0040` → `@` (lower-case text in, lower-case text out); anything else stays.
pub fn unescaped(text: &str) -> String {
    let b = text.as_bytes();
    let hex = |x: &[u8]| {
        let digits = x.iter().all(u8::is_ascii_hexdigit);
        std::str::from_utf8(x).ok().filter(|_| digits).and_then(|s| u32::from_str_radix(s, 16).ok())
    };
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let Some(c) = hex(&b[i + 1..i + 3]).filter(|c| *c < 0x80) {
                out.push(c as u8);
                i += 3;
                continue;
            }
        }
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'u') && i + 6 <= b.len() {
            if let Some(c) = hex(&b[i + 2..i + 6]).filter(|c| *c < 0x80) {
                out.push(c as u8);
                i += 6;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_lowercase()
}

/// [`leaks`] over the texts as written and percent-/`\u`-decoded (each finding once).
pub fn leaks_decoded(texts: &[(String, String)], secrets: &[(&'static str, String)]) -> Vec<String> {
    let decoded: Vec<(String, String)> = texts
        .iter()
        .filter(|(_, t)| t.contains('%') || t.contains("\\u"))
        .map(|(f, t)| (f.clone(), unescaped(t)))
        .collect();
    let mut found = leaks(texts, secrets);
    for l in leaks(&decoded, secrets) {
        let key = l.split(": …").next().unwrap_or("").to_string();
        if !found.iter().any(|f| f.starts_with(&key)) {
            found.push(format!("(decoded) {l}"));
        }
    }
    found
}
