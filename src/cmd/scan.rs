//! `pyguard scan [PATH...]`: scans files, directory trees (in parallel, honouring
//! `.gitignore`) and standard input, then the set of walked paths (committed environments,
//! bytecode), and reports what it finds.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, Result};

use crate::cli::{OutputArgs, ScanArgs};
use crate::config::Config;
use crate::filecheck;
use crate::matcher::Matcher;
use crate::pattern;
use crate::report::{self, Options, Report};
use crate::scanner::{Outcome, Scanner};
use crate::source::{fs, Chunk, Provenance};

/// Runs `pyguard scan`.
pub fn run(args: &ScanArgs) -> Result<u8> {
    let config = config_from(&args.output);
    let scanner = Scanner::new(Matcher::new(pattern::load_embedded()?)?);
    let started = Instant::now();
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let report = Mutex::new(Report::default());
    // Every path the walk meets, for the checks that judge the set (committed environments).
    let seen = Mutex::new(Vec::new());
    let record = |chunk: Chunk<'_>| {
        if chunk.provenance == Provenance::File {
            lock(&seen).push(chunk.path.clone());
        }
        let (outcome, errors) = scanner.scan(&chunk);
        let mut r = report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for e in errors {
            note_error(&mut r, format!("{e:#}"));
        }
        match outcome {
            Outcome::Binary => r.summary.skipped_binary += 1,
            Outcome::Scanned(found) => {
                r.summary.files_scanned += 1;
                r.summary.bytes_scanned += chunk.bytes.len() as u64;
                r.findings.extend(found);
            }
        }
    };
    let mut walk_roots = Vec::new();
    for root in &roots {
        if root.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => record(Chunk::new("<stdin>", bytes, Provenance::Stdin)),
                Err(e) => note_error(&mut lock(&report), format!("<stdin>: {e}")),
            }
        } else if let Err(e) = std::fs::symlink_metadata(root) {
            note_error(&mut lock(&report), format!("{}: {e}", root.display()));
        } else {
            walk_roots.push(root.clone());
        }
    }
    fs::walk(
        &walk_roots,
        &args.exclude,
        config.max_file_size,
        config.threads,
        |entry| match entry {
            fs::Entry::File { path, bytes } => record(Chunk::new(path, bytes, Provenance::File)),
            fs::Entry::TooLarge { path, size } => {
                lock(&seen).push(path.clone());
                lock(&report).summary.skipped_large.push((path, size));
            }
            fs::Entry::Error(msg) => note_error(&mut lock(&report), msg),
        },
    )
    .map_err(anyhow::Error::msg)?;
    let mut report = report
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let seen = seen
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let check = filecheck::check_paths(
        scanner.matcher().patterns(),
        seen.iter().map(String::as_str),
        &Provenance::File,
    );
    check.apply_to(&mut report.findings);
    report.summary.elapsed = started.elapsed();
    report.summary.skipped_large.sort();
    report.sort();
    emit(&report, scanner.matcher().patterns(), &args.output, &config)
}

/// Settings from the shared output flags.
#[must_use]
pub fn config_from(out: &OutputArgs) -> Config {
    let mut c = Config::default();
    if let Some(n) = out.max_file_size {
        c.max_file_size = n;
    }
    c.show_secrets = out.show_secrets;
    c.threads = out.threads.unwrap_or(0);
    c
}

/// Writes the report to stdout in the chosen format and returns the exit code. A closed pipe
/// (`pyguard scan | head`) is not an error.
pub fn emit(
    report: &Report,
    patterns: &[pattern::Pattern],
    out: &OutputArgs,
    config: &Config,
) -> Result<u8> {
    let opts = Options {
        show_secrets: config.show_secrets,
        quiet: out.quiet,
        verbose: out.verbose,
    };
    let mut stdout = anstream::stdout().lock();
    let written = report::write(out.format, &mut stdout, report, patterns, opts)
        .and_then(|()| stdout.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("failed to write the report")?,
    }
    Ok(report.exit_code())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records an error and prints it at once, one line, on stderr.
fn note_error(report: &mut Report, msg: String) {
    let line = crate::finding::escape_control(&msg).into_owned();
    let _ = writeln!(anstream::stderr(), "pyguard: error: {line}");
    report.summary.errors.push(msg);
}
