//! `pyguard history [REPO]`: every commit of every ref (or a branch, a range, commits since a
//! date) through the pipeline (`pipeline::history`), then the report.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, Result};

use crate::cli::HistoryArgs;
use crate::pipeline::history;
use crate::report::{self, progress};
use crate::settings::{Flags, UseBaseline};
use crate::source::history::Selection;

/// Runs `pyguard history`.
pub fn run(args: &HistoryArgs, flags: &Flags) -> Result<u8> {
    super::bound_malloc_arenas();
    let started = Instant::now();
    let root = args.repo.clone().unwrap_or_else(|| PathBuf::from("."));
    let settings = super::load_settings(flags, &root)?;
    let pipeline = settings.pipeline(|_| true, &root, UseBaseline::Yes)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let selection = Selection {
        branch: args.branch.clone(),
        range: args.range.clone(),
        since,
    };
    let mut report = history::scan_history(
        &root,
        &selection,
        &pipeline,
        settings.limits(),
        progress::on_stderr(settings.quiet).as_ref(),
    )?;
    // A commit's summary and author are printed beside its findings: a secret in them is
    // redacted like the findings' own (unless secrets are to be shown).
    if !settings.config.show_secrets {
        crate::pipeline::finding::redact_commits(
            pipeline.scanner().matcher(),
            &mut report.findings,
        );
    }
    for e in &report.summary.errors {
        report::message::error(e);
    }
    report.summary.elapsed = started.elapsed();
    report::emit(
        &report,
        pipeline.patterns(),
        settings.format,
        settings.report_options(),
    )
    .map(|code| settings.exit_code(code))
}

/// Parses `--since`: any date git accepts (`2024-01-31`, RFC 2822, ISO 8601, `2 weeks ago`).
fn parse_since(text: &str) -> Result<i64> {
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .map(|t| t.seconds)
        .map_err(|_| anyhow!("invalid --since date {text:?}: expected a date such as 2024-01-31, 2024-01-31T12:00:00Z or \"2 weeks ago\""))
}
