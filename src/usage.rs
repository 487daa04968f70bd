//! How the command line fails: usage errors (exit 2, with the usage line), a closed pipe (quiet exit 0), and
//! everything else (exit 1, with the cause chain).

use std::io::Write;

/// A command line that parsed but does not make sense: a time that is not a time, `--from` after `--to`, a
/// timeline with nothing to follow. Reported like clap's own errors, with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Wraps a message as a [`UsageError`].
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// Writes a line to standard output, returning the write error (a closed pipe among them) instead of panicking
/// as `println!` does.
#[macro_export]
macro_rules! outln {
    () => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock())?;
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?;
    }};
}

/// [`outln!`] without the line end.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?;
    }};
}

/// True when the error, or any cause of it, is a write to a reader that went away (`harrier search … | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(pipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if pipe(io)))
    })
}

/// The usage line of the subcommand at `path` (`["exercise", "clock"]`), as clap prints it.
pub fn usage_line(mut cmd: clap::Command, path: &[String]) -> String {
    cmd.build();
    let mut name = String::from("harrier");
    let mut current = &cmd;
    for p in path {
        match current.find_subcommand(p) {
            Some(sub) => {
                name.push(' ');
                name.push_str(p);
                current = sub;
            }
            None => break,
        }
    }
    let rendered = current.clone().render_usage().to_string();
    // The rendered usage names only the last command; put the whole path back.
    let last = path.last().map(String::as_str).unwrap_or("harrier");
    let rendered = rendered.replacen(&format!("Usage: {last}"), &format!("Usage: {name}"), 1);
    format!("{rendered}\n\nFor more information, try '{name} --help'.")
}

/// Prints a failed run's message and returns its exit code.
pub fn report(err: &anyhow::Error, cmd: clap::Command, path: &[String]) -> u8 {
    if is_broken_pipe(err) {
        return 0;
    }
    let mut stderr = std::io::stderr().lock();
    if let Some(u) = err.downcast_ref::<UsageError>() {
        let _ = writeln!(stderr, "error: {u}\n\n{}", usage_line(cmd, path));
        return 2;
    }
    let _ = writeln!(stderr, "harrier: {err:#}");
    1
}

/// After clap refused an unknown option: when an argument looks like an excluding query term (`-kind:system`),
/// say that a query starting with `-` goes after `--`.
pub fn hint_dash_query(args: impl Iterator<Item = String>) {
    let args: Vec<String> = args.collect();
    if let Some(term) = args.iter().find(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(':')) {
        let sub = args.iter().find(|a| !a.starts_with('-')).map(String::as_str).unwrap_or("search");
        eprintln!("  tip: a query that starts with '-' goes after '--': harrier {sub} CASE -- '{term}'");
    }
}
