//! Query templates of runbook pivots: parsing, checking and filling `{alert.*}` placeholders.
//!
//! A template is a harrier search query (`field:value` terms and free text, separated by spaces, values with spaces
//! in double quotes) in which a whole value may be a placeholder such as `{alert.mailboxes}`. Parsing checks every
//! field name and placeholder up front, so a runbook with a mistyped pivot fails to load instead of opening an empty
//! or wrong timeline in the middle of an incident.

use crate::model::Source;
use std::fmt;
use std::str::FromStr;

/// A field a harrier query can filter on (`user:alice@contoso.example`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryField {
    User,
    Ip,
    Session,
    Token,
    Mailbox,
    App,
    Op,
    Source,
    Country,
    Ua,
}

impl QueryField {
    /// Every field the query language knows.
    pub const ALL: [QueryField; 10] = [
        QueryField::User,
        QueryField::Ip,
        QueryField::Session,
        QueryField::Token,
        QueryField::Mailbox,
        QueryField::App,
        QueryField::Op,
        QueryField::Source,
        QueryField::Country,
        QueryField::Ua,
    ];

    /// The name written before the colon.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryField::User => "user",
            QueryField::Ip => "ip",
            QueryField::Session => "session",
            QueryField::Token => "token",
            QueryField::Mailbox => "mailbox",
            QueryField::App => "app",
            QueryField::Op => "op",
            QueryField::Source => "source",
            QueryField::Country => "country",
            QueryField::Ua => "ua",
        }
    }
}

impl fmt::Display for QueryField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for QueryField {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        QueryField::ALL.iter().copied().find(|f| f.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = QueryField::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown query field `{s}:` (known: {})", known.join(", "))
        })
    }
}

/// An alert entity list a pivot can draw its values from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    Users,
    Ips,
    Sessions,
    Mailboxes,
    Apps,
}

impl Placeholder {
    /// Every placeholder, one per list in `AlertEntities`.
    pub const ALL: [Placeholder; 5] =
        [Placeholder::Users, Placeholder::Ips, Placeholder::Sessions, Placeholder::Mailboxes, Placeholder::Apps];

    /// The placeholder as written in a runbook, braces included (`{alert.ips}`).
    pub fn as_str(self) -> &'static str {
        match self {
            Placeholder::Users => "{alert.users}",
            Placeholder::Ips => "{alert.ips}",
            Placeholder::Sessions => "{alert.sessions}",
            Placeholder::Mailboxes => "{alert.mailboxes}",
            Placeholder::Apps => "{alert.apps}",
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Placeholder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Placeholder::ALL.iter().copied().find(|p| p.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Placeholder::ALL.iter().map(|p| p.as_str()).collect();
            format!("unknown placeholder `{s}` (known: {})", known.join(", "))
        })
    }
}

/// One value slot of a template: fixed text, or an alert entity list to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    Literal(String),
    Placeholder(Placeholder),
}

impl Slot {
    /// Parse an entity pivot value: exactly one placeholder, or literal text without braces.
    pub(crate) fn parse_entity_value(text: &str) -> Result<Slot, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty value".into());
        }
        if text.starts_with('{') {
            return text.parse::<Placeholder>().map(Slot::Placeholder);
        }
        if text.contains(['{', '}']) {
            return Err(format!("value `{text}`: a placeholder must be the whole value"));
        }
        Ok(Slot::Literal(text.to_string()))
    }
}

/// One term of a query: `field:value` or free text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    field: Option<QueryField>,
    value: Slot,
}

/// A parsed, checked query template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryTemplate {
    terms: Vec<Term>,
}

impl QueryTemplate {
    /// Parse and check a template; the error says which term is wrong and why.
    pub(crate) fn parse(text: &str) -> Result<QueryTemplate, String> {
        let mut terms = Vec::new();
        let mut rest = text.trim_start();
        while !rest.is_empty() {
            let (term, after) = parse_term(rest)?;
            if !after.is_empty() && !after.starts_with(char::is_whitespace) {
                return Err(format!("expected a space after the term before `{}`", snippet(after)));
            }
            terms.push(term);
            rest = after.trim_start();
        }
        if terms.is_empty() {
            return Err("empty query".into());
        }
        Ok(QueryTemplate { terms })
    }

    /// A one-term query `field:value` with a fixed value.
    pub(crate) fn single(field: QueryField, value: String) -> QueryTemplate {
        QueryTemplate { terms: vec![Term { field: Some(field), value: Slot::Literal(value) }] }
    }

    /// The distinct placeholders used, in order of first appearance.
    pub(crate) fn placeholders(&self) -> Vec<Placeholder> {
        let mut out = Vec::new();
        for term in &self.terms {
            if let Slot::Placeholder(p) = term.value {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The distinct fields used, in order of first appearance.
    pub(crate) fn fields(&self) -> Vec<QueryField> {
        let mut out = Vec::new();
        for field in self.terms.iter().filter_map(|t| t.field) {
            if !out.contains(&field) {
                out.push(field);
            }
        }
        out
    }

    /// Render the query with each placeholder replaced by `fill(placeholder)`, quoting values where needed.
    pub(crate) fn render(&self, fill: impl Fn(Placeholder) -> String) -> String {
        self.write(|p| (fill(p), false))
    }

    /// The template as written in a runbook (placeholders left in place).
    pub(crate) fn to_template_string(&self) -> String {
        self.write(|p| (p.as_str().to_string(), true))
    }

    /// Write the terms; `slot` gives a placeholder's text and whether to write it verbatim (never quoted).
    fn write(&self, slot: impl Fn(Placeholder) -> (String, bool)) -> String {
        let mut out = String::new();
        for term in &self.terms {
            if !out.is_empty() {
                out.push(' ');
            }
            if let Some(field) = term.field {
                out.push_str(field.as_str());
                out.push(':');
            }
            match &term.value {
                Slot::Literal(s) => push_value(&mut out, s, term.field.is_none()),
                Slot::Placeholder(p) => match slot(*p) {
                    (text, true) => out.push_str(&text),
                    (text, false) => push_value(&mut out, &text, term.field.is_none()),
                },
            }
        }
        out
    }
}

/// Parse one term at the start of `input`; returns it and the unparsed rest.
fn parse_term(input: &str) -> Result<(Term, &str), String> {
    let name_len = input.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(input.len());
    let name = &input[..name_len];
    let after_name = &input[name_len..];
    let is_field = !name.is_empty() && after_name.starts_with(':') && name.chars().all(|c| c.is_ascii_alphabetic());
    if is_field {
        let field: QueryField = name.parse()?;
        let (value, rest) = parse_value(&after_name[1..])?;
        if let (QueryField::Source, Slot::Literal(s)) = (field, &value) {
            Source::from_str(s).map_err(|e| format!("`source:{s}`: {e}"))?;
        }
        if let (QueryField::Source, Slot::Placeholder(p)) = (field, &value) {
            return Err(format!("`source:{p}`: a source must be written out, not filled from the alert"));
        }
        return Ok((Term { field: Some(field), value }, rest));
    }
    let (value, rest) = parse_value(input)?;
    Ok((Term { field: None, value }, rest))
}

/// Parse a value: `"quoted text"`, `{alert.x}` or a bare word up to the next space.
fn parse_value(input: &str) -> Result<(Slot, &str), String> {
    if let Some(quoted) = input.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    if value.contains(['{', '}']) {
                        return Err(format!("quoted value \"{value}\": placeholders cannot sit inside quotes"));
                    }
                    return Ok((Slot::Literal(value), &quoted[i + 1..]));
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                _ => value.push(c),
            }
        }
        return Err(format!("unterminated quote in `{}`", snippet(input)));
    }
    let end = input.find(char::is_whitespace).unwrap_or(input.len());
    let word = &input[..end];
    if word.is_empty() {
        return Err("a field needs a value after the colon".into());
    }
    if word.starts_with('{') {
        return Ok((Slot::Placeholder(word.parse()?), &input[end..]));
    }
    if word.contains(['{', '}']) {
        return Err(format!("`{word}`: a placeholder must be the whole value"));
    }
    if word.contains('"') {
        return Err(format!("`{word}`: quotes must enclose the whole value"));
    }
    Ok((Slot::Literal(word.to_string()), &input[end..]))
}

/// Append a value, in double quotes when it would otherwise not read back as one value.
fn push_value(out: &mut String, value: &str, free_text: bool) {
    let needs_quotes = value.is_empty()
        || value.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '\\' | '{' | '}'))
        || (free_text && value.contains(':'));
    if !needs_quotes {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// The first few characters of `s`, for error messages.
fn snippet(s: &str) -> String {
    s.chars().take(24).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_quotes_and_placeholders() {
        let t =
            QueryTemplate::parse(r#"op:"Add partner to company" source:entra_audit mailbox:{alert.mailboxes} spray"#)
                .unwrap();
        assert_eq!(t.fields(), vec![QueryField::Op, QueryField::Source, QueryField::Mailbox]);
        assert_eq!(t.placeholders(), vec![Placeholder::Mailboxes]);
        assert_eq!(
            t.to_template_string(),
            r#"op:"Add partner to company" source:entra_audit mailbox:{alert.mailboxes} spray"#
        );
    }

    #[test]
    fn rejects_bad_templates() {
        for (bad, why) in [
            ("mbx:{alert.mailboxes}", "unknown query field"),
            ("user:{alert.user}", "unknown placeholder"),
            ("source:signin", "unknown source"),
            ("op:\"Add partner", "unterminated"),
            ("user:x{alert.users}", "whole value"),
            ("\"{alert.users}\"", "inside quotes"),
            ("user:", "needs a value"),
            ("", "empty query"),
            ("op:\"a\"b", "expected a space"),
        ] {
            let err = QueryTemplate::parse(bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn free_text_with_digits_and_colons_is_not_a_field() {
        let t = QueryTemplate::parse("2001:db8::1 ip:2001:db8::2").unwrap();
        assert_eq!(t.fields(), vec![QueryField::Ip]);
        assert_eq!(t.to_template_string(), "\"2001:db8::1\" ip:2001:db8::2");
    }
}
