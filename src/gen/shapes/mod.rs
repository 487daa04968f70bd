//! Export shapes: how one native record becomes bytes in a file, and the streaming file sinks that count them.

pub mod columns;
pub mod csvfmt;
pub mod psjson;

use super::records::Rec;
use columns::LaTable;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::json;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The byte encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// UTF-16 little endian with a BOM (Windows PowerShell 5.1 `Out-File`).
    Utf16LeBom,
    /// UTF-8 text inside gzip.
    Gzip,
}

/// The layout of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Graph API response pages `{"@odata.context":…,"value":[…],"@odata.nextLink":…}`.
    GraphPage { context: &'static str },
    /// PowerShell `ConvertTo-Json` array; `crlf` for files written on Windows.
    PsJson { crlf: bool },
    /// Native objects, one per line.
    JsonLines,
    /// Azure diagnostic-settings envelopes, one per line.
    Diag { category: &'static str },
    /// Azure diagnostic-settings envelopes inside `{"records":[…]}`.
    DiagRecords { category: &'static str },
    /// Log Analytics UI CSV export of a table.
    LaCsv(LaTable),
    /// Entra admin center sign-in CSV download.
    PortalCsv,
    /// Purview audit search CSV (new column set).
    PurviewCsv,
    /// `Search-UnifiedAuditLog | Export-Csv -NoTypeInformation`.
    ClassicCsv,
    /// Office 365 Management Activity API content, one record per line.
    ManagementApi,
}

impl Shape {
    /// The shape's name in the answer key.
    pub fn name(self) -> String {
        match self {
            Shape::GraphPage { .. } => "graph_api_page".into(),
            Shape::PsJson { crlf: false } => "powershell_json".into(),
            Shape::PsJson { crlf: true } => "powershell_json_crlf".into(),
            Shape::JsonLines => "json_lines".into(),
            Shape::Diag { .. } => "diagnostic_settings_jsonl".into(),
            Shape::DiagRecords { .. } => "diagnostic_settings_records".into(),
            Shape::LaCsv(t) => format!("log_analytics_csv:{}", t.name()),
            Shape::PortalCsv => "entra_portal_csv".into(),
            Shape::PurviewCsv => "purview_audit_csv".into(),
            Shape::ClassicCsv => "classic_ual_csv".into(),
            Shape::ManagementApi => "management_activity_api_jsonl".into(),
        }
    }

    fn newline(self) -> &'static str {
        match self {
            Shape::PsJson { crlf: true } => "\r\n",
            _ => "\n",
        }
    }

    fn header(self) -> String {
        let mut out = String::new();
        match self {
            Shape::GraphPage { context } => {
                out.push_str(&format!("{{\"@odata.context\":{},\"value\":[", json!(context)));
            }
            Shape::PsJson { .. } => {
                out.push('[');
                out.push_str(self.newline());
            }
            Shape::DiagRecords { .. } => out.push_str("{\"records\":["),
            Shape::LaCsv(t) => csvfmt::row(&mut out, &t.header(), false),
            Shape::PortalCsv => csvfmt::row(&mut out, &columns::PORTAL_HEADER, true),
            Shape::PurviewCsv => csvfmt::row(&mut out, &columns::PURVIEW_HEADER, false),
            Shape::ClassicCsv => csvfmt::row(&mut out, &columns::CLASSIC_HEADER, true),
            Shape::JsonLines | Shape::Diag { .. } | Shape::ManagementApi => {}
        }
        out
    }

    fn footer(self, next_link: Option<&str>) -> String {
        match self {
            Shape::GraphPage { .. } => match next_link {
                Some(link) => format!("],\"@odata.nextLink\":{}}}", json!(link)),
                None => "]}".into(),
            },
            Shape::PsJson { .. } => format!("{}]{}", self.newline(), self.newline()),
            Shape::DiagRecords { .. } => "]}\n".into(),
            _ => String::new(),
        }
    }

    /// Appends one record in this shape; `first` is true for the first record of a file.
    pub fn render(self, tenant_id: &str, rec: &Rec, first: bool, out: &mut String) {
        match self {
            Shape::GraphPage { .. } => {
                if !first {
                    out.push(',');
                }
                out.push_str(&rec.json);
            }
            Shape::PsJson { .. } => {
                if !first {
                    out.push(',');
                    out.push_str(self.newline());
                }
                out.push_str("    ");
                psjson::render(&rec.value(), 4, self.newline(), out);
            }
            Shape::JsonLines | Shape::ManagementApi => {
                out.push_str(&rec.json);
                out.push('\n');
            }
            Shape::Diag { category } => {
                envelope(category, rec, out);
                out.push('\n');
            }
            Shape::DiagRecords { category } => {
                if !first {
                    out.push(',');
                }
                envelope(category, rec, out);
            }
            Shape::LaCsv(t) => csvfmt::row(out, &t.row(tenant_id, &rec.value()), false),
            Shape::PortalCsv => csvfmt::row(out, &columns::portal_row(&rec.value()), true),
            Shape::PurviewCsv => csvfmt::row(out, &columns::purview_row(&rec.json), false),
            Shape::ClassicCsv => csvfmt::row(out, &columns::classic_row(&rec.json), true),
        }
    }
}

/// Appends the diagnostic-settings envelope around a record.
pub fn envelope(category: &str, rec: &Rec, out: &mut String) {
    out.push('{');
    out.push_str(&rec.head.0);
    out.push_str(",\"category\":\"");
    out.push_str(category);
    out.push_str("\",");
    out.push_str(&rec.head.1);
    out.push_str(",\"properties\":");
    out.push_str(&rec.json);
    out.push('}');
}

/// One written file, for the answer key.
#[derive(Debug, Clone)]
pub struct WrittenFile {
    pub path: String,
    pub records: u64,
    pub source: &'static str,
    pub shape: String,
    pub bytes: u64,
}

enum Out {
    Plain(BufWriter<File>),
    Gz(GzEncoder<BufWriter<File>>),
}

/// A stream of records into one file (or a series of files when `max_records` rotates them).
pub struct FileSink {
    pub rel: String,
    pub source: &'static str,
    pub shape: Shape,
    pub encoding: Encoding,
    pub max_records: Option<u64>,
    root: PathBuf,
    out: Option<Out>,
    part: u32,
    in_file: u64,
    path_now: String,
    buf: String,
    pub written: Vec<WrittenFile>,
    next_link_base: String,
}

impl FileSink {
    /// A sink writing `rel` (relative to `root`); with `max_records`, `{part}` in `rel` numbers the files.
    pub fn new(
        root: &Path,
        rel: String,
        source: &'static str,
        shape: Shape,
        encoding: Encoding,
        max_records: Option<u64>,
    ) -> FileSink {
        FileSink {
            next_link_base: match shape {
                Shape::GraphPage { context } if context.contains("directoryAudits") => {
                    "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=".into()
                }
                _ => "https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken=".into(),
            },
            rel,
            source,
            shape,
            encoding,
            max_records,
            root: root.to_path_buf(),
            out: None,
            part: 0,
            in_file: 0,
            path_now: String::new(),
            buf: String::with_capacity(1 << 16),
            written: Vec::new(),
        }
    }

    fn emit(&mut self, s: &str) -> io::Result<()> {
        let out = match self.out.as_mut() {
            Some(o) => o,
            None => return Ok(()),
        };
        let w: &mut dyn Write = match out {
            Out::Plain(w) => w,
            Out::Gz(w) => w,
        };
        if self.encoding == Encoding::Utf16LeBom {
            let mut bytes = Vec::with_capacity(s.len() * 2);
            for unit in s.encode_utf16() {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
            w.write_all(&bytes)
        } else {
            w.write_all(s.as_bytes())
        }
    }

    fn open(&mut self) -> io::Result<()> {
        self.part += 1;
        let rel = if self.rel.contains("{part}") {
            self.rel.replace("{part}", &format!("{:03}", self.part))
        } else {
            self.rel.clone()
        };
        let path = self.root.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = BufWriter::with_capacity(1 << 17, File::create(&path)?);
        let mut out = match self.encoding {
            Encoding::Gzip => Out::Gz(GzEncoder::new(file, Compression::new(6))),
            _ => Out::Plain(file),
        };
        match (&mut out, self.encoding) {
            (Out::Plain(w), Encoding::Utf8Bom) => w.write_all(&[0xEF, 0xBB, 0xBF])?,
            (Out::Plain(w), Encoding::Utf16LeBom) => w.write_all(&[0xFF, 0xFE])?,
            _ => {}
        }
        self.out = Some(out);
        self.path_now = rel;
        self.in_file = 0;
        let header = self.shape.header();
        self.emit(&header)
    }

    fn close(&mut self, more: bool) -> io::Result<()> {
        if self.out.is_none() {
            return Ok(());
        }
        let link = more.then(|| format!("{}{}{:04}", self.next_link_base, self.path_now.len(), self.part));
        let footer = self.shape.footer(link.as_deref());
        self.emit(&footer)?;
        let bytes = match self.out.take() {
            Some(Out::Plain(mut w)) => {
                w.flush()?;
                w.get_ref().metadata().map(|m| m.len()).unwrap_or(0)
            }
            Some(Out::Gz(w)) => {
                let mut inner = w.finish()?;
                inner.flush()?;
                inner.get_ref().metadata().map(|m| m.len()).unwrap_or(0)
            }
            None => 0,
        };
        self.written.push(WrittenFile {
            path: self.path_now.clone(),
            records: self.in_file,
            source: self.source,
            shape: self.shape.name(),
            bytes,
        });
        Ok(())
    }

    /// Writes one record.
    pub fn write(&mut self, tenant_id: &str, rec: &Rec) -> io::Result<()> {
        if self.out.is_none() {
            self.open()?;
        } else if self.max_records.is_some_and(|m| self.in_file >= m) {
            self.close(true)?;
            self.open()?;
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        self.shape.render(tenant_id, rec, self.in_file == 0, &mut buf);
        let r = self.emit(&buf);
        self.buf = buf;
        r?;
        self.in_file += 1;
        Ok(())
    }

    /// Closes the last file.
    pub fn finish(&mut self) -> io::Result<()> {
        self.close(false)
    }
}
