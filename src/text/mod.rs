//! Text from logs is untrusted: making it safe for a terminal and for JSON output.

pub mod sanitize;
