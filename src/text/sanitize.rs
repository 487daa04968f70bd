//! Makes untrusted log text safe to print on a terminal: no control or escape sequences.

/// True for characters that change how text is shown without showing themselves: bidirectional overrides and
/// isolates, zero-width and invisible format characters, the soft hyphen, the byte order mark, interlinear
/// annotation marks and the Unicode tag block. Attackers use them to make a value read as something else.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// Replaces control characters (C0, DEL, C1, including ESC) and invisible format characters ([`is_invisible`])
/// with a visible `?`; tabs and newlines become spaces.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || is_invisible(c) => '?',
            c => c,
        })
        .collect()
}

/// Escapes, in serialized JSON, what serde_json leaves raw but a terminal or viewer would act on: C1 controls
/// (`\u009b` starts an escape sequence on some terminals) and the invisible characters of [`is_invisible`]. Such
/// characters can only occur inside JSON strings, where `\uXXXX` means the same character, so the JSON is
/// unchanged in meaning.
pub fn json_safe(json: String) -> String {
    if !json.chars().any(needs_json_escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_json_escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_json_escape(c: char) -> bool {
    ('\u{7f}'..='\u{9f}').contains(&c) || is_invisible(c)
}

/// One JSON line of `value`, made [`json_safe`].
pub fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(json_safe)
}

/// Indented JSON of `value`, made [`json_safe`].
pub fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(json_safe)
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
        for c in ['\u{61c}', '\u{200b}', '\u{2060}', '\u{2064}', '\u{feff}', '\u{ad}', '\u{e0041}', '\u{e007f}'] {
            assert_eq!(clean(&format!("a{c}b")), "a?b", "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn json_output_escapes_c1_and_invisible_characters_and_keeps_its_meaning() {
        let v = serde_json::json!({"k\u{202e}": "csi\u{9b}31m bidi\u{202e} tag\u{e0041} ok é"});
        let line = json_line(&v).unwrap();
        assert!(line.is_ascii() || line.contains('é'));
        assert!(line.contains("\\u009b") && line.contains("\\u202e") && line.contains("\\udb40\\udc41"), "{line}");
        assert!(!line.contains('\u{9b}') && !line.contains('\u{202e}'), "{line}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, v);
    }
}
