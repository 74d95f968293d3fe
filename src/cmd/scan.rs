//! `pyguard scan [PATH...]`: files, directory trees (in parallel, honouring `.gitignore`) and
//! standard input through the pipeline, then the report. `--staged` is dispatched to the
//! commit gate (`cmd::hook`), so that both spellings are one code path.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use crate::cli::ScanArgs;
use crate::pipeline::{walk, Pipeline};
use crate::report::{self, message};
use crate::settings::{Flags, Settings, UseBaseline};

/// Runs `pyguard scan PATH...`.
pub fn run(args: &ScanArgs, flags: &Flags) -> Result<u8> {
    let started = Instant::now();
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = super::load_settings(flags, &roots[0])?;
    let pipeline = settings.pipeline(|_| true, &roots[0], UseBaseline::Yes)?;
    if settings.verbose {
        message::note(&format!(
            "configuration: {}; {} patterns; baseline: {}; loaded in {:.3}s",
            settings.config.file.as_deref().unwrap_or("none (defaults)"),
            pipeline.patterns().len(),
            pipeline.suppressor().baseline().map_or_else(
                || "none".to_string(),
                |b| format!("{} entries", b.entries.len())
            ),
            started.elapsed().as_secs_f64()
        ));
    }
    let mut report = walk::scan_paths(
        &roots,
        &pipeline,
        settings.config.max_file_size,
        settings.config.threads,
    );
    for e in &report.summary.errors {
        message::error(e);
    }
    // With extra --exclude globs, entries for the excluded files would look stale.
    if settings.exclude.is_empty() {
        report.summary.baseline_stale = stale_baseline(&pipeline, &roots, &settings);
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

/// Counts (and, unless `--quiet`, prints) baseline entries that matched nothing. Only a run
/// over the whole project can tell: a scan of one directory does not see the others, and a
/// scan of the work tree does not see what `baseline --history` recorded from history.
fn stale_baseline(pipeline: &Pipeline, roots: &[PathBuf], settings: &Settings) -> usize {
    let root = std::fs::canonicalize(&settings.config.root).ok();
    let whole = roots.iter().any(|r| {
        std::fs::canonicalize(r)
            .ok()
            .is_some_and(|r| Some(&r) == root.as_ref())
    });
    if !whole {
        return 0;
    }
    let stale: Vec<_> = pipeline
        .suppressor()
        .stale()
        .into_iter()
        .filter(|e| !e.from_history())
        .collect();
    if !stale.is_empty() && !settings.quiet {
        message::note(&format!(
            "{} baseline entr{} no longer match anything (e.g. {}:{} {}); `pyguard baseline --prune` drops them",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" },
            stale[0].path,
            stale[0].line,
            stale[0].pattern_id
        ));
    }
    stale.len()
}
