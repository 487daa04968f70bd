//! Turns raw file bytes into a UTF-8 byte stream: gzip, UTF-8 BOM, UTF-16 LE/BE (with or without BOM).

use encoding_rs_io::DecodeReaderBytesBuilder;
use std::io::{self, BufRead, BufReader, Read};

/// The text encoding a file was found in, for the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    /// Short name for the ledger's format string.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
        }
    }
}

/// True when the first bytes are the gzip magic number.
pub fn is_gzip(head: &[u8]) -> bool {
    head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

/// True when the first bytes are a zip local-file header.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Wraps a reader so that gzip content is inflated transparently.
pub fn maybe_gunzip(inner: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut br = BufReader::with_capacity(64 * 1024, inner);
    let head = br.fill_buf()?;
    if is_gzip(head) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(br)))
    } else {
        Ok(Box::new(br))
    }
}

/// Detects the text encoding from the first bytes and returns a reader that yields UTF-8 without a BOM.
pub fn utf8_stream(inner: Box<dyn Read + Send>) -> io::Result<(Box<dyn BufRead + Send>, TextEncoding)> {
    let mut br = BufReader::with_capacity(256 * 1024, inner);
    let head = br.fill_buf()?.to_vec();
    let enc = detect_encoding(&head);
    match enc {
        TextEncoding::Utf8 => Ok((Box::new(br), enc)),
        TextEncoding::Utf8Bom => {
            br.consume(3);
            Ok((Box::new(br), enc))
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let encoding = if enc == TextEncoding::Utf16Le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
            let dec =
                DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_sniffing(true).strip_bom(true).build(br);
            Ok((Box::new(BufReader::with_capacity(256 * 1024, dec)), enc))
        }
    }
}

/// Looks at the first bytes: BOMs first, then the NUL pattern of BOM-less UTF-16 text.
pub fn detect_encoding(head: &[u8]) -> TextEncoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return TextEncoding::Utf8Bom;
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return TextEncoding::Utf16Le;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return TextEncoding::Utf16Be;
    }
    let sample = &head[..head.len().min(512)];
    if sample.len() >= 8 {
        let pairs = sample.len() / 2;
        let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_nul = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if odd_nul * 10 >= pairs * 9 && even_nul * 10 < pairs {
            return TextEncoding::Utf16Le;
        }
        if even_nul * 10 >= pairs * 9 && odd_nul * 10 < pairs {
            return TextEncoding::Utf16Be;
        }
    }
    TextEncoding::Utf8
}

/// True when a decoded sample looks like binary data rather than text.
pub fn looks_binary(sample: &[u8]) -> bool {
    if sample.is_empty() {
        return false;
    }
    // A stray NUL or control byte is a damaged record, rejected on its own; a file is binary only when such bytes
    // are common (UTF-16 has been decoded by now, so its zero bytes do not count here).
    let bad = sample.iter().filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))).count();
    bad * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn decode(bytes: Vec<u8>) -> (String, TextEncoding) {
        let (mut r, enc) = utf8_stream(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (s, enc)
    }

    #[test]
    fn strips_utf8_bom() {
        let (s, enc) = decode(b"\xEF\xBB\xBF[1]".to_vec());
        assert_eq!(s, "[1]");
        assert_eq!(enc, TextEncoding::Utf8Bom);
    }

    #[test]
    fn decodes_utf16le_with_and_without_bom() {
        let text = "[{\"a\":\"é\"}]";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(bytes.clone()), (text.to_string(), TextEncoding::Utf16Le));
        assert_eq!(decode(bytes[2..].to_vec()), (text.to_string(), TextEncoding::Utf16Le));
    }

    #[test]
    fn decodes_utf16be() {
        let text = "CreationDate,UserIds";
        let mut bytes = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(bytes), (text.to_string(), TextEncoding::Utf16Be));
    }

    #[test]
    fn gunzips_transparently() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"{\"a\":1}\n").unwrap();
        let gz = enc.finish().unwrap();
        let mut r = maybe_gunzip(Box::new(io::Cursor::new(gz))).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "{\"a\":1}\n");
    }

    #[test]
    fn binary_is_recognised() {
        assert!(looks_binary(&[0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
        assert!(!looks_binary(b"CreationDate,UserIds\r\n"));
    }
}
