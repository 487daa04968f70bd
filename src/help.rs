//! `--version`, `harrier help [TOPIC]`, shell completions and the man page, all from the one command definition.

use crate::args::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// The search language page (`harrier help query`).
const QUERY_HELP: &str = include_str!("../assets/help/query.txt");

/// `harrier --version`: the program and the index schema it reads and writes.
fn version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| format!("{} (index schema {})", env!("CARGO_PKG_VERSION"), harrier::case::STATE_SCHEMA))
}

/// The full command definition, with the version filled in.
pub fn command() -> clap::Command {
    Cli::command().version(version())
}

/// The names of the subcommands chosen on this command line (`["exercise", "clock"]`).
pub fn subcommand_path(matches: &clap::ArgMatches) -> Vec<String> {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_string());
        m = sub;
    }
    path
}

/// Prints help on a topic or a subcommand; an unknown one is a usage error.
pub fn show(topic: &[String]) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    if topic.len() == 1 && topic[0] == "query" {
        out.write_all(QUERY_HELP.as_bytes())?;
        return Ok(0);
    }
    let mut cmd = command();
    cmd.build();
    let mut current = &mut cmd;
    for t in topic {
        current = current.find_subcommand_mut(t).ok_or_else(|| {
            crate::usage::usage(format!(
                "no subcommand or help topic '{t}' (topics: query; subcommands: see `harrier --help`)"
            ))
        })?;
    }
    write!(out, "{}", current.render_long_help())?;
    Ok(0)
}

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command(), "harrier", &mut out);
    out.flush()?;
    Ok(0)
}

/// Prints the main man page, or writes every page into `dir`.
pub fn manpage(dir: Option<&Path>) -> Result<u8> {
    match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(command(), dir)
                .with_context(|| format!("writing man pages to {}", dir.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command()).render(&mut out)?;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::command;

    /// Walks every subcommand with its path.
    fn each(cmd: &clap::Command, path: String, f: &mut dyn FnMut(&str, &clap::Command)) {
        f(&path, cmd);
        for sub in cmd.get_subcommands() {
            each(sub, format!("{path} {}", sub.get_name()), f);
        }
    }

    #[test]
    fn every_option_is_explained_and_every_subcommand_has_examples() {
        let mut cmd = command();
        cmd.build();
        let mut problems = Vec::new();
        each(&cmd, "harrier".into(), &mut |path, c| {
            if c.has_subcommands() && c.get_name() != "harrier" {
                return;
            }
            let examples = c.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            if !examples.contains("Examples:\n  ") {
                problems.push(format!("{path}: no examples after the help"));
            }
            for a in c.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let text = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                if text.split_whitespace().count() < 3 {
                    problems.push(format!("{path} {id}: help '{text}' does not explain the option"));
                }
            }
        });
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn version_names_the_index_schema() {
        let v = command().render_version();
        assert!(v.contains(env!("CARGO_PKG_VERSION")) && v.contains("index schema"), "{v}");
    }
}
