//! Which harrier sources feed which Sigma logsource (`assets/sigma/feeds.toml`).

use super::SigmaError;
use crate::model::Source;
use serde::Deserialize;

const FEEDS: &str = include_str!("../../../assets/sigma/feeds.toml");

#[derive(Debug, Clone, Deserialize)]
struct Feed {
    product: String,
    service: String,
    sources: Vec<Source>,
}

#[derive(Debug, Clone, Deserialize)]
struct Unfed {
    product: String,
    service: String,
    reason: String,
}

#[derive(Debug, Clone, Deserialize)]
struct FeedsFile {
    feed: Vec<Feed>,
    #[serde(default)]
    unfed: Vec<Unfed>,
}

/// The logsource table.
#[derive(Debug, Clone)]
pub struct Feeds {
    file: FeedsFile,
}

impl Feeds {
    /// The table shipped in `assets/sigma/feeds.toml`.
    pub fn builtin() -> Result<Feeds, SigmaError> {
        let file: FeedsFile = toml::from_str(FEEDS).map_err(|e| SigmaError::Asset(format!("feeds.toml: {e}")))?;
        Ok(Feeds { file })
    }

    /// The sources that feed a logsource, or why none can.
    pub fn sources(&self, product: &str, service: &str) -> Result<&[Source], String> {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if let Some(f) = self.file.feed.iter().find(|f| same(&f.product, product) && same(&f.service, service)) {
            return Ok(&f.sources);
        }
        if let Some(u) = self.file.unfed.iter().find(|u| same(&u.product, product) && same(&u.service, service)) {
            return Err(format!("logsource {product}/{service} cannot be fed: {}", u.reason));
        }
        Err(format!("no harrier source feeds logsource {}/{}", or_none(product), or_none(service)))
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}
