//! Stand-in names: people, organisations, devices, subjects, files and sites, drawn from the generator's word
//! lists (`assets/gen/`) minus every word the original case uses, with made-up words once a list runs dry.

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

/// Syllables for made-up words (organisation labels, device suffixes) once the lists are used up.
const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ran", "ve", "to", "sa", "nel", "qui", "dor", "bel", "fa", "gri", "ho", "ju", "mar", "no", "pel",
    "ro", "sil", "ta", "ul", "vin", "zo",
];

/// Device name prefixes Windows and common builds use; any other prefix may name the organisation and goes.
const GENERIC_DEVICE_PREFIXES: [&str; 12] =
    ["DESKTOP", "LAPTOP", "PC", "WIN", "WS", "NB", "VM", "CPC", "SRV", "SERVER", "IPHONE", "IPAD"];

/// The word lists, with the case's own words taken out.
#[derive(Debug, Clone, Default)]
pub struct Pools {
    firsts: Vec<String>,
    lasts: Vec<String>,
    orgs: Vec<(String, String)>,
    subjects: Vec<String>,
    files: Vec<String>,
    sites: Vec<String>,
    people_used: HashSet<(String, String)>,
    counter: u64,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Pools {
    /// The bundled lists.
    pub fn bundled() -> Self {
        let orgs = lines(include_str!("../../assets/gen/orgs.txt"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('|').collect();
                (f.len() >= 2).then(|| (f[0].trim().to_string(), f[1].trim().to_string()))
            })
            .collect();
        let docs: Vec<Vec<String>> = lines(include_str!("../../assets/gen/documents.txt"))
            .map(|l| l.split('|').map(|x| x.trim().to_string()).collect())
            .collect();
        let mut sites: Vec<String> = docs.iter().filter_map(|d| d.first().cloned()).collect();
        sites.dedup();
        Pools {
            firsts: lines(include_str!("../../assets/gen/first_names.txt")).map(String::from).collect(),
            lasts: lines(include_str!("../../assets/gen/last_names.txt")).map(String::from).collect(),
            orgs,
            subjects: lines(include_str!("../../assets/gen/subjects.txt")).map(String::from).collect(),
            files: docs.iter().filter_map(|d| d.get(2).map(|f| stem(f).to_string())).collect(),
            sites,
            people_used: HashSet::new(),
            counter: 0,
        }
    }

    /// Takes every entry that shares a word with `words` (lower-case) out of the lists.
    pub fn avoid(&mut self, words: Vec<String>) {
        let bad: HashSet<String> = words.into_iter().filter(|w| w.len() >= 2).collect();
        let clash = |s: &str| {
            let low = s.to_lowercase();
            bad.contains(&low) || low.split([' ', '.', '_', '-']).any(|w| bad.contains(w))
        };
        self.firsts.retain(|f| !clash(f));
        self.lasts.retain(|l| !clash(l));
        self.orgs.retain(|(short, long)| !clash(short) && !clash(long));
        self.subjects.retain(|s| !bad.contains(&s.to_lowercase()));
        self.files.retain(|f| !bad.iter().any(|b| b.starts_with(&f.to_lowercase())));
        self.sites.retain(|s| !clash(s));
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A made-up word of two or three syllables.
    pub fn word(&mut self, rng: &mut ChaCha8Rng) -> String {
        let n = rng.random_range(2..=3);
        (0..n).map(|_| *SYLLABLES.choose(rng).unwrap_or(&"ka")).collect()
    }

    /// A first and last name not handed out before.
    pub fn person(&mut self, rng: &mut ChaCha8Rng) -> (String, String) {
        for _ in 0..64 {
            let (Some(f), Some(l)) = (self.firsts.choose(rng), self.lasts.choose(rng)) else { break };
            let pair = (f.clone(), l.clone());
            if self.people_used.insert(pair.clone()) {
                return pair;
            }
        }
        let first = capitalise(&self.word(rng));
        let last = capitalise(&self.word(rng));
        let n = self.next();
        (first, format!("{last}{n}"))
    }

    /// A lower-case organisation label for domains.
    pub fn org_label(&mut self, rng: &mut ChaCha8Rng) -> String {
        if !self.orgs.is_empty() {
            let i = rng.random_range(0..self.orgs.len());
            return self.orgs.remove(i).0;
        }
        self.word(rng)
    }

    /// An organisation's display name.
    pub fn org_name(&mut self, rng: &mut ChaCha8Rng) -> String {
        let w = capitalise(&self.word(rng));
        let kind = ["Services", "Consulting", "Partners", "Group", "Systems"].choose(rng).copied().unwrap_or("Group");
        format!("{w} {kind}")
    }

    /// A device name in the style of the original (`DESKTOP-7F3K2QX` keeps `DESKTOP-`, other prefixes go).
    pub fn device(&mut self, original: &str, rng: &mut ChaCha8Rng) -> String {
        let (prefix, rest) = match original.split_once('-') {
            Some((p, r)) if GENERIC_DEVICE_PREFIXES.contains(&p.to_ascii_uppercase().as_str()) => {
                (p, r.len().clamp(4, 15))
            }
            _ => ("DEVICE", 7),
        };
        const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let tail: String = (0..rest).map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char).collect();
        format!("{prefix}-{tail}")
    }

    /// A mail subject; a reply or forward marker stays.
    pub fn subject(&mut self, original: &str, rng: &mut ChaCha8Rng) -> String {
        let marker =
            ["RE: ", "Re: ", "FW: ", "Fw: ", "Fwd: "].into_iter().find(|m| original.starts_with(m)).unwrap_or("");
        let body = match self.subjects.choose(rng) {
            Some(s) => s.trim_start_matches("Re: ").to_string(),
            None => format!("Message {}", self.next()),
        };
        format!("{marker}{body}")
    }

    /// A file name with the original's extension.
    pub fn file(&mut self, original: &str, rng: &mut ChaCha8Rng) -> String {
        let ext = original.rsplit_once('.').map(|(_, e)| e).filter(|e| e.len() <= 5 && !e.contains(' '));
        let stem = match self.files.choose(rng) {
            Some(s) => s.clone(),
            None => format!("Document {}", self.next()),
        };
        match ext {
            Some(e) => format!("{stem}.{e}"),
            None => stem,
        }
    }

    /// A SharePoint site name.
    pub fn site(&mut self, rng: &mut ChaCha8Rng) -> String {
        if self.sites.is_empty() {
            return capitalise(&self.word(rng));
        }
        let i = rng.random_range(0..self.sites.len());
        self.sites.remove(i)
    }
}

fn stem(file: &str) -> &str {
    file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Lower-case hex of the same length as `original`, derived from the seed and the original.
pub fn hex_like(seed: u64, original: &str) -> String {
    let mut h = blake3::Hasher::new_derive_key("harrier anonymize hex ids v1");
    h.update(&seed.to_le_bytes());
    h.update(original.as_bytes());
    let mut out = String::new();
    let mut reader = h.finalize_xof();
    while out.len() < original.len().max(32) {
        let mut b = [0u8; 16];
        reader.fill(&mut b);
        out.extend(b.iter().map(|x| format!("{x:02x}")));
    }
    out.truncate(original.len().max(32));
    if original.len() < 32 {
        out.truncate(original.len());
    }
    out
}
