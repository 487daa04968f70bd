//! Makes untrusted log text safe to print on a terminal: no control or escape sequences.

/// Replaces control characters (C0, DEL, C1, including ESC) with a visible `?`; tabs and newlines become spaces.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() => '?',
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '?',
            c => c,
        })
        .collect()
}

/// Cleans and cuts to `max` characters with an ellipsis.
pub fn cell(s: &str, max: usize) -> String {
    let c = clean(s);
    if c.chars().count() <= max {
        c
    } else {
        let mut out: String = c.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_neutralised() {
        assert_eq!(clean("a\x1b[31mred\x07\u{9b}x"), "a?[31mred??x");
        assert_eq!(clean("rtl\u{202e}txt"), "rtl?txt");
        assert_eq!(cell("abcdef", 4), "abc…");
    }
}
