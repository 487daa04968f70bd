//! The record a Sigma rule is evaluated against: harrier's own types, so that the engine adapter is the only
//! code that knows the evaluator's.

use std::borrow::Cow;

/// A field's value as a rule sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Bool(bool),
    /// Several values; a rule matches when any of them does.
    List(Vec<Cow<'a, str>>),
}

impl FieldValue<'_> {
    /// The value as text, lists joined with `, `, for showing what a rule read.
    pub fn show(&self) -> String {
        match self {
            FieldValue::Str(s) => s.to_string(),
            FieldValue::Int(n) => n.to_string(),
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::List(l) => l.join(", "),
        }
    }
}

/// Anything a Sigma rule can read: named fields and, for keyword rules, every text value.
pub trait Record: Sync {
    /// The value of the field a rule names, or `None` when the record has no such field.
    fn field(&self, name: &str) -> Option<FieldValue<'_>>;
    /// Calls `visit` with every text value of the record.
    fn each_string(&self, visit: &mut dyn FnMut(&str));
    /// The record's id, carried with correlation state.
    fn id(&self) -> &str;
}
