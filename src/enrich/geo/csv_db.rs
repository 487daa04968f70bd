//! GeoIP databases published as CSV, in the layout of the ip-location-db project: no header, one inclusive range a
//! row, `start,end,country_code` (country), `start,end,as_number,as_organization` (ASN) or
//! `start,end,country_code,state1,state2,city,postcode,latitude,longitude,timezone` (city). The bounds are
//! addresses (`1.0.0.0`, `2001:200::`) or, in the `-num` files, the addresses as integers. IPv4 and IPv6 come in
//! separate files; both may also share one.

use super::coords::Coords;
use super::error::GeoDbError;
use super::place::{country_code, GeoKind, Place};
use super::range_table::RangeTable;
use crate::text::sanitize::cell;
use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// Largest CSV database read. The real country and ASN files are tens of megabytes; the cap keeps a wrong file
/// (or `/dev/zero` named in a received case's `case.toml`) from filling memory.
pub const CSV_MAX: u64 = 256 << 20;

/// Which family an integer bound belongs to, told by the file name (`…-ipv4-num.csv`, `…-ipv6-num.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    V4,
    V6,
    /// Not named: a row whose bounds both fit in 32 bits is IPv4, any other IPv6.
    Either,
}

impl Numbers {
    /// The family the file name at `name` announces.
    pub fn from_name(name: &str) -> Numbers {
        let n = name.to_ascii_lowercase();
        if n.contains("ipv6") {
            Numbers::V6
        } else if n.contains("ipv4") {
            Numbers::V4
        } else {
            Numbers::Either
        }
    }
}

/// A CSV database in memory: its ranges by family, each pointing into the list of distinct answers.
#[derive(Debug)]
pub struct CsvDb {
    kind: GeoKind,
    v4: RangeTable<u32>,
    v6: RangeTable<u128>,
    places: Vec<Place>,
}

/// A row's range in its family.
enum Span {
    V4(u32, u32),
    V6(u128, u128),
}

/// One bound as written: an address of either family, or an integer whose family the file decides.
#[derive(Clone, Copy)]
enum Bound {
    V4(u32),
    V6(u128),
    Number(u128),
}

impl CsvDb {
    /// Reads the CSV database at `path`, refusing one that is not a regular file or is larger than [`CSV_MAX`].
    pub fn open(path: &Path) -> Result<CsvDb, GeoDbError> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| GeoDbError::io(path, e))?;
        if !meta.is_file() {
            return Err(GeoDbError::NotAFile { path: name });
        }
        if meta.len() > CSV_MAX {
            return Err(GeoDbError::TooLarge { path: name, size: meta.len(), cap: CSV_MAX });
        }
        let file = std::fs::File::open(path).map_err(|e| GeoDbError::io(path, e))?;
        let numbers = Numbers::from_name(&path.file_name().unwrap_or_default().to_string_lossy());
        CsvDb::from_reader(std::io::BufReader::new(file).take(CSV_MAX), &name, numbers)
    }

    /// Reads a CSV database from `reader`; `name` names it in errors. A malformed line is an error naming the line.
    pub fn from_reader(reader: impl Read, name: &str, numbers: Numbers) -> Result<CsvDb, GeoDbError> {
        let mut csv =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(reader);
        let mut record = csv::ByteRecord::new();
        let mut shape: Option<(usize, u64)> = None;
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        let mut places: Vec<Place> = Vec::new();
        let mut known: HashMap<Place, u32> = HashMap::new();
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(GeoDbError::line(name, line, format!("cannot read: {e}")));
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            let err = |message: String| GeoDbError::line(name, line, message);
            let mut fields = Vec::with_capacity(record.len());
            for (i, f) in record.iter().enumerate() {
                let text = std::str::from_utf8(f).map_err(|_| err(format!("column {} is not UTF-8 text", i + 1)))?;
                fields.push(if i == 0 && shape.is_none() { text.trim_start_matches('\u{feff}') } else { text });
            }
            if shape.is_none() && fields.first() == Some(&"ip_range_start") {
                continue;
            }
            let (columns, first_line) = *shape.get_or_insert((fields.len(), line));
            if fields.len() != columns {
                return Err(err(format!("{} columns where line {first_line} has {columns}", fields.len())));
            }
            let kind = kind_of(columns)
                .ok_or_else(|| err(format!("{columns} columns; expected 3 (country), 4 (ASN) or 10 (city)")))?;
            let span = range(fields[0], fields[1], numbers).map_err(err)?;
            let Some(place) = place(kind, &fields).map_err(err)? else { continue };
            let next = places.len() as u32;
            let index = *known.entry(place.clone()).or_insert(next);
            if index == next {
                places.push(place);
            }
            match span {
                Span::V4(s, e) => v4.push((s, e, index)),
                Span::V6(s, e) => v6.push((s, e, index)),
            }
        }
        let kind = shape.and_then(|(columns, _)| kind_of(columns)).unwrap_or(GeoKind::Country);
        Ok(CsvDb { kind, v4: RangeTable::build(v4), v6: RangeTable::build(v6), places })
    }

    /// What the database gives: told by its columns.
    pub fn kind(&self) -> GeoKind {
        self.kind
    }

    /// The answer for `ip`, if a range holds it.
    pub fn lookup(&self, ip: IpAddr) -> Option<&Place> {
        let index = match ip.to_canonical() {
            IpAddr::V4(a) => self.v4.get(u32::from(a)),
            IpAddr::V6(a) => self.v6.get(u128::from(a)),
        }?;
        self.places.get(index as usize)
    }

    /// Number of ranges kept (IPv4, IPv6).
    pub fn ranges(&self) -> (usize, usize) {
        (self.v4.len(), self.v6.len())
    }
}

/// The kind of database a row with `columns` columns belongs to.
fn kind_of(columns: usize) -> Option<GeoKind> {
    match columns {
        3 => Some(GeoKind::Country),
        4 => Some(GeoKind::Asn),
        8.. => Some(GeoKind::City),
        _ => None,
    }
}

/// Both bounds of a row, in one family, the start not after the end.
fn range(start: &str, end: &str, numbers: Numbers) -> Result<Span, String> {
    let span = match (bound(start)?, bound(end)?) {
        (Bound::Number(s), Bound::Number(e)) => match numbers {
            Numbers::V4 => Span::V4(number_v4(s)?, number_v4(e)?),
            Numbers::V6 => Span::V6(s, e),
            Numbers::Either => match (u32::try_from(s), u32::try_from(e)) {
                (Ok(s), Ok(e)) => Span::V4(s, e),
                _ => Span::V6(s, e),
            },
        },
        (Bound::V4(s), Bound::V4(e)) => Span::V4(s, e),
        (Bound::V6(s), Bound::V6(e)) => Span::V6(s, e),
        _ => return Err(format!("'{}' and '{}' are not of one address family", cell(start, 45), cell(end, 45))),
    };
    let ordered = match span {
        Span::V4(s, e) => s <= e,
        Span::V6(s, e) => s <= e,
    };
    if !ordered {
        return Err(format!("the range starts at {} after it ends at {}", cell(start, 45), cell(end, 45)));
    }
    Ok(span)
}

/// One bound: an IPv4 or IPv6 address, or an integer.
fn bound(s: &str) -> Result<Bound, String> {
    if s.contains(':') {
        s.parse::<Ipv6Addr>().map(|a| Bound::V6(a.into())).map_err(|_| not_an_address(s))
    } else if s.contains('.') {
        s.parse::<Ipv4Addr>().map(|a| Bound::V4(a.into())).map_err(|_| not_an_address(s))
    } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse::<u128>().map(Bound::Number).map_err(|_| not_an_address(s))
    } else {
        Err(not_an_address(s))
    }
}

fn number_v4(n: u128) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("{n} is larger than any IPv4 address in a file named for IPv4"))
}

fn not_an_address(s: &str) -> String {
    format!("'{}' is not an IP address or an address number", cell(s, 45))
}

/// The answer a row gives, or `None` for a row that knows nothing (an empty country code, AS number 0 for
/// space no one announces).
fn place(kind: GeoKind, fields: &[&str]) -> Result<Option<Place>, String> {
    let country = |s: &str| match s {
        "" => Ok(None),
        s => country_code(s).map(Some).ok_or_else(|| format!("'{}' is not a two-letter country code", cell(s, 20))),
    };
    let place = match kind {
        GeoKind::Country => Place { country: country(fields[2])?, ..Place::default() },
        GeoKind::Asn => {
            let digits = fields[2].strip_prefix("AS").unwrap_or(fields[2]);
            let asn = digits.parse::<u32>().map_err(|_| format!("'{}' is not an AS number", cell(fields[2], 20)))?;
            Place { asn: (asn != 0).then_some(asn), ..Place::default() }
        }
        GeoKind::City => {
            let column = |i: usize| fields.get(i).copied().unwrap_or("");
            let city = (!fields[5].is_empty()).then(|| fields[5].to_string());
            Place { country: country(fields[2])?, city, coords: coords(column(7), column(8))?, ..Place::default() }
        }
    };
    Ok((!place.is_empty()).then_some(place))
}

/// The coordinates of a city row: both empty is none; anything else must be degrees on the map.
fn coords(lat: &str, lon: &str) -> Result<Option<Coords>, String> {
    if lat.is_empty() && lon.is_empty() {
        return Ok(None);
    }
    let degrees = |s: &str| s.parse::<f64>().map_err(|_| format!("'{}' is not a latitude or longitude", cell(s, 20)));
    let (la, lo) = (degrees(lat)?, degrees(lon)?);
    if la.abs() > 90.0 || lo.abs() > 180.0 {
        return Err(format!("{la}, {lo} is not a point on the map"));
    }
    Ok(Coords::new(la, lo))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(text: &str, numbers: Numbers) -> Result<CsvDb, GeoDbError> {
        CsvDb::from_reader(text.as_bytes(), "test.csv", numbers)
    }

    fn at(db: &CsvDb, ip: &str) -> Option<Place> {
        db.lookup(ip.parse().unwrap()).cloned()
    }

    #[test]
    fn country_rows_of_both_families_and_forms() {
        let d = db("1.0.0.0,1.0.0.255,au\n2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\n", Numbers::Either)
            .unwrap();
        assert_eq!(d.kind(), GeoKind::Country);
        assert_eq!(at(&d, "1.0.0.7").unwrap().country.as_deref(), Some("AU"));
        assert_eq!(at(&d, "2001:200::1").unwrap().country.as_deref(), Some("JP"));
        assert_eq!(at(&d, "::ffff:1.0.0.7").unwrap().country.as_deref(), Some("AU"), "IPv4-mapped is IPv4");
        assert_eq!(at(&d, "1.0.1.0"), None);
        let n = db("16777216,16777471,AU\n", Numbers::V4).unwrap();
        assert_eq!(at(&n, "1.0.0.255").unwrap().country.as_deref(), Some("AU"));
        let n6 = db("42540528726795050063891204319802818560,42540528806023212578155541913346768895,JP\n", Numbers::V6)
            .unwrap();
        assert_eq!(at(&n6, "2001:200::1").unwrap().country.as_deref(), Some("JP"));
        assert_eq!(n6.ranges(), (0, 1));
    }

    #[test]
    fn asn_rows_with_quoted_organisations() {
        let d = db(
            "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n8.8.8.0,8.8.8.255,15169,GOOGLE\n9.0.0.0,9.0.0.255,0,None\n",
            Numbers::V4,
        )
        .unwrap();
        assert_eq!(d.kind(), GeoKind::Asn);
        assert_eq!(at(&d, "1.0.0.1").unwrap().asn, Some(13335));
        assert_eq!(at(&d, "8.8.8.8").unwrap().asn, Some(15169));
        assert_eq!(at(&d, "9.0.0.1"), None, "AS 0 is no answer");
    }

    #[test]
    fn city_rows_give_country_and_city() {
        let d = db("1.0.0.0,1.0.0.255,AU,Queensland,,South Brisbane,,-27.4767,153.017,\n", Numbers::V4).unwrap();
        assert_eq!(d.kind(), GeoKind::City);
        let p = at(&d, "1.0.0.9").unwrap();
        assert_eq!((p.country.as_deref(), p.city.as_deref()), (Some("AU"), Some("South Brisbane")));
        let c = p.coords.unwrap();
        assert_eq!((c.latitude(), c.longitude()), (-27.4767, 153.017));
    }

    #[test]
    fn city_coordinates_must_be_degrees_on_the_map_and_may_be_missing() {
        let bad = db("1.0.0.0,1.0.0.255,AU,Q,,Brisbane,,north,153.0,\n", Numbers::V4).unwrap_err().to_string();
        assert!(bad.contains("line 1") && bad.contains("'north' is not a latitude or longitude"), "{bad}");
        let off = db("1.0.0.0,1.0.0.255,AU,Q,,Brisbane,,-127.0,153.0,\n", Numbers::V4).unwrap_err().to_string();
        assert!(off.contains("not a point on the map"), "{off}");
        let none = db("1.0.0.0,1.0.0.255,AU,Q,,Brisbane,,,,\n", Numbers::V4).unwrap();
        assert!(at(&none, "1.0.0.1").unwrap().coords.is_none());
        let short = db("1.0.0.0,1.0.0.255,AU,Q,,Brisbane,4000,-27.5\n", Numbers::V4).unwrap_err().to_string();
        assert!(short.contains("not a latitude or longitude"), "eight columns: {short}");
    }

    #[test]
    fn a_header_row_blank_lines_and_a_bom_are_tolerated() {
        let d = db("\u{feff}ip_range_start,ip_range_end,country_code\n\n1.0.0.0,1.0.0.255,AU\n", Numbers::V4).unwrap();
        assert_eq!(at(&d, "1.0.0.1").unwrap().country.as_deref(), Some("AU"));
        let d = db("\u{feff}1.0.0.0,1.0.0.255,AU\n", Numbers::V4).unwrap();
        assert_eq!(at(&d, "1.0.0.1").unwrap().country.as_deref(), Some("AU"));
    }

    #[test]
    fn malformed_lines_are_errors_naming_the_line() {
        let cases = [
            ("1.0.0.0,1.0.0.255,AU\n1.0.1.0,x,AU\n", "line 2", "'x' is not an IP address"),
            ("1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.255,AU,1\n", "line 2", "4 columns where line 1 has 3"),
            ("1.0.0.9,1.0.0.1,AU\n", "line 1", "starts at 1.0.0.9 after it ends"),
            ("1.0.0.0,::1,AU\n", "line 1", "not of one address family"),
            ("1.0.0.0,1.0.0.255,AUS\n", "line 1", "not a two-letter country code"),
            ("1.0.0.0,1.0.0.255,fifteen,X\n", "line 1", "not an AS number"),
            ("1.0.0.0,1.0.0.255\n", "line 1", "2 columns; expected 3"),
            ("4294967296,4294967297,AU\n", "line 1", "larger than any IPv4 address"),
            ("1.0.0.0,1.0.0.255,\u{e9}\u{e9}\n", "line 1", "not a two-letter"),
        ];
        for (text, line, what) in cases {
            let e = db(text, Numbers::V4).unwrap_err().to_string();
            assert!(e.contains("test.csv") && e.contains(line) && e.contains(what), "{text:?}: {e}");
        }
        let e = CsvDb::from_reader(&b"1.0.0.0,1.0.0.255,A\xff\n"[..], "bytes.csv", Numbers::V4).unwrap_err();
        assert!(e.to_string().contains("line 1: column 3 is not UTF-8"), "{e}");
    }
}
