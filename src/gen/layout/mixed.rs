//! The realistic mix of export shapes: every shape and quirk, split over the period the way responders collect in
//! pieces.

use super::{Layout, SIGNINS_CONTEXT};
use crate::gen::clock;
use crate::gen::records::{Kind, Workload};
use crate::gen::shapes::columns::LaTable;
use crate::gen::shapes::{Encoding, Shape};
use chrono::{Duration, NaiveDate};
use std::path::Path;

/// The period cut in two halves, and the dates file names carry.
struct Halves {
    start: NaiveDate,
    days: u32,
    /// The first day of the second half (days from the start).
    second_half: u32,
    /// File dates of the first day, the last day of the first half, the first of the second, and the last day.
    first_date: String,
    first_half_end_date: String,
    second_half_date: String,
    last_date: String,
    /// The last day as PowerShell export folders name it (`YYYYMMDD`), and the export's time stamp.
    export_day: String,
    export_stamp: String,
}

impl Halves {
    /// Cuts `days` days from `start` in two halves (the first at least one day long).
    fn new(start: NaiveDate, days: u32) -> Halves {
        let h = (days / 2).max(1).min(days);
        let d = |i: u32| clock::file_date(start + Duration::days(i as i64));
        let last = days.saturating_sub(1);
        let stamp = format!("{}{}", (start + Duration::days(last as i64)).format("%Y%m%d"), "093012");
        let day = (start + Duration::days(last as i64)).format("%Y%m%d").to_string();
        Halves {
            start,
            days,
            second_half: h,
            first_date: d(0),
            first_half_end_date: d(h.saturating_sub(1)),
            second_half_date: d(h),
            last_date: d(last),
            export_day: day,
            export_stamp: stamp,
        }
    }

    /// The file date of day `i`.
    fn date(&self, i: u32) -> String {
        clock::file_date(self.start + Duration::days(i as i64))
    }
}

impl Layout {
    /// The realistic mix: every shape and quirk, split over the period the way responders collect in pieces.
    pub fn mixed(root: &Path, tenant_id: &str, start: NaiveDate, days: u32) -> Layout {
        let mut l = Layout::new(tenant_id);
        let p = Halves::new(start, days);
        l.mixed_sign_ins(root, &p);
        l.mixed_audits(root, &p);
        l.mixed_ual(root, &p);
        l.mixed_graph(root, &p);
        l
    }

    /// Sign-ins: interactive as Graph pages then a portal CSV, non-interactive as gzipped diagnostic settings then
    /// Log Analytics CSV, service principals as JSON lines, managed identities as UTF-16 PowerShell JSON.
    fn mixed_sign_ins(&mut self, root: &Path, p: &Halves) {
        let Halves {
            days,
            second_half: h,
            first_date: a,
            first_half_end_date: b,
            second_half_date: c,
            last_date: e,
            export_day: day,
            export_stamp: stamp,
            ..
        } = p;
        let (days, h) = (*days, *h);
        let all = 0..days;
        self.add(
            root,
            &[Kind::SignInInteractive],
            0..h,
            format!("EntraID/SignIns/Interactive/GraphAPI/signIns_{a}_{b}_page{{part}}.json"),
            Shape::GraphPage { context: SIGNINS_CONTEXT },
            Encoding::Utf8,
            Some(100),
        );
        self.add(
            root,
            &[Kind::SignInInteractive],
            h..days,
            format!("EntraID/SignIns/Interactive/InteractiveSignIns_{c}_{e}.csv"),
            Shape::PortalCsv,
            Encoding::Utf8Bom,
            None,
        );
        self.add(
            root,
            &[Kind::SignInNonInteractive],
            0..h,
            format!("EntraID/DiagnosticSettings/NonInteractiveUserSignInLogs/{a}_{b}.json.gz"),
            Shape::Diag { category: "NonInteractiveUserSignInLogs" },
            Encoding::Gzip,
            None,
        );
        self.add(
            root,
            &[Kind::SignInNonInteractive],
            h..days,
            format!("LogAnalytics/AADNonInteractiveUserSignInLogs_{c}_{e}.csv"),
            Shape::LaCsv(LaTable::NonInteractive),
            Encoding::Utf8Bom,
            None,
        );
        self.add(
            root,
            &[Kind::SignInServicePrincipal],
            all.clone(),
            format!("EntraID/SignIns/ServicePrincipal/servicePrincipalSignIns_{a}_{e}.jsonl"),
            Shape::JsonLines,
            Encoding::Utf8,
            None,
        );
        self.add(
            root,
            &[Kind::SignInManagedIdentity],
            all.clone(),
            format!("EntraID/{day}-SignInLogs/managedIdentity/{stamp}-managedIdentity-SignInLogs.json"),
            Shape::PsJson { crlf: true },
            Encoding::Utf16LeBom,
            None,
        );
    }

    /// Directory audits: PowerShell JSON for the first half, diagnostic-settings records for the second.
    fn mixed_audits(&mut self, root: &Path, p: &Halves) {
        let Halves {
            days,
            second_half: h,
            second_half_date: c,
            last_date: e,
            export_day: day,
            export_stamp: stamp,
            ..
        } = p;
        let (days, h) = (*days, *h);
        self.add(
            root,
            &[Kind::Audit],
            0..h,
            format!("EntraID/{day}-Auditlogs/{stamp}-AuditLogs.json"),
            Shape::PsJson { crlf: false },
            Encoding::Utf8Bom,
            None,
        );
        self.add(
            root,
            &[Kind::Audit],
            h..days,
            format!("EntraID/DiagnosticSettings/AuditLogs/{c}_{e}.json"),
            Shape::DiagRecords { category: "AuditLogs" },
            Encoding::Utf8,
            None,
        );
    }

    /// The unified audit log: two overlapping Exchange exports (Purview, then classic), SharePoint and Entra ID
    /// through the Management Activity API.
    fn mixed_ual(&mut self, root: &Path, p: &Halves) {
        let Halves { days, second_half: h, first_date: a, last_date: e, .. } = p;
        let (days, h) = (*days, *h);
        let all = 0..days;
        // Two UAL exports of the Exchange workload that overlap by two days (same record Ids in both).
        let ov_start = h.saturating_sub(1);
        let ov_end = (h + 1).min(days);
        let exo = [Kind::Ual(Workload::Exchange)];
        self.add(
            root,
            &exo,
            0..ov_end,
            format!("UAL/Purview/AuditSearch_Exchange_{a}_{}.csv", p.date(ov_end.saturating_sub(1))),
            Shape::PurviewCsv,
            Encoding::Utf8Bom,
            None,
        );
        self.add(
            root,
            &exo,
            ov_start..days,
            format!("UAL/Classic/UnifiedAuditLog_Exchange_{}_{e}.csv", p.date(ov_start)),
            Shape::ClassicCsv,
            Encoding::Utf8Bom,
            None,
        );
        self.add(
            root,
            &[Kind::Ual(Workload::SharePoint)],
            all.clone(),
            format!("UAL/ManagementActivityAPI/Audit.SharePoint_{a}_{e}.jsonl"),
            Shape::ManagementApi,
            Encoding::Utf8,
            None,
        );
        self.add(
            root,
            &[Kind::Ual(Workload::AzureActiveDirectory)],
            all,
            format!("UAL/ManagementActivityAPI/Audit.AzureActiveDirectory_{a}_{e}.jsonl"),
            Shape::ManagementApi,
            Encoding::Utf8,
            None,
        );
    }

    /// Graph activity: diagnostic settings for the first half, Log Analytics CSV for the second.
    fn mixed_graph(&mut self, root: &Path, p: &Halves) {
        let Halves {
            days,
            second_half: h,
            first_date: a,
            first_half_end_date: b,
            second_half_date: c,
            last_date: e,
            ..
        } = p;
        let (days, h) = (*days, *h);
        self.add(
            root,
            &[Kind::Graph],
            0..h,
            format!("GraphActivity/MicrosoftGraphActivityLogs_{a}_{b}.json"),
            Shape::Diag { category: "MicrosoftGraphActivityLogs" },
            Encoding::Utf8,
            None,
        );
        self.add(
            root,
            &[Kind::Graph],
            h..days,
            format!("LogAnalytics/MicrosoftGraphActivityLogs_{c}_{e}.csv"),
            Shape::LaCsv(LaTable::GraphActivity),
            Encoding::Utf8Bom,
            None,
        );
    }
}
