//! The bottom-line prompts: `/` search (history with Up/Down, Tab completes field names) and the `:`
//! command line (Tab completes command names and entity values). Pure text editing and parsing.

use super::entity::{EntityKind, EntityRef};
use super::settings::commands;
use crate::model::Source;

/// Field names the search line completes.
pub const SEARCH_FIELDS: &[&str] =
    &["user", "ip", "session", "token", "mailbox", "app", "op", "source", "country", "ua", "kind", "result"];

/// Values completed after `kind:` and `result:`.
const KIND_VALUES: &[&str] = &["user", "sp", "mi", "partner", "system", "guest", "anonymous"];
const RESULT_VALUES: &[&str] = &["success", "failure", "unknown"];

/// Which prompt is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    Command,
}

/// An open prompt line.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// Why the last submit was refused.
    pub error: Option<String>,
    /// Completion candidates after an ambiguous Tab.
    pub hint: Option<String>,
    /// Position in the search history while browsing it (0 = most recent).
    history_pos: Option<usize>,
    /// What was typed before browsing the history.
    draft: String,
}

impl Prompt {
    /// An empty prompt.
    pub fn new(kind: PromptKind) -> Prompt {
        Prompt { kind, text: String::new(), error: None, hint: None, history_pos: None, draft: String::new() }
    }

    /// A prompt holding `text`.
    pub fn with_text(kind: PromptKind, text: &str) -> Prompt {
        Prompt { text: text.to_string(), ..Prompt::new(kind) }
    }

    /// Types a character.
    pub fn push(&mut self, c: char) {
        if !c.is_control() {
            self.text.push(c);
        }
        self.edited();
    }

    /// Deletes the last character.
    pub fn backspace(&mut self) {
        self.text.pop();
        self.edited();
    }

    fn edited(&mut self) {
        self.error = None;
        self.hint = None;
        self.history_pos = None;
    }

    /// Up: the previous (older) entry of `history` (oldest first).
    pub fn history_up(&mut self, history: &[String]) {
        if history.is_empty() {
            return;
        }
        let pos = match self.history_pos {
            None => {
                self.draft = self.text.clone();
                0
            }
            Some(p) => (p + 1).min(history.len() - 1),
        };
        self.history_pos = Some(pos);
        self.text = history[history.len() - 1 - pos].clone();
        self.error = None;
    }

    /// Down: the next (newer) entry, then back to what was typed.
    pub fn history_down(&mut self, history: &[String]) {
        match self.history_pos {
            None => {}
            Some(0) => {
                self.history_pos = None;
                self.text = std::mem::take(&mut self.draft);
            }
            Some(p) => {
                self.history_pos = Some(p - 1);
                if let Some(h) = history.get(history.len().saturating_sub(p)) {
                    self.text = h.clone();
                }
            }
        }
        self.error = None;
    }

    /// Tab: completes the word being typed. `values` gives known values of an entity kind for `:user …`.
    pub fn complete(&mut self, values: &dyn Fn(EntityKind) -> Vec<String>) {
        self.hint = None;
        let start = self.text.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = self.text[start..].to_string();
        let (stem_len, candidates): (usize, Vec<String>) = match self.kind {
            PromptKind::Search => search_candidates(&word),
            PromptKind::Command if start == 0 => {
                (0, commands().iter().map(|c| c.name.clone()).filter(|n| n.starts_with(&word)).collect())
            }
            PromptKind::Command => {
                let cmd = self.text.split_whitespace().next().unwrap_or("");
                match EntityKind::from_field(cmd) {
                    Some(k) => {
                        let lower = word.to_lowercase();
                        (0, values(k).into_iter().filter(|v| v.to_lowercase().starts_with(&lower)).collect())
                    }
                    None => (0, Vec::new()),
                }
            }
        };
        let typed = &word[stem_len..];
        let cut = start + stem_len;
        match candidates.as_slice() {
            [] => self.hint = Some(format!("no completion for '{word}'")),
            [one] => {
                self.text.truncate(cut);
                self.text.push_str(one);
                if !one.ends_with(':') {
                    self.text.push(' ');
                }
            }
            many => {
                let common = common_prefix(many);
                if common.len() > typed.len() {
                    self.text.truncate(cut);
                    self.text.push_str(&common);
                }
                let mut shown: Vec<&str> = many.iter().map(String::as_str).take(12).collect();
                if many.len() > shown.len() {
                    shown.push("…");
                }
                self.hint = Some(shown.join("  "));
            }
        }
    }
}

/// Candidates for a search word: a field name (`us` → `user:`), or a value after `source:`/`kind:`/`result:`.
/// Returns how many bytes of the word stay as they are, and the candidates for the rest.
fn search_candidates(word: &str) -> (usize, Vec<String>) {
    let neg = usize::from(word.starts_with('-'));
    let body = &word[neg..];
    match body.split_once(':') {
        None => (
            neg,
            SEARCH_FIELDS.iter().filter(|f| f.starts_with(&body.to_lowercase())).map(|f| format!("{f}:")).collect(),
        ),
        Some((field, value)) => {
            let values: Vec<String> = match field.to_lowercase().as_str() {
                "source" => Source::ALL.iter().map(|s| s.as_str().to_string()).collect(),
                "kind" => KIND_VALUES.iter().map(|s| s.to_string()).collect(),
                "result" => RESULT_VALUES.iter().map(|s| s.to_string()).collect(),
                _ => Vec::new(),
            };
            let lower = value.to_lowercase();
            (neg + field.len() + 1, values.into_iter().filter(|v| v.starts_with(&lower)).collect())
        }
    }
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut len = first.len();
    for w in &words[1..] {
        len = len.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first[..len].to_string()
}

/// A parsed `:` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineCommand {
    Entity(EntityRef),
    Search(String),
    Around(i64),
    Alerts,
    Overview,
    Bookmarks,
    Timeline,
    Mouse,
    Help,
    Quit,
    /// `:triage STATUS [REASON]`, the arguments as typed.
    Triage(String),
    /// `:triage-entity KIND:VALUE STATUS [REASON]`.
    TriageEntity(String),
    Suppress,
    /// `:step-note TEXT` (empty clears the note).
    StepNote(String),
    /// `:note TEXT`.
    Note(String),
    Notes,
    /// `:annotate +TAG -TAG… [COMMENT]`.
    Annotate(String),
    /// `:export FORMAT [PATH]`.
    Export(String),
}

/// Parses a `:` line. Command names may be cut to any unambiguous prefix (`:al` is `:alerts`).
pub fn parse_command(text: &str) -> Result<LineCommand, String> {
    let text = text.trim();
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((n, a)) => (n, a.trim()),
        None => (text, ""),
    };
    if name.is_empty() {
        return Err("type a command; Tab lists them".into());
    }
    let name = name.to_lowercase();
    let full = match name.as_str() {
        "q" | "quit" => "q".to_string(),
        _ => {
            let matches: Vec<&str> =
                commands().iter().map(|c| c.name.as_str()).filter(|n| n.starts_with(name.as_str())).collect();
            match matches.as_slice() {
                [one] => one.to_string(),
                _ if matches.contains(&name.as_str()) => name.clone(),
                [] => return Err(format!("unknown command '{name}' (Tab lists the commands)")),
                many => return Err(format!("'{name}' could be {}", many.join(", "))),
            }
        }
    };
    if let Some(kind) = EntityKind::from_field(&full) {
        return EntityRef::new(kind, arg).map(LineCommand::Entity).ok_or_else(|| format!(":{full} needs a value"));
    }
    Ok(match full.as_str() {
        "search" => LineCommand::Search(arg.to_string()),
        "around" => match arg.parse::<i64>() {
            Ok(n) if (1..=7 * 24 * 60).contains(&n) => LineCommand::Around(n),
            _ => return Err(":around needs minutes between 1 and 10080".into()),
        },
        "alerts" => LineCommand::Alerts,
        "overview" => LineCommand::Overview,
        "bookmarks" => LineCommand::Bookmarks,
        "timeline" => LineCommand::Timeline,
        "mouse" => LineCommand::Mouse,
        "help" => LineCommand::Help,
        "triage" => LineCommand::Triage(arg.to_string()),
        "triage-entity" => LineCommand::TriageEntity(arg.to_string()),
        "suppress" => LineCommand::Suppress,
        "step-note" => LineCommand::StepNote(arg.to_string()),
        "note" => LineCommand::Note(arg.to_string()),
        "notes" => LineCommand::Notes,
        "annotate" => LineCommand::Annotate(arg.to_string()),
        "export" => LineCommand::Export(arg.to_string()),
        _ => LineCommand::Quit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: EntityKind) -> Vec<String> {
        Vec::new()
    }

    #[test]
    fn search_tab_completes_field_names_and_values() {
        let mut p = Prompt::with_text(PromptKind::Search, "op:New-InboxRule us");
        p.complete(&none);
        assert_eq!(p.text, "op:New-InboxRule user:");
        let mut p = Prompt::with_text(PromptKind::Search, "-s");
        p.complete(&none);
        assert_eq!(p.text, "-s");
        assert!(p.hint.as_deref().is_some_and(|h| h.contains("session:") && h.contains("source:")));
        let mut p = Prompt::with_text(PromptKind::Search, "result:fa");
        p.complete(&none);
        assert_eq!(p.text, "result:failure ");
    }

    #[test]
    fn command_tab_completes_names_and_entity_values() {
        let mut p = Prompt::with_text(PromptKind::Command, "bo");
        p.complete(&none);
        assert_eq!(p.text, "bookmarks ");
        let mut p = Prompt::with_text(PromptKind::Command, "a");
        p.complete(&none);
        assert!(p.hint.as_deref().is_some_and(|h| h.contains("alerts") && h.contains("around")));
        let users = |k: EntityKind| {
            if k == EntityKind::User {
                vec!["adele@contoso.com".to_string(), "alex@contoso.com".to_string()]
            } else {
                Vec::new()
            }
        };
        let mut p = Prompt::with_text(PromptKind::Command, "user AD");
        p.complete(&users);
        assert_eq!(p.text, "user adele@contoso.com ");
    }

    #[test]
    fn history_browses_back_and_returns_to_the_draft() {
        let history = vec!["old".to_string(), "new".to_string()];
        let mut p = Prompt::with_text(PromptKind::Search, "dra");
        p.history_up(&history);
        assert_eq!(p.text, "new");
        p.history_up(&history);
        p.history_up(&history);
        assert_eq!(p.text, "old");
        p.history_down(&history);
        assert_eq!(p.text, "new");
        p.history_down(&history);
        assert_eq!(p.text, "dra");
    }

    #[test]
    fn commands_parse_with_prefixes_and_refuse_bad_input() {
        assert_eq!(
            parse_command("user Adele@Contoso.com"),
            Ok(LineCommand::Entity(EntityRef { kind: EntityKind::User, value: "Adele@Contoso.com".into() }))
        );
        assert_eq!(parse_command("al"), Ok(LineCommand::Alerts));
        assert_eq!(parse_command("q"), Ok(LineCommand::Quit));
        assert_eq!(parse_command("around 30"), Ok(LineCommand::Around(30)));
        assert_eq!(parse_command("search op:New-InboxRule"), Ok(LineCommand::Search("op:New-InboxRule".into())));
        assert!(parse_command("around x").unwrap_err().contains("minutes"));
        assert!(parse_command("ip").unwrap_err().contains("needs a value"));
        assert!(parse_command("a").unwrap_err().contains("could be"));
        assert!(parse_command("frobnicate").unwrap_err().contains("unknown command"));
    }
}
