//! The searches of a session: the last one, which `n` and `N` repeat in the table on screen, and the rule that
//! keeps the history Up recalls.

use crate::index::query::ParsedQuery;

/// The search `n` and `N` repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct LastSearch {
    pub text: String,
    pub query: ParsedQuery,
}

/// Adds `text` as the newest search: an earlier copy is dropped, and only the newest `keep` stay.
pub fn remember(list: &mut Vec<String>, text: &str, keep: usize) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    list.retain(|h| h != text);
    list.push(text.to_string());
    if list.len() > keep {
        list.drain(..list.len() - keep);
    }
}
