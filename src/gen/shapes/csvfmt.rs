//! CSV fields and rows the way Microsoft's exports write them (CRLF rows, `""` escaping).

/// Appends one field; `always` quotes every field (PowerShell `Export-Csv`, Entra portal), otherwise only when needed.
pub fn field(out: &mut String, s: &str, always: bool) {
    let needs = always || s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ');
    if needs {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends a row of fields terminated by CRLF.
pub fn row<S: AsRef<str>>(out: &mut String, fields: &[S], always: bool) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f.as_ref(), always);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips_through_a_csv_reader() {
        let mut out = String::new();
        row(&mut out, &["a", "{\"k\":\"v, w\"}", "line\r\nbreak", ""], false);
        row(&mut out, &["a", "b", "c", "d"], true);
        assert!(out.starts_with("a,\"{\"\"k\"\":\"\"v, w\"\"}\","));
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_bytes());
        let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(&recs[0][1], "{\"k\":\"v, w\"}");
        assert_eq!(&recs[0][2], "line\r\nbreak");
        assert_eq!(&recs[1][3], "d");
    }
}
