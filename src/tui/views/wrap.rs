//! Word wrap with a hanging indent, for lists of sentences (an alert's reasons) whose continuation lines should line
//! up under the text, not under the bullet, and whose line count must be known before drawing.

use unicode_width::UnicodeWidthStr;

/// `text` (already cleaned) wrapped to `width` display columns: the first line starts with `lead`, the others with
/// as many spaces. Words wider than a line are split.
pub fn hanging(text: &str, lead: &str, width: usize) -> Vec<String> {
    let indent = lead.width();
    let room = width.saturating_sub(indent).max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    for word in text.split_whitespace() {
        for piece in split_wide(word, room) {
            let w = piece.width();
            if used > 0 && used + 1 + w > room {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            line.push_str(piece);
            used += w;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    let pad = " ".repeat(indent);
    lines.into_iter().enumerate().map(|(i, l)| format!("{}{l}", if i == 0 { lead } else { &pad })).collect()
}

/// A word cut into pieces no wider than `room` columns.
fn split_wide(word: &str, room: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut used) = (0usize, 0usize);
    for (i, c) in word.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room && i > start {
            pieces.push(&word[start..i]);
            (start, used) = (i, 0);
        }
        used += w;
    }
    pieces.push(&word[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_hang_under_the_text() {
        let lines = hanging("48 listing requests in 20 minutes from 203.0.113.9", "  • ", 24);
        assert_eq!(lines, ["  • 48 listing requests", "    in 20 minutes from", "    203.0.113.9"]);
        assert!(lines.iter().all(|l| l.width() <= 24));
    }

    #[test]
    fn long_words_are_split_and_nothing_is_lost() {
        let word = "x".repeat(30);
        let lines = hanging(&format!("a {word} b"), "- ", 12);
        assert!(lines.iter().all(|l| l.width() <= 12), "{lines:?}");
        let joined: String = lines.iter().map(|l| l.trim_start_matches("- ").trim()).collect();
        assert_eq!(joined.replace(' ', ""), format!("a{word}b"));
        assert_eq!(hanging("", "  • ", 20), ["  • "]);
    }
}
