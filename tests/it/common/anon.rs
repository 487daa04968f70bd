//! Helpers for the anonymisation tests: run it on a copy, decode every output file, look for leaks.

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
