//! Walks files and directories on disk (honouring `.gitignore`), in parallel, and reads them
//! into chunks. Unreadable entries are reported and the walk goes on.

use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

/// What happened to one path during a walk.
pub enum Entry {
    /// A regular file whose content was read.
    File {
        /// Path as displayed.
        path: String,
        /// Content.
        bytes: Vec<u8>,
    },
    /// A file skipped because it is larger than the size limit.
    TooLarge {
        /// Path as displayed.
        path: String,
        /// Its size in bytes.
        size: u64,
    },
    /// Something that could not be read (permission, symlink loop, I/O error).
    Error(String),
}

/// Walks every root in parallel, calling `visit` for each file (from several threads).
/// Directories honour `.gitignore`, `.ignore` and git's exclude files, include hidden files
/// (`.env` matters), and never descend into `.git`.
/// `exclude` holds gitignore-style globs, matched relative to the first root.
pub fn walk<F>(
    roots: &[PathBuf],
    exclude: &[String],
    max_file_size: u64,
    threads: usize,
    visit: F,
) -> Result<(), String>
where
    F: Fn(Entry) + Sync,
{
    let Some(first) = roots.first() else {
        return Ok(());
    };
    let mut globs = ignore::gitignore::GitignoreBuilder::new(first);
    for g in exclude {
        globs
            .add_line(None, g)
            .map_err(|e| format!("bad --exclude glob {g:?}: {e}"))?;
    }
    let globs = globs
        .build()
        .map_err(|e| format!("bad --exclude globs: {e}"))?;
    let keep = move |path: &Path, is_dir: bool| {
        globs.is_empty() || !globs.matched_path_or_any_parents(path, is_dir).is_ignore()
    };
    walk_with(roots, keep, max_file_size, threads, visit);
    Ok(())
}

/// Like [`walk`], with the caller deciding which paths to keep: `keep(path, is_dir)` is asked
/// for every entry below the roots; a directory it rejects is not entered.
pub fn walk_with<K, F>(roots: &[PathBuf], keep: K, max_file_size: u64, threads: usize, visit: F)
where
    K: Fn(&Path, bool) -> bool + Send + Sync + 'static,
    F: Fn(Entry) + Sync,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder.filter_entry(move |e| {
        e.file_name() != ".git" && keep(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
    });
    builder
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads);
    builder.build_parallel().run(|| {
        let visit = &visit;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let Some(ft) = entry.file_type() else {
                        return WalkState::Continue;
                    };
                    if ft.is_file() {
                        visit(read(entry.path(), max_file_size));
                    }
                }
                Err(err) => visit(Entry::Error(err.to_string())),
            }
            WalkState::Continue
        })
    });
}

/// Reads one file, unless it is over `max_file_size`.
pub fn read(path: &Path, max_file_size: u64) -> Entry {
    let shown = display(path);
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > max_file_size => {
            return Entry::TooLarge {
                path: shown,
                size: meta.len(),
            };
        }
        Ok(_) => {}
        Err(e) => return Entry::Error(format!("{shown}: {e}")),
    }
    match std::fs::read(path) {
        Ok(bytes) => Entry::File { path: shown, bytes },
        Err(e) => Entry::Error(format!("{shown}: {e}")),
    }
}

/// Reads standard input, unless it holds more than `max_file_size` bytes: it is read at most
/// one byte past the limit (`yes | pyguard scan -` must not grow until memory runs out).
pub fn read_stdin(max_file_size: u64) -> Entry {
    read_limited(std::io::stdin().lock(), "<stdin>", max_file_size)
}

/// Reads `input` as the file `name`, at most one byte past `max_file_size`; over the limit it
/// is too large (its size then is what was read).
fn read_limited(input: impl Read, name: &str, max_file_size: u64) -> Entry {
    let mut bytes = Vec::new();
    match input
        .take(max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        Ok(n) if n as u64 > max_file_size => Entry::TooLarge {
            path: name.to_string(),
            size: n as u64,
        },
        Ok(_) => Entry::File {
            path: name.to_string(),
            bytes,
        },
        Err(e) => Entry::Error(format!("{name}: {e}")),
    }
}

/// A path as shown in findings: without a leading `./`, with `/` separators.
#[must_use]
pub fn display(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    s.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_over_the_size_limit_is_not_read_whole() {
        // `yes | pyguard scan -` read standard input until memory ran out: it is read at most
        // one byte past --max-file-size, then reported as too large.
        let endless = std::io::repeat(b'y');
        match read_limited(endless, "<stdin>", 1000) {
            Entry::TooLarge { path, size } => assert_eq!((path.as_str(), size), ("<stdin>", 1001)),
            _ => panic!("endless input was not too large"),
        }
        match read_limited(&b"short"[..], "<stdin>", 1000) {
            Entry::File { bytes, .. } => assert_eq!(bytes, b"short"),
            _ => panic!("short input was not read"),
        }
    }
}
