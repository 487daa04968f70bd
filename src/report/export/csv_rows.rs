//! CSV rows: RFC 4180 quoting (commas, quotes, line breaks) by the csv writer, formulas neutralised.

use super::columns::{neutralise_formula, Columns};
use crate::model::Event;
use std::io::Write;

/// Writes one event; always written.
pub fn write<W: Write>(w: &mut csv::Writer<W>, e: &Event) -> Result<bool, csv::Error> {
    let cols = Columns::of(e);
    w.write_record(cols.0.iter().map(|c| neutralise_formula(c).into_owned()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Event;

    #[test]
    fn commas_quotes_and_newlines_round_trip_and_formulas_are_neutralised() {
        let mut e = Event {
            id: "=HYPERLINK(\"http://x\")".into(),
            operation: "Set-Mailbox, \"forward\"\nline two".into(),
            user_agent: Some("+cmd|' /C calc'!A0".into()),
            ..Event::default()
        };
        e.actor.upn = Some("@sum(1)".into());
        e.session_id = Some("\tsession".into());
        e.token_id = Some("-2+3".into());
        e.app_name = Some("plain, with comma".into());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(crate::report::export::CSV_HEADER).unwrap();
        write(&mut w, &e).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(row.len(), 16);
        assert_eq!(&row[2], "Set-Mailbox, \"forward\"\nline two");
        assert_eq!(&row[4], "'@sum(1)");
        assert_eq!(&row[8], "plain, with comma");
        assert_eq!(&row[11], "'+cmd|' /C calc'!A0");
        assert_eq!(&row[12], "'\tsession");
        assert_eq!(&row[13], "'-2+3");
        assert_eq!(&row[14], "'=HYPERLINK(\"http://x\")");
        assert_eq!(neutralise_formula("\rx"), "'\rx");
        assert_eq!(neutralise_formula("198.51.100.7"), "198.51.100.7");
    }
}
