//! The command line: every subcommand, option and example, in one definition that also feeds `--help`,
//! `harrier help`, the shell completions and the man page.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Most rows `search` and `timeline` print; `export` has no limit.
pub const MAX_LIMIT: u64 = 10_000_000;

/// Offline workbench for Microsoft 365 / Entra ID incident investigations.
#[derive(Parser, Debug)]
#[command(
    name = "harrier",
    about,
    long_about = "Offline workbench for Microsoft 365 / Entra ID incident investigations: indexes a case folder of \
                  exported logs, runs the detection analytics and opens a terminal workbench to pivot from alerts \
                  along users, IPs, sessions, tokens, mailboxes and apps. Without a subcommand it opens the bundled \
                  demo case.",
    disable_help_subcommand = true,
    after_help = "Examples:\n  harrier                                 open the workbench on the bundled demo case\n  \
                  harrier open ~/cases/contoso            ingest a case folder if needed and open it\n  \
                  harrier help query                      the search language\n\n\
                  Exit codes: 0 ok, 1 error, 2 usage, 3 detect found an alert at or above --fail-on."
)]
pub struct Cli {
    /// Keep case state (index, ledger, analyst work) in this folder instead of CASE/.harrier.
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Time zone for displayed times and for reading --from/--to (IANA name such as Europe/Amsterdam); storage is
    /// always UTC. Default: the case's `timezone`, else UTC.
    #[arg(long, global = true, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Print only results and errors: no progress, banners or summaries.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more detail on standard error (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output shapes for listings.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for a terminal.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Report shapes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormatArg {
    /// Markdown.
    Md,
    /// One self-contained, printable HTML page.
    Html,
    /// JSON for other tools.
    Json,
}

/// Export shapes.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormatArg {
    /// One event per line with its original record.
    Jsonl,
    /// Spreadsheet-safe CSV.
    Csv,
    /// Timesketch JSONL.
    Timesketch,
}

/// The entity a timeline or an export follows: at most one of these.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PivotArgs {
    /// Follow a user: UPN or object id.
    #[arg(long, group = "pivot", value_name = "UPN")]
    pub user: Option<String>,
    /// Follow an IP address.
    #[arg(long, group = "pivot", value_name = "IP")]
    pub ip: Option<String>,
    /// Follow a sign-in session id.
    #[arg(long, group = "pivot", value_name = "ID")]
    pub session: Option<String>,
    /// Follow a token id (uniqueTokenIdentifier / UniqueTokenId / SignInActivityId).
    #[arg(long, group = "pivot", value_name = "ID")]
    pub token: Option<String>,
    /// Follow a mailbox address.
    #[arg(long, group = "pivot", value_name = "ADDRESS")]
    pub mailbox: Option<String>,
    /// Follow an application: app id or display name.
    #[arg(long, group = "pivot", value_name = "APP")]
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

/// Parses a row limit: at least 1, at most [`MAX_LIMIT`].
fn limit(s: &str) -> Result<usize, String> {
    let n: u64 = s.parse().map_err(|_| format!("'{s}' is not a whole number"))?;
    if n == 0 || n > MAX_LIMIT {
        return Err(format!("must be between 1 and {MAX_LIMIT}"));
    }
    Ok(n as usize)
}

/// Every subcommand.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Open the workbench on a case (ingests it first when needed).
    #[command(
        after_help = "Examples:\n  harrier open ~/cases/contoso\n  harrier open --state-dir /tmp/st /mnt/evidence/contoso"
    )]
    Open {
        /// The case folder: any nesting of exported logs, plus an optional case.toml.
        case: PathBuf,
    },
    /// Write a generated tenant's logs (with planted attacks and look-alikes) to a new case folder.
    #[command(
        after_help = "Examples:\n  harrier gen /tmp/lab --seed 7 --scenario bec\n  harrier gen /tmp/big --events 1000000\n  \
                      harrier gen /tmp/thin --history 3                  acts after only three days of logs\n  \
                      harrier gen /tmp/ual --without signins,graph       no Entra sign-ins, no Graph activity\n  \
                      harrier gen /tmp/habit --habits --history 60       actors with weekly habits of the same kind\n  \
                      harrier gen /tmp/hidden --attacker-ips unseen      data used from addresses no sign-in places\n  \
                      harrier gen /tmp/allowed --allow-by object-id      planted principals allowed by object id"
    )]
    Gen(harrier::gen::cli::GenArgs),
    /// Rewrite a real case into a shareable training case: people, addresses, domains, tenants, IPs, devices,
    /// subjects and files replaced consistently; shapes, encodings and compression kept.
    #[command(after_help = "Examples:\n  harrier anonymize ~/cases/contoso /tmp/contoso-training --shift-days 28\n  \
                      harrier anonymize CASE OUT --mapping ~/secret/contoso-map.json")]
    Anonymize(harrier::anonymize::cli::AnonymizeArgs),
    /// Measure ingest, timeline paging and detection on a generated case of N events (build with --release).
    #[command(after_help = "Examples:\n  cargo run --release -- bench /tmp/bench --events 1000000\n  \
                            harrier bench /tmp/b --events 100000 --json\n  \
                            harrier bench /tmp/b --events 1000000 --sigma ~/sigma/rules/cloud")]
    Bench {
        /// Folder for the generated case (created; must not exist or be empty).
        dir: PathBuf,
        /// How many events to generate (1,000 to 100,000,000).
        #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1_000..=100_000_000))]
        events: u64,
        /// Seed of the generated tenant: the same seed gives the same case.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also run detect with the Sigma rules in this folder (repeatable) and compare it with the run without.
        #[arg(long, value_name = "DIR")]
        sigma: Vec<PathBuf>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure the workbench on an ingested case: time to first frame, key to frame, key to query result,
    /// peak memory, over a scripted tour. Reads the case only.
    #[command(after_help = "Examples:\n  harrier bench-tui ~/cases/contoso\n  \
                            harrier bench-tui CASE --width 80 --height 24 --search 'op:MailItemsAccessed' --json")]
    BenchTui {
        /// An ingested case folder.
        case: PathBuf,
        /// Terminal columns of the off-screen terminal (20 to 1000).
        #[arg(long, default_value_t = 160, value_parser = clap::value_parser!(u16).range(20..=1000))]
        width: u16,
        /// Terminal rows of the off-screen terminal (8 to 1000).
        #[arg(long, default_value_t = 48, value_parser = clap::value_parser!(u16).range(8..=1000))]
        height: u16,
        /// What the tour searches for with `/` (then steps through with `n` / `N`).
        #[arg(long, default_value = "result:failure", value_name = "QUERY")]
        search: String,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Index every log file under CASE (idempotent: unchanged files are skipped).
    #[command(after_help = "Examples:\n  harrier ingest ~/cases/contoso\n  \
                            harrier ingest CASE --json | jq '.totals'\n  \
                            harrier ingest CASE --geoip GeoLite2-City.mmdb --geoip GeoLite2-ASN.mmdb\n  \
                            harrier ingest CASE --geoip dbip-country-ipv4.csv --geoip asn-ipv4.mmdb")]
    Ingest {
        /// The case folder.
        case: PathBuf,
        /// Print the ledger (every file and what became of its records) as JSON.
        #[arg(long)]
        json: bool,
        /// Throw the index away and read everything again.
        #[arg(long)]
        rebuild: bool,
        /// GeoIP database for IPs the logs do not locate: a MaxMind or ip-location-db .mmdb, or an ip-location-db
        /// .csv (repeatable; asked before case.toml's [enrich] geoip and the config folder's geoip/).
        #[arg(long, value_name = "FILE")]
        geoip: Vec<PathBuf>,
    },
    /// Run the analytics; alerts are also saved in the case state for the workbench.
    #[command(after_help = "Examples:\n  harrier detect ~/cases/contoso\n  \
                            harrier detect CASE --format json --min-severity high --fail-on critical\n  \
                            harrier detect CASE --sigma ~/sigma/rules/cloud")]
    Detect {
        /// The case folder (ingested first when needed).
        case: PathBuf,
        /// Output shape: table, json or jsonl.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Show only alerts at or above this severity (low, medium, high, critical).
        #[arg(long, value_name = "S", default_value = "low", value_parser = severity)]
        min_severity: harrier::model::Severity,
        /// Exit with code 3 when an alert at or above this severity is found.
        #[arg(long, value_name = "S", value_parser = severity)]
        fail_on: Option<harrier::model::Severity>,
        /// Run only this analytic (repeatable): AN0534 AN0959 AN1089 AN1350 AN1107.
        #[arg(long, value_name = "ID")]
        analytic: Vec<String>,
        /// Also run the Sigma rules in this folder or file (repeatable; added to case.toml's [sigma] rules and the
        /// config folder's sigma/).
        #[arg(long, value_name = "DIR")]
        sigma: Vec<PathBuf>,
    },
    /// Search events with the query language (`harrier help query`).
    #[command(after_help = "Examples:\n  harrier search CASE 'user:adele@contoso.com op:MailItemsAccessed'\n  \
                            harrier search CASE 'ua_class:scripting -kind:system' --from 2025-05-01 --format jsonl\n  \
                            harrier search CASE -- '-source:graph result:failure'")]
    Search {
        /// The case folder (ingested first when needed).
        case: PathBuf,
        /// The query: `field:value` terms and free words, all ANDed (see `harrier help query`). A query that starts
        /// with `-` goes after `--`.
        query: String,
        /// Only events at or after this time: 2025-05-02, '2025-05-02 14:00' (in --tz) or RFC 3339.
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// Only events at or before this time, in the same forms as --from.
        #[arg(long, value_name = "T")]
        to: Option<String>,
        /// Print at most N events (1 to 10,000,000; `export` has no limit).
        #[arg(long, default_value = "200", value_name = "N", value_parser = limit)]
        limit: usize,
        /// Output shape: table, json or jsonl.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Time-ordered events of one user, IP, session, token, mailbox or app.
    #[command(after_help = "Examples:\n  harrier timeline CASE --user adele@contoso.com --from 2025-05-02\n  \
                            harrier timeline CASE --ip 203.0.113.7 --format jsonl")]
    Timeline {
        /// The case folder (ingested first when needed).
        case: PathBuf,
        #[command(flatten)]
        pivot: PivotArgs,
        /// Only events at or after this time: 2025-05-02, '2025-05-02 14:00' (in --tz) or RFC 3339.
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// Only events at or before this time, in the same forms as --from.
        #[arg(long, value_name = "T")]
        to: Option<String>,
        /// Print at most N events (1 to 10,000,000; `export` has no limit).
        #[arg(long, default_value = "1000", value_name = "N", value_parser = limit)]
        limit: usize,
        /// Output shape: table, json or jsonl.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write the case report: summary, coverage, alerts by triage status, evidence, runbook progress, notes, ATT&CK.
    #[command(
        after_help = "Examples:\n  harrier report CASE > report.md\n  harrier report CASE --format html -o report.html"
    )]
    Report {
        /// The case folder.
        case: PathBuf,
        /// Report shape: md, html or json.
        #[arg(long, value_enum, default_value_t = ReportFormatArg::Md)]
        format: ReportFormatArg,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Export events (the whole case, one pivot or a query) for other tools, with no row limit.
    #[command(after_help = "Examples:\n  harrier export CASE --format csv --user adele@contoso.com -o adele.csv\n  \
                            harrier export CASE --format timesketch --query 'source:ual_exchange' > ual.jsonl")]
    Export {
        /// The case folder.
        case: PathBuf,
        /// Export shape: jsonl, csv or timesketch.
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
        /// Only events at or after this time: 2025-05-02, '2025-05-02 14:00' (in --tz) or RFC 3339.
        #[arg(long, value_name = "T")]
        from: Option<String>,
        /// Only events at or before this time, in the same forms as --from.
        #[arg(long, value_name = "T")]
        to: Option<String>,
    },
    /// Show alerts with their triage, or set the status of one alert or of every alert naming an entity.
    #[command(after_help = "Examples:\n  harrier triage CASE\n  \
                            harrier triage CASE AN0959-0001 --status tp --reason 'token replayed from VPS'\n  \
                            harrier triage CASE --entity user:svc-report@contoso.com --status bp --reason 'approved job'")]
    Triage {
        /// The case folder.
        case: PathBuf,
        /// The alert (id as `detect` prints it); without it, list every alert.
        alert: Option<String>,
        /// New status: new, investigating, true_positive (tp), false_positive (fp), benign_positive (bp).
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
    #[command(after_help = "Examples:\n  harrier runbook CASE AN1350-0001\n  \
                            harrier runbook CASE AN1350-0001 revoke-sessions --done --note 'revoked 14:02 UTC'")]
    Runbook {
        /// The case folder.
        case: PathBuf,
        /// The alert whose runbook to show.
        alert: String,
        /// Step id, as the checklist shows it.
        step: Option<String>,
        /// Mark the step done.
        #[arg(long, conflicts_with = "undone")]
        done: bool,
        /// Mark the step not done.
        #[arg(long)]
        undone: bool,
        /// Note on the step (an empty text clears it).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Show the case notes (Markdown), add a paragraph, or replace them from a file.
    #[command(after_help = "Examples:\n  harrier note CASE --add 'Legal hold requested for adele@contoso.com'\n  \
                            harrier note CASE --replace edited-notes.md")]
    Note {
        /// The case folder.
        case: PathBuf,
        /// Paragraph to append, headed with who and when.
        #[arg(long, value_name = "TEXT", conflicts_with = "replace")]
        add: Option<String>,
        /// Replace the notes with this file's text (`-` reads standard input).
        #[arg(long, value_name = "FILE")]
        replace: Option<PathBuf>,
    },
    /// List bookmarks, or bookmark an event and tag or comment it.
    #[command(after_help = "Examples:\n  harrier bookmark CASE\n  \
                            harrier bookmark CASE 5f1c…-id --tag exfil --comment 'first mail read from the VPS'")]
    Bookmark {
        /// The case folder.
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
    #[command(
        after_help = "Examples:\n  harrier suppress CASE AN0534-0002\n  harrier suppress CASE AN0534-0002 --apply"
    )]
    Suppress {
        /// The case folder.
        case: PathBuf,
        /// The alert to silence in future runs.
        alert: String,
        /// Write the change into case.toml (comments and order kept) instead of only showing it.
        #[arg(long)]
        apply: bool,
    },
    /// Tabletop exercises: run one over a case, answer, move the replay clock, write the debrief.
    #[command(subcommand)]
    Exercise(crate::exercising::ExerciseCommand),
    /// Detection rules: list harrier's own and the Sigma rules with their status, or try one Sigma rule on a case.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// The log of every change to the analyst state: who, when, what.
    #[command(
        after_help = "Examples:\n  harrier activity CASE\n  harrier activity CASE --json | jq -c 'select(.by==\"dana\")'"
    )]
    Activity {
        /// The case folder.
        case: PathBuf,
        /// Print as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Help on a subcommand, or on a topic: `query` (the search language).
    #[command(after_help = "Examples:\n  harrier help query\n  harrier help exercise clock")]
    Help {
        /// A subcommand (with its subcommand, for `exercise`) or a topic: query.
        topic: Vec<String>,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  harrier completions bash > ~/.local/share/bash-completion/completions/harrier\n  \
                            harrier completions zsh > ~/.zfunc/_harrier"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per subcommand into a folder.
    #[command(after_help = "Examples:\n  harrier manpage | man -l -\n  harrier manpage --dir ~/.local/share/man/man1")]
    Manpage {
        /// Write harrier.1 and a page per subcommand here instead of printing harrier.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Parses a severity name for `--min-severity` and `--fail-on`.
fn severity(s: &str) -> Result<harrier::model::Severity, String> {
    s.parse()
}

/// `harrier rules` subcommands.
#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// List harrier's detections and the Sigma rules (loaded, or skipped and why; with a case, the fields a rule
    /// reads that the case never fills).
    #[command(after_help = "Examples:\n  harrier rules list --sigma ~/sigma/rules/cloud\n  \
                            harrier rules list ~/cases/contoso --json | jq '.[] | select(.status==\"skipped\")'")]
    List {
        /// A case: its [sigma] rules are listed too, and each rule's fields are checked against its events.
        case: Option<PathBuf>,
        /// Sigma rules in this folder or file (repeatable).
        #[arg(long, value_name = "DIR")]
        sigma: Vec<PathBuf>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run one Sigma rule file over a case and print every match with the values the rule read.
    #[command(after_help = "Examples:\n  harrier rules test my_rule.yml ~/cases/contoso\n  \
                            harrier rules test my_rule.yml CASE --json")]
    Test {
        /// The Sigma rule file.
        rule: PathBuf,
        /// The case folder (ingested first when needed).
        case: PathBuf,
        /// Print the matches as JSON lines.
        #[arg(long)]
        json: bool,
    },
}
