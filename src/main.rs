//! The `harrier` command: parses the command line, runs the subcommand, maps the outcome to an exit code.

mod args;
mod casework;
mod commands;
mod exercising;
mod help;
mod prepare;
mod reporting;
mod rulework;
mod usage;

/// Ingest and detection allocate many short-lived values across threads; mimalloc handles that far better than
/// the platform allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use args::{Cli, Command, ExportFormatArg, Format, ReportFormatArg, RulesCommand};
use clap::FromArgMatches;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = match help::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            if e.kind() == clap::error::ErrorKind::UnknownArgument {
                usage::hint_dash_query(std::env::args().skip(1));
            }
            return ExitCode::from(code);
        }
    };
    let path = help::subcommand_path(&matches);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    let filter = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        _ => "debug",
    };
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let env = harrier::runenv::RunEnv::from_process(cli.tz.clone());
    match commands::run(cli, &env) {
        Ok(code) => ExitCode::from(code),
        Err(e) => ExitCode::from(usage::report(&e, help::command(), &path)),
    }
}
