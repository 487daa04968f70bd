//! Copying through the terminal with OSC 52, which works over SSH and inside tmux: the text goes to the
//! terminal base64-encoded, so nothing in it can act as an escape sequence.

use base64::Engine;

/// Largest text sent; many terminals drop longer OSC 52 payloads.
pub const MAX_COPY_BYTES: usize = 74_000;

/// Removes control characters other than newline and tab, and cuts to [`MAX_COPY_BYTES`] on a character
/// boundary. Returns the text and whether it was cut.
pub fn sanitize(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(MAX_COPY_BYTES));
    let mut cut = false;
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            continue;
        }
        if out.len() + c.len_utf8() > MAX_COPY_BYTES {
            cut = true;
            break;
        }
        out.push(c);
    }
    (out, cut)
}

/// The OSC 52 sequence that puts `text` (already sanitized) on the system clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_stripped_and_payload_is_base64() {
        let (t, cut) = sanitize("a\x1b]52;c;evil\x07b\nc");
        assert_eq!(t, "a]52;c;evilb\nc");
        assert!(!cut);
        let seq = osc52("hi");
        assert_eq!(seq, "\x1b]52;c;aGk=\x07");
        let (long, cut) = sanitize(&"é".repeat(MAX_COPY_BYTES));
        assert!(cut && long.len() <= MAX_COPY_BYTES);
    }
}
