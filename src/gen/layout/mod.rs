//! Which records go to which file: the folder layout and export shape of every file in a case.

use super::clock;
use super::options::ShapeFamily;
use super::records::{Kind, Rec, Workload};
use super::shapes::columns::LaTable;
use super::shapes::{Encoding, FileSink, Shape, WrittenFile};
use chrono::{Duration, NaiveDate};
use std::io;
use std::ops::Range;
use std::path::Path;

mod mixed;

const SIGNINS_CONTEXT: &str = "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns";
const AUDITS_CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits";
const SIGNIN_KINDS: [Kind; 4] =
    [Kind::SignInInteractive, Kind::SignInNonInteractive, Kind::SignInServicePrincipal, Kind::SignInManagedIdentity];
const UAL_KINDS: [Kind; 3] =
    [Kind::Ual(Workload::Exchange), Kind::Ual(Workload::SharePoint), Kind::Ual(Workload::AzureActiveDirectory)];

struct Route {
    kinds: Vec<Kind>,
    days: Range<u32>,
    sink: usize,
}

/// The files of a case and the rules that fill them.
pub struct Layout {
    sinks: Vec<FileSink>,
    routes: Vec<Route>,
    tenant_id: String,
}

fn diag_category(kind: Kind) -> &'static str {
    match kind {
        Kind::SignInInteractive => "SignInLogs",
        Kind::SignInNonInteractive => "NonInteractiveUserSignInLogs",
        Kind::SignInServicePrincipal => "ServicePrincipalSignInLogs",
        Kind::SignInManagedIdentity => "ManagedIdentitySignInLogs",
        Kind::Audit => "AuditLogs",
        Kind::Graph => "MicrosoftGraphActivityLogs",
        Kind::Ual(_) => "Audit",
    }
}

fn la_table(kind: Kind) -> LaTable {
    match kind {
        Kind::SignInNonInteractive => LaTable::NonInteractive,
        Kind::SignInServicePrincipal => LaTable::ServicePrincipal,
        Kind::SignInManagedIdentity => LaTable::ManagedIdentity,
        Kind::Audit => LaTable::AuditLogs,
        Kind::Graph => LaTable::GraphActivity,
        _ => LaTable::SigninLogs,
    }
}

fn stem(kind: Kind) -> &'static str {
    match kind {
        Kind::SignInInteractive => "interactive",
        Kind::SignInNonInteractive => "nonInteractive",
        Kind::SignInServicePrincipal => "servicePrincipal",
        Kind::SignInManagedIdentity => "managedIdentity",
        Kind::Audit => "directoryAudits",
        Kind::Graph => "graphActivity",
        Kind::Ual(Workload::Exchange) => "Audit.Exchange",
        Kind::Ual(Workload::SharePoint) => "Audit.SharePoint",
        Kind::Ual(Workload::AzureActiveDirectory) => "Audit.AzureActiveDirectory",
    }
}

impl Layout {
    fn new(tenant_id: &str) -> Layout {
        Layout { sinks: Vec::new(), routes: Vec::new(), tenant_id: tenant_id.to_string() }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        root: &Path,
        kinds: &[Kind],
        days: Range<u32>,
        rel: String,
        shape: Shape,
        enc: Encoding,
        max: Option<u64>,
    ) {
        let source = kinds.first().map(|k| k.source_name()).unwrap_or("ual");
        self.sinks.push(FileSink::new(root, rel, source, shape, enc, max));
        self.routes.push(Route { kinds: kinds.to_vec(), days, sink: self.sinks.len() - 1 });
    }

    /// One shape family for every source it can carry.
    pub fn family(root: &Path, tenant_id: &str, family: ShapeFamily, start: NaiveDate, days: u32) -> Layout {
        if family == ShapeFamily::Mixed {
            return Layout::mixed(root, tenant_id, start, days);
        }
        let mut l = Layout::new(tenant_id);
        let all = 0..days;
        let range = format!(
            "{}_{}",
            clock::file_date(start),
            clock::file_date(start + Duration::days(days.saturating_sub(1) as i64))
        );
        let dir = family.name();
        for kind in SIGNIN_KINDS.into_iter().chain([Kind::Audit]) {
            let s = stem(kind);
            let (rel, shape, enc, max) = match family {
                ShapeFamily::GraphApi | ShapeFamily::Portal
                    if kind == Kind::Audit
                        || family == ShapeFamily::GraphApi
                        || matches!(kind, Kind::SignInServicePrincipal | Kind::SignInManagedIdentity) =>
                {
                    let ctx = if kind == Kind::Audit { AUDITS_CONTEXT } else { SIGNINS_CONTEXT };
                    (
                        format!("{dir}/{s}_{range}_page{{part}}.json"),
                        Shape::GraphPage { context: ctx },
                        Encoding::Utf8,
                        Some(1000),
                    )
                }
                ShapeFamily::Portal => {
                    let name =
                        if kind == Kind::SignInInteractive { "InteractiveSignIns" } else { "NonInteractiveSignIns" };
                    (format!("{dir}/{name}_{range}.csv"), Shape::PortalCsv, Encoding::Utf8Bom, None)
                }
                ShapeFamily::Powershell => {
                    (format!("{dir}/{s}-{range}.json"), Shape::PsJson { crlf: false }, Encoding::Utf8Bom, None)
                }
                ShapeFamily::JsonLines => (format!("{dir}/{s}_{range}.jsonl"), Shape::JsonLines, Encoding::Utf8, None),
                ShapeFamily::LogAnalytics => (
                    format!("{dir}/{}_{range}.csv", la_table(kind).name()),
                    Shape::LaCsv(la_table(kind)),
                    Encoding::Utf8Bom,
                    None,
                ),
                _ => (
                    format!("{dir}/{}_{range}.json", diag_category(kind)),
                    Shape::Diag { category: diag_category(kind) },
                    Encoding::Utf8,
                    None,
                ),
            };
            l.add(root, &[kind], all.clone(), rel, shape, enc, max);
        }
        match family {
            ShapeFamily::Powershell => l.add(
                root,
                &UAL_KINDS,
                all.clone(),
                format!("{dir}/UnifiedAuditLog_{range}.csv"),
                Shape::ClassicCsv,
                Encoding::Utf8Bom,
                None,
            ),
            ShapeFamily::LogAnalytics | ShapeFamily::Portal => l.add(
                root,
                &UAL_KINDS,
                all.clone(),
                format!("{dir}/AuditSearch_{range}.csv"),
                Shape::PurviewCsv,
                Encoding::Utf8Bom,
                None,
            ),
            _ => {
                for kind in UAL_KINDS {
                    l.add(
                        root,
                        &[kind],
                        all.clone(),
                        format!("{dir}/{}_{range}.jsonl", stem(kind)),
                        Shape::ManagementApi,
                        Encoding::Utf8,
                        None,
                    );
                }
            }
        }
        let (rel, shape, enc) = match family {
            ShapeFamily::LogAnalytics | ShapeFamily::Portal => (
                format!("{dir}/MicrosoftGraphActivityLogs_{range}.csv"),
                Shape::LaCsv(LaTable::GraphActivity),
                Encoding::Utf8Bom,
            ),
            _ => (
                format!("{dir}/MicrosoftGraphActivityLogs_{range}.json"),
                Shape::Diag { category: "MicrosoftGraphActivityLogs" },
                Encoding::Utf8,
            ),
        };
        l.add(root, &[Kind::Graph], all, rel, shape, enc, None);
        l
    }

    /// Scale mode: streaming-friendly shapes, files rotated every `per_file` records.
    pub fn scale(root: &Path, tenant_id: &str, days: u32, per_file: u64) -> Layout {
        let mut l = Layout::new(tenant_id);
        let all = 0..days;
        for kind in SIGNIN_KINDS.into_iter().chain([Kind::Audit, Kind::Graph]) {
            let cat = diag_category(kind);
            l.add(
                root,
                &[kind],
                all.clone(),
                format!("DiagnosticSettings/{cat}/part{{part}}.json"),
                Shape::Diag { category: cat },
                Encoding::Utf8,
                Some(per_file),
            );
        }
        for kind in [Kind::Ual(Workload::Exchange), Kind::Ual(Workload::SharePoint)] {
            l.add(
                root,
                &[kind],
                all.clone(),
                format!("UAL/ManagementActivityAPI/{}_part{{part}}.jsonl", stem(kind)),
                Shape::ManagementApi,
                Encoding::Utf8,
                Some(per_file),
            );
        }
        l.add(
            root,
            &[Kind::Ual(Workload::AzureActiveDirectory)],
            all,
            "UAL/Purview/AuditSearch_AzureActiveDirectory_part{part}.csv".into(),
            Shape::PurviewCsv,
            Encoding::Utf8Bom,
            Some(per_file),
        );
        l
    }

    /// Writes a record to every file whose rule matches; returns how many files took it.
    pub fn route(&mut self, rec: &Rec, day: u32) -> io::Result<u32> {
        let mut n = 0;
        for r in &self.routes {
            if r.days.contains(&day) && r.kinds.contains(&rec.kind) {
                self.sinks[r.sink].write(&self.tenant_id, rec)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// Closes every file and lists what was written, in path order.
    pub fn finish(mut self) -> io::Result<Vec<WrittenFile>> {
        let mut files = Vec::new();
        for s in &mut self.sinks {
            s.finish()?;
            files.append(&mut s.written);
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}
