//! `harrier anonymize`: the command-line face of the anonymiser.

use super::{anonymize, Options};
use std::io::Write;
use std::path::PathBuf;

/// The largest `--shift-days` accepted either way: 100 years.
pub const MAX_SHIFT_DAYS: i64 = 36_500;

/// Arguments of `harrier anonymize`.
#[derive(Debug, Clone, clap::Args)]
pub struct AnonymizeArgs {
    /// The real case folder (read only; never written to).
    pub case: PathBuf,
    /// Folder for the anonymised case (created; must not exist or be empty).
    pub out: PathBuf,
    /// Move every date by N whole days (negative: back), at most 36500 (100 years) either way. Times of day stay;
    /// a multiple of 7 keeps weekdays, so working-hours and weekend findings stay the same. A date the shift would
    /// carry past year 9999 (or before year 0) stops the run before anything is written.
    #[arg(long, value_name = "N", default_value_t = 0, allow_hyphen_values = true,
          value_parser = clap::value_parser!(i64).range(-MAX_SHIFT_DAYS..=MAX_SHIFT_DAYS))]
    pub shift_days: i64,
    /// Seed for the stand-in names and addresses: the same case and seed give the same output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Also write the original → replacement table here (secret: keep it away from the shared case).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
}

/// Runs the command and prints the summary unless `quiet`.
pub fn run(args: &AnonymizeArgs, quiet: bool) -> anyhow::Result<()> {
    let opts = Options { shift_days: args.shift_days, seed: args.seed, mapping: args.mapping.clone() };
    let report = anonymize(&args.case, &args.out, &opts)?;
    for line in report.set_aside_lines() {
        eprintln!("harrier: {line}");
    }
    if !quiet {
        let mut out = std::io::stdout().lock();
        write!(out, "{}", report.summary())?;
        writeln!(out, "wrote {}", args.out.join("ANONYMIZED.md").display())?;
    }
    Ok(())
}
