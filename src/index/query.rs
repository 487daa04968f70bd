//! The query language shared by `harrier search` and the TUI: `field:value` pivots, `-field:value`
//! exclusions, `value*` prefixes, quoted values, and free words, all ANDed.

use super::document::key;
use super::schema::Fields;
use std::ops::Bound;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, RangeQuery, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Field names accepted before a colon, and the index field each means.
pub const ALIASES: &[(&str, &str)] = &[
    ("user", "user"),
    ("upn", "user"),
    ("ip", "ip"),
    ("session", "session"),
    ("token", "token"),
    ("mailbox", "mailbox"),
    ("app", "app"),
    ("op", "op"),
    ("operation", "op"),
    ("source", "source"),
    ("country", "country"),
    ("ua", "ua"),
    ("kind", "kind"),
    ("result", "result"),
    ("ua_class", "ua_class"),
    ("id", "id"),
];

/// A query error, naming the offending part.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QueryError {
    #[error(
        "unknown field '{0}:' (known: user ip session token mailbox app op source country ua kind result ua_class id)"
    )]
    UnknownField(String),
    #[error("'{0}:' needs a value")]
    EmptyValue(String),
    #[error("unbalanced quote in query")]
    UnbalancedQuote,
    #[error("'id:' takes a whole event id, not a prefix")]
    IdPrefix,
}

/// One parsed clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Index field name, or `None` for free text.
    pub field: Option<String>,
    pub value: String,
    pub negated: bool,
    pub prefix: bool,
}

/// A parsed query: clauses ANDed together, plus an optional time window (micros since epoch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
}

impl ParsedQuery {
    /// Parses query text.
    pub fn parse(text: &str) -> Result<ParsedQuery, QueryError> {
        let mut clauses = Vec::new();
        for token in tokenize(text)? {
            let (negated, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest.to_string()),
                _ => (false, token.clone()),
            };
            let (field, value) = match split_field(&body) {
                Some((f, v)) => {
                    let target = ALIASES
                        .iter()
                        .find(|(a, _)| a.eq_ignore_ascii_case(f))
                        .map(|(_, t)| *t)
                        .ok_or_else(|| QueryError::UnknownField(f.to_string()))?;
                    if v.is_empty() {
                        return Err(QueryError::EmptyValue(f.to_string()));
                    }
                    (Some(target.to_string()), v.to_string())
                }
                None => (None, body),
            };
            let value = value.trim_matches('"').to_string();
            let prefix = value.ends_with('*') && value.len() > 1;
            let value = if prefix { value.trim_end_matches('*').to_string() } else { value };
            if value.is_empty() {
                continue;
            }
            if prefix && field.as_deref() == Some("id") {
                return Err(QueryError::IdPrefix);
            }
            clauses.push(Clause { field, value, negated, prefix });
        }
        Ok(ParsedQuery { clauses, from_us: None, to_us: None })
    }

    /// A pivot on one field (`user`, `ip`, …) with an exact value.
    pub fn pivot(field: &str, value: &str) -> ParsedQuery {
        ParsedQuery {
            clauses: vec![Clause {
                field: Some(field.to_string()),
                value: value.to_string(),
                negated: false,
                prefix: false,
            }],
            ..ParsedQuery::default()
        }
    }

    /// Builds the tantivy query.
    pub fn to_query(&self, f: &Fields) -> Box<dyn Query> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &self.clauses {
            let occur = if c.negated { Occur::MustNot } else { Occur::Must };
            for q in clause_query(f, c) {
                parts.push((occur, q));
            }
        }
        if self.from_us.is_some() || self.to_us.is_some() {
            use std::ops::Bound;
            let lo = self.from_us.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.ts, v)));
            let hi = self.to_us.map_or(Bound::Unbounded, |v| Bound::Included(Term::from_field_i64(f.ts, v)));
            parts.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if parts.iter().all(|(o, _)| *o == Occur::MustNot) {
            parts.push((Occur::Must, Box::new(AllQuery)));
        }
        Box::new(BooleanQuery::new(parts))
    }
}

fn field_by_name(f: &Fields, name: &str) -> Field {
    match name {
        "user" => f.user,
        "ip" => f.ip,
        "session" => f.session,
        "token" => f.token,
        "mailbox" => f.mailbox,
        "app" => f.app,
        "op" => f.op,
        "source" => f.source,
        "country" => f.country,
        "ua" => f.ua,
        "kind" => f.actor_kind,
        "result" => f.result,
        "ua_class" => f.ua_class,
        "id" => f.id,
        _ => f.text,
    }
}

fn clause_query(f: &Fields, c: &Clause) -> Vec<Box<dyn Query>> {
    match c.field.as_deref() {
        None => {
            // Free text is split into the same words as the index holds.
            let words = super::words::query_words(&c.value, c.prefix);
            let n = words.len();
            words
                .into_iter()
                .enumerate()
                .map(|(i, w)| -> Box<dyn Query> {
                    if c.prefix && i + 1 == n {
                        Box::new(prefix_query(f.text, &w))
                    } else {
                        Box::new(TermQuery::new(Term::from_field_text(f.text, &w), IndexRecordOption::Basic))
                    }
                })
                .collect()
        }
        Some("ua") => {
            // The UA is one term of space-joined words (see the schema): each query word must be one of them.
            let words = super::words::query_words(&c.value, c.prefix);
            let n = words.len();
            words
                .into_iter()
                .enumerate()
                .map(|(i, w)| -> Box<dyn Query> {
                    let tail = if c.prefix && i + 1 == n { ".*" } else { "( .*)?" };
                    Box::new(regex_query(f.ua, &format!("(.* )?{}{tail}", regex_escape(&w))))
                })
                .collect()
        }
        Some("id") => vec![Box::new(id_query(f, &c.value))],
        Some("mailbox") if !c.prefix => {
            // Any form of the mailbox (address, alias, object path, X.500) finds the records naming it by another.
            let terms = crate::model::mailbox::mailbox_keys(&c.value)
                .into_iter()
                .map(|k| -> Box<dyn Query> {
                    Box::new(TermQuery::new(Term::from_field_text(f.mailbox, &k), IndexRecordOption::Basic))
                })
                .map(|q| (Occur::Should, q))
                .collect();
            vec![Box::new(BooleanQuery::new(terms))]
        }
        Some(name) => {
            let field = field_by_name(f, name);
            let value = match name {
                "token" | "id" => c.value.trim().to_string(),
                "country" => key(&c.value),
                "ip" => {
                    crate::enrich::ip::parse_ip(&c.value).map(|(ip, _)| ip.to_string()).unwrap_or_else(|| key(&c.value))
                }
                _ => key(&c.value),
            };
            if c.prefix {
                vec![Box::new(prefix_query(field, &value))]
            } else {
                vec![Box::new(TermQuery::new(Term::from_field_text(field, &value), IndexRecordOption::Basic))]
            }
        }
    }
}

/// The events whose id hashes like `id` (the `id` field is a fast column; see the schema).
pub fn id_query(f: &Fields, id: &str) -> RangeQuery {
    let term = Term::from_field_u64(f.id, super::schema::id_key(id));
    RangeQuery::new(Bound::Included(term.clone()), Bound::Included(term))
}

fn prefix_query(field: Field, prefix: &str) -> RegexQuery {
    regex_query(field, &format!("{}.*", regex_escape(prefix)))
}

/// A regex over the terms of `field`; a pattern that does not compile matches nothing.
fn regex_query(field: Field, pattern: &str) -> RegexQuery {
    RegexQuery::from_pattern(pattern, field)
        .unwrap_or_else(|_| RegexQuery::from_pattern("a^", field).expect("constant regex compiles"))
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for ch in s.chars() {
        if "\\.+*?()|[]{}^$#&-~\"@<>".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn split_field(token: &str) -> Option<(&str, &str)> {
    let (f, v) = token.split_once(':')?;
    if f.is_empty() || !f.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    // An IPv6 address is not a field.
    if f.len() <= 4 && f.chars().all(|c| c.is_ascii_hexdigit()) && v.contains(':') {
        return None;
    }
    Some((f, v))
}

fn tokenize(text: &str) -> Result<Vec<String>, QueryError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    for ch in text.chars() {
        match ch {
            '"' => {
                in_quote = !in_quote;
                cur.push(ch);
            }
            c if c.is_whitespace() && !in_quote => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if in_quote {
        return Err(QueryError::UnbalancedQuote);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_negation_prefix_and_quotes() {
        let q = ParsedQuery::parse(
            r#"user:CFO@Northwind.example -op:MailItemsAccessed app:"Microsoft Office" ua:python* foo"#,
        )
        .unwrap();
        assert_eq!(q.clauses.len(), 5);
        assert_eq!(q.clauses[0].field.as_deref(), Some("user"));
        assert!(q.clauses[1].negated);
        assert_eq!(q.clauses[2].value, "Microsoft Office");
        assert!(q.clauses[3].prefix);
        assert_eq!(q.clauses[4].field, None);
    }

    #[test]
    fn ipv6_is_free_text_and_unknown_field_is_error() {
        let q = ParsedQuery::parse("2001:db8::1").unwrap();
        assert_eq!(q.clauses[0].field, None);
        assert_eq!(ParsedQuery::parse("colour:red"), Err(QueryError::UnknownField("colour".into())));
        assert_eq!(ParsedQuery::parse("user:"), Err(QueryError::EmptyValue("user".into())));
        assert_eq!(ParsedQuery::parse("\"open"), Err(QueryError::UnbalancedQuote));
    }
}
