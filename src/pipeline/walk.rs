//! Files, directory trees (in parallel, honouring `.gitignore` and the path filter) and
//! standard input through the pipeline: the content units of `pyguard scan` and
//! `pyguard baseline`.

use std::io::Read as _;
use std::path::PathBuf;
use std::sync::Mutex;

use super::summary::Report;
use super::{Pipeline, Seen};
use crate::source::{fs, Chunk, Provenance};

/// Scans `roots` (files, directories, `-` for standard input) through the pipeline. Errors
/// are collected in the summary (the caller prints them); the report is sorted, its elapsed
/// time left to the caller.
pub fn scan_paths(
    roots: &[PathBuf],
    pipeline: &Pipeline,
    max_file_size: u64,
    threads: usize,
) -> Report {
    let state = Mutex::new((Report::default(), Seen::default()));
    let fail = |msg: String| {
        lock(&state).0.summary.errors.push(msg);
    };
    let record = |chunk: Chunk<'_>| {
        let unit = pipeline.scan(&chunk);
        let mut s = lock(&state);
        let (report, seen) = &mut *s;
        if chunk.provenance == Provenance::File {
            seen.paths.push((chunk.path.clone(), Provenance::File));
        }
        Pipeline::add(report, seen, unit);
    };
    let mut walk_roots = Vec::new();
    for root in roots {
        if root.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => record(Chunk::new("<stdin>", bytes, Provenance::Stdin)),
                Err(e) => fail(format!("<stdin>: {e}")),
            }
        } else if let Err(e) = std::fs::symlink_metadata(root) {
            fail(format!("{}: {}", root.display(), io_reason(&e)));
        } else {
            walk_roots.push(root.clone());
        }
    }
    if !walk_roots.is_empty() {
        // The walker keeps its filter for as long as its threads run.
        let filter = pipeline.filter().clone();
        fs::walk_with(
            &walk_roots,
            move |path, is_dir| filter.keep(path, is_dir),
            max_file_size,
            threads,
            |entry| match entry {
                fs::Entry::File { path, bytes } => {
                    record(Chunk::new(path, bytes, Provenance::File));
                }
                fs::Entry::TooLarge { path, size } => {
                    let mut s = lock(&state);
                    s.1.paths.push((path.clone(), Provenance::File));
                    s.0.summary.skipped_large.push((path, size));
                }
                fs::Entry::Error(msg) => fail(msg),
            },
        );
    }
    let (mut report, seen) = state
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pipeline.finish(&mut report, &seen);
    report
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// An I/O error in plain words, without the OS error number.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}
