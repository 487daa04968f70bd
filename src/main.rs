//! The `harrier` command: maps subcommands to library calls and exit codes.

mod casework;
mod commands;
mod exercising;

/// Ingest and detection allocate many short-lived values across threads; mimalloc handles that far better than
/// the platform allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Offline workbench for Microsoft 365 / Entra ID incident investigations.
#[derive(Parser, Debug)]
#[command(name = "harrier", version, about, long_about = None)]
pub struct Cli {
    /// Keep case state (index, ledger, analyst work) in this folder instead of CASE/.harrier.
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Time zone for displayed times (IANA name, e.g. Europe/Amsterdam); storage is always UTC.
    #[arg(long, global = true, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output shapes for listings.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

/// Report shapes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormatArg {
    Md,
    Html,
    Json,
}

/// Export shapes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormatArg {
    Jsonl,
    Csv,
    Timesketch,
}

/// Subcommands.
/// The entity a timeline or an export follows: at most one of these.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PivotArgs {
    #[arg(long, group = "pivot")]
    pub user: Option<String>,
    #[arg(long, group = "pivot")]
    pub ip: Option<String>,
    #[arg(long, group = "pivot")]
    pub session: Option<String>,
    #[arg(long, group = "pivot")]
    pub token: Option<String>,
    #[arg(long, group = "pivot")]
    pub mailbox: Option<String>,
    #[arg(long, group = "pivot")]
    pub app: Option<String>,
}

impl PivotArgs {
    /// The pivot field and value given, if any.
    pub fn chosen(self) -> Option<(&'static str, String)> {
        [
            ("user", self.user),
            ("ip", self.ip),
            ("session", self.session),
            ("token", self.token),
            ("mailbox", self.mailbox),
            ("app", self.app),
        ]
        .into_iter()
        .find_map(|(f, v)| v.map(|v| (f, v)))
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the workbench on a case (ingests it first when needed).
    Open { case: PathBuf },
    /// Write a generated tenant's logs (with planted attacks and look-alikes) to a new case folder.
    Gen(harrier::gen::cli::GenArgs),
    /// Rewrite a real case into a shareable training case: people, addresses, domains, tenants, IPs, devices,
    /// subjects and files replaced consistently; shapes, encodings and compression kept.
    Anonymize(harrier::anonymize::cli::AnonymizeArgs),
    /// Measure ingest, timeline paging and detection on a generated case of N events (build with --release).
    Bench {
        /// Folder for the generated case (created; must not exist or be empty).
        dir: PathBuf,
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure the workbench on an ingested case: time to first frame, key to frame, key to query result,
    /// peak memory, over a scripted tour. Reads the case only.
    BenchTui {
        case: PathBuf,
        /// Terminal columns of the off-screen terminal.
        #[arg(long, default_value_t = 160)]
        width: u16,
        /// Terminal rows of the off-screen terminal.
        #[arg(long, default_value_t = 48)]
        height: u16,
        /// What the tour searches for with `/` (then steps through with `n` / `N`).
        #[arg(long, default_value = "result:failure")]
        search: String,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Index every log file under CASE (idempotent: unchanged files are skipped).
    Ingest {
        case: PathBuf,
        /// Print the ledger as JSON.
        #[arg(long)]
        json: bool,
        /// Throw the index away and read everything again.
        #[arg(long)]
        rebuild: bool,
        /// MaxMind .mmdb database(s) for IPs the logs do not locate (City/Country and ASN editions).
        #[arg(long, value_name = "FILE")]
        geoip: Vec<PathBuf>,
    },
    /// Run the five analytics; results are also saved in the case state for the workbench.
    Detect {
        case: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Show only alerts at or above this severity (low, medium, high, critical).
        #[arg(long, value_name = "S", default_value = "low")]
        min_severity: String,
        /// Exit with code 3 when an alert at or above this severity is found.
        #[arg(long, value_name = "S")]
        fail_on: Option<String>,
        /// Run only these analytics (repeatable): AN0534 AN0959 AN1089 AN1350 AN1107.
        #[arg(long, value_name = "ID")]
        analytic: Vec<String>,
    },
    /// Search events: `user: ip: session: token: mailbox: app: op: source: country: ua:` plus free words.
    Search {
        case: PathBuf,
        query: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Time-ordered events of one user, IP, session, token, mailbox or app.
    Timeline {
        case: PathBuf,
        #[command(flatten)]
        pivot: PivotArgs,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write the case report: summary, coverage, alerts by triage status, evidence, runbook progress, notes, ATT&CK.
    Report {
        case: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Md)]
        format: ReportFormatArg,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Export events (the whole case, one pivot or a query) for other tools, with no row limit.
    Export {
        case: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        pivot: PivotArgs,
        /// A search query (the `search` language) instead of a pivot.
        #[arg(long, group = "pivot", value_name = "Q")]
        query: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    /// Show alerts with their triage, or set the status of one alert or of every alert naming an entity.
    Triage {
        case: PathBuf,
        /// The alert (id as `detect` prints it); without it, list every alert.
        alert: Option<String>,
        /// new, investigating, true_positive (tp), false_positive (fp), benign_positive (bp).
        #[arg(long, value_name = "S")]
        status: Option<String>,
        /// Why: required when closing (tp, fp, bp).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Every alert naming this entity: user:, ip:, app:, mailbox:, session: or tenant:VALUE.
        #[arg(long, value_name = "KIND:VALUE", conflicts_with = "alert", requires = "status")]
        entity: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an alert's runbook checklist, or tick a step and note what it showed.
    Runbook {
        case: PathBuf,
        alert: String,
        /// Step id, as the checklist shows it.
        step: Option<String>,
        #[arg(long, conflicts_with = "undone")]
        done: bool,
        #[arg(long)]
        undone: bool,
        /// Note on the step (an empty text clears it).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Show the case notes (Markdown), add a paragraph, or replace them from a file.
    Note {
        case: PathBuf,
        /// Paragraph to append, headed with who and when.
        #[arg(long, value_name = "TEXT", conflicts_with = "replace")]
        add: Option<String>,
        /// Replace the notes with this file's text (`-` reads standard input).
        #[arg(long, value_name = "FILE")]
        replace: Option<PathBuf>,
    },
    /// List bookmarks, or bookmark an event and tag or comment it.
    Bookmark {
        case: PathBuf,
        /// Event id to bookmark or change; without it, list the bookmarks.
        event: Option<String>,
        /// The event's source, when the id exists in several.
        #[arg(long)]
        source: Option<String>,
        /// Tag to add (repeatable).
        #[arg(long, value_name = "TAG")]
        tag: Vec<String>,
        /// Tag to remove (repeatable).
        #[arg(long, value_name = "TAG")]
        untag: Vec<String>,
        /// Comment (an empty text clears it).
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
        /// Remove the bookmark.
        #[arg(long, conflicts_with_all = ["tag", "untag", "comment"])]
        remove: bool,
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the case.toml allowlist change that silences a false-positive alert; --apply writes it.
    Suppress {
        case: PathBuf,
        alert: String,
        #[arg(long)]
        apply: bool,
    },
    /// Tabletop exercises: run one over a case, answer, move the replay clock, write the debrief.
    #[command(subcommand)]
    Exercise(exercising::ExerciseCommand),
    /// The log of every change to the analyst state: who, when, what.
    Activity {
        case: PathBuf,
        /// Print as JSON lines.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let filter = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        _ => "debug",
    };
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("harrier: {e:#}");
            ExitCode::from(1)
        }
    }
}
