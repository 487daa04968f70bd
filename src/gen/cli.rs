//! `harrier gen`: the command-line face of the generator.

use super::context::{parse_sources, Context as ActContext};
use super::options::{parse_scenarios, GenOptions, ShapeFamily};
use anyhow::{bail, Context};
use chrono::NaiveDate;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `harrier gen`.
#[derive(Debug, Clone, clap::Args)]
pub struct GenArgs {
    /// Case folder to write (created if missing).
    pub out: PathBuf,
    /// Seed: the same seed and options always give byte-identical output.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// People in the tenant (service accounts and shared mailboxes come on top).
    #[arg(long, default_value_t = 24)]
    pub users: usize,
    /// Days of logs.
    #[arg(long, default_value_t = 21)]
    pub days: u32,
    /// First day (YYYY-MM-DD, in the tenant time zone).
    #[arg(long, default_value = "2026-03-02")]
    pub start: String,
    /// Tenant time zone (IANA name): working hours and local dates in the exports follow it.
    #[arg(long = "timezone", value_name = "ZONE", default_value = "America/Chicago")]
    pub tz: String,
    /// Scenarios to plant: an0534, an0959, an1089, an1350, an1107, bec, bec-pack (the native detections' acts and
    /// their benign twins); `all`, `none`. Repeatable or comma-separated.
    /// Default: the five analytics' scenarios.
    #[arg(long = "scenario", value_name = "LIST")]
    pub scenario: Vec<String>,
    /// Leave out the benign look-alikes.
    #[arg(long)]
    pub no_lookalikes: bool,
    /// Export shapes: mixed, graph-api, powershell, json-lines, diagnostic-settings, log-analytics, portal.
    #[arg(long, default_value = "mixed")]
    pub shapes: String,
    /// Scale mode: generate about N records (tenant size follows), streamed in bounded memory.
    #[arg(long = "events", value_name = "N")]
    pub events: Option<u64>,
    /// Tenant organisation: northwind, fabrikam, tailspin, adatum, woodgrove, litware (default: from the seed).
    #[arg(long)]
    pub org: Option<String>,
    /// Plant each act in a variant the seed picks (another tool, another way to grant impersonation, a replay
    /// address that never signed in) instead of its classic form.
    #[arg(long)]
    pub vary: bool,
    /// Days of ordinary activity before the planted acts, which then follow within six days (overrides --days).
    /// A few days give thin baselines; months give long ones.
    #[arg(long, value_name = "DAYS")]
    pub history: Option<u32>,
    /// Where the attackers' addresses show up: classic, signed-in (each also signs in), unseen (data is used from
    /// addresses no sign-in places).
    #[arg(long = "attacker-ips", value_name = "HOW", default_value = "classic")]
    pub attacker_ips: String,
    /// Give the acts' actors weekly habits of the same kind before them (a small directory listing, Graph
    /// PowerShell, a phone network, a daytime mailbox delegation, a trusted partner's helpdesk work).
    #[arg(long)]
    pub habits: bool,
    /// Leave log sources out of the case: signins, audit, graph, ual. Repeatable or comma-separated.
    #[arg(long, value_name = "SOURCES")]
    pub without: Vec<String>,
    /// Name the planted principals in the case.toml allow lists by this identifier form, so their acts must be
    /// suppressed: upn, object-id, app-id, sp-id, display-name, tenant-id.
    #[arg(long = "allow-by", value_name = "FORM")]
    pub allow_by: Option<String>,
    /// Write into a folder that is not empty.
    #[arg(long)]
    pub force: bool,
}

impl GenArgs {
    /// The generator options these arguments describe.
    pub fn options(&self) -> anyhow::Result<GenOptions> {
        let start = NaiveDate::parse_from_str(&self.start, "%Y-%m-%d")
            .with_context(|| format!("--start '{}' is not a date (YYYY-MM-DD)", self.start))?;
        let shapes: ShapeFamily = self.shapes.parse().map_err(anyhow::Error::msg)?;
        let mut opts = GenOptions {
            seed: self.seed,
            users: self.users,
            days: self.days,
            start,
            timezone: self.tz.clone(),
            lookalikes: !self.no_lookalikes,
            shapes,
            scale: self.events,
            org: self.org.clone(),
            vary: self.vary,
            ..GenOptions::default()
        };
        opts.context = ActContext {
            history: self.history,
            addresses: self.attacker_ips.parse().map_err(anyhow::Error::msg)?,
            habits: self.habits,
            without: parse_sources(&self.without).map_err(anyhow::Error::msg)?,
            allow_by: self.allow_by.as_deref().map(str::parse).transpose().map_err(anyhow::Error::msg)?,
        };
        if let Some(h) = self.history {
            opts.days = ActContext::days_for(h);
        }
        if !self.scenario.is_empty() {
            opts.scenarios = parse_scenarios(&self.scenario).map_err(anyhow::Error::msg)?;
        }
        super::validate(&opts)?;
        Ok(opts)
    }
}

/// Runs `harrier gen` with the options read from `args` and prints a short summary unless `quiet`.
pub fn run(args: &GenArgs, opts: &GenOptions, quiet: bool) -> anyhow::Result<()> {
    if !args.force && args.out.exists() {
        let mut entries =
            std::fs::read_dir(&args.out).with_context(|| format!("cannot read {}", args.out.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty (use --force to write into it anyway)", args.out.display());
        }
    }
    let started = Instant::now();
    let summary = super::generate(opts, &args.out)?;
    let secs = started.elapsed().as_secs_f64().max(1e-6);
    if quiet {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "generated {} ({}): {} people, {} days, {} files, {} records ({} unique), {:.1} MB in {:.1}s ({:.0} records/s)",
        args.out.display(),
        summary.domain,
        summary.users,
        summary.days,
        summary.files.len(),
        summary.records,
        summary.unique_records,
        summary.bytes as f64 / 1e6,
        secs,
        summary.records as f64 / secs
    )?;
    writeln!(
        out,
        "planted {} item(s) and {} look-alike(s); answer key: {}",
        summary.planted,
        summary.lookalikes,
        args.out.join("answer-key.json").display()
    )?;
    Ok(())
}
