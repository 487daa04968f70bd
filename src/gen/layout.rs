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

    /// The realistic mix: every shape and quirk, split over the period the way responders collect in pieces.
    pub fn mixed(root: &Path, tenant_id: &str, start: NaiveDate, days: u32) -> Layout {
        let mut l = Layout::new(tenant_id);
        let h = (days / 2).max(1).min(days);
        let d = |i: u32| clock::file_date(start + Duration::days(i as i64));
        let last = days.saturating_sub(1);
        let (a, b, c, e) = (d(0), d(h.saturating_sub(1)), d(h), d(last));
        let stamp = format!("{}{}", (start + Duration::days(last as i64)).format("%Y%m%d"), "093012");
        let day = (start + Duration::days(last as i64)).format("%Y%m%d").to_string();
        let all = 0..days;
        l.add(
            root,
            &[Kind::SignInInteractive],
            0..h,
            format!("EntraID/SignIns/Interactive/GraphAPI/signIns_{a}_{b}_page{{part}}.json"),
            Shape::GraphPage { context: SIGNINS_CONTEXT },
            Encoding::Utf8,
            Some(100),
        );
        l.add(
            root,
            &[Kind::SignInInteractive],
            h..days,
            format!("EntraID/SignIns/Interactive/InteractiveSignIns_{c}_{e}.csv"),
            Shape::PortalCsv,
            Encoding::Utf8Bom,
            None,
        );
        l.add(
            root,
            &[Kind::SignInNonInteractive],
            0..h,
            format!("EntraID/DiagnosticSettings/NonInteractiveUserSignInLogs/{a}_{b}.json.gz"),
            Shape::Diag { category: "NonInteractiveUserSignInLogs" },
            Encoding::Gzip,
            None,
        );
        l.add(
            root,
            &[Kind::SignInNonInteractive],
            h..days,
            format!("LogAnalytics/AADNonInteractiveUserSignInLogs_{c}_{e}.csv"),
            Shape::LaCsv(LaTable::NonInteractive),
            Encoding::Utf8Bom,
            None,
        );
        l.add(
            root,
            &[Kind::SignInServicePrincipal],
            all.clone(),
            format!("EntraID/SignIns/ServicePrincipal/servicePrincipalSignIns_{a}_{e}.jsonl"),
            Shape::JsonLines,
            Encoding::Utf8,
            None,
        );
        l.add(
            root,
            &[Kind::SignInManagedIdentity],
            all.clone(),
            format!("EntraID/{day}-SignInLogs/managedIdentity/{stamp}-managedIdentity-SignInLogs.json"),
            Shape::PsJson { crlf: true },
            Encoding::Utf16LeBom,
            None,
        );
        l.add(
            root,
            &[Kind::Audit],
            0..h,
            format!("EntraID/{day}-Auditlogs/{stamp}-AuditLogs.json"),
            Shape::PsJson { crlf: false },
            Encoding::Utf8Bom,
            None,
        );
        l.add(
            root,
            &[Kind::Audit],
            h..days,
            format!("EntraID/DiagnosticSettings/AuditLogs/{c}_{e}.json"),
            Shape::DiagRecords { category: "AuditLogs" },
            Encoding::Utf8,
            None,
        );
        // Two UAL exports of the Exchange workload that overlap by two days (same record Ids in both).
        let ov_start = h.saturating_sub(1);
        let ov_end = (h + 1).min(days);
        let exo = [Kind::Ual(Workload::Exchange)];
        l.add(
            root,
            &exo,
            0..ov_end,
            format!("UAL/Purview/AuditSearch_Exchange_{a}_{}.csv", d(ov_end.saturating_sub(1))),
            Shape::PurviewCsv,
            Encoding::Utf8Bom,
            None,
        );
        l.add(
            root,
            &exo,
            ov_start..days,
            format!("UAL/Classic/UnifiedAuditLog_Exchange_{}_{e}.csv", d(ov_start)),
            Shape::ClassicCsv,
            Encoding::Utf8Bom,
            None,
        );
        l.add(
            root,
            &[Kind::Ual(Workload::SharePoint)],
            all.clone(),
            format!("UAL/ManagementActivityAPI/Audit.SharePoint_{a}_{e}.jsonl"),
            Shape::ManagementApi,
            Encoding::Utf8,
            None,
        );
        l.add(
            root,
            &[Kind::Ual(Workload::AzureActiveDirectory)],
            all,
            format!("UAL/ManagementActivityAPI/Audit.AzureActiveDirectory_{a}_{e}.jsonl"),
            Shape::ManagementApi,
            Encoding::Utf8,
            None,
        );
        l.add(
            root,
            &[Kind::Graph],
            0..h,
            format!("GraphActivity/MicrosoftGraphActivityLogs_{a}_{b}.json"),
            Shape::Diag { category: "MicrosoftGraphActivityLogs" },
            Encoding::Utf8,
            None,
        );
        l.add(
            root,
            &[Kind::Graph],
            h..days,
            format!("LogAnalytics/MicrosoftGraphActivityLogs_{c}_{e}.csv"),
            Shape::LaCsv(LaTable::GraphActivity),
            Encoding::Utf8Bom,
            None,
        );
        l
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
