//! What a git change adds, as chunks: the diff machinery shared by the staged gate
//! ([`super::staged`]) and the pre-push range ([`super::push`]), over libgit2.
//!
//! For each file a change adds lines to, it reads the new blob whole (so that multi-line
//! constructs such as private keys match) and records which of its lines are new; the finding
//! layer keeps only findings touching those lines. It skips what cannot hold a new secret in
//! text: deletions, pure renames, submodule entries (gitlinks), symlinks and Git LFS pointers.
//! It does not match anything and never writes to the repository.

use std::ops::RangeInclusive;

use anyhow::{Context as _, Result};
use git2::{Delta, Diff, DiffFindOptions, DiffOptions, FileMode, Oid, Patch, Repository};

use super::{Chunk, Provenance};

/// The first line of a Git LFS pointer file; its content is a hash, not the file.
const LFS_POINTER: &str = "version https://git-lfs.github.com/spec/v1";

/// git-lfs writes pointers smaller than this and reads nothing larger as one.
const LFS_MAX: usize = 1024;

/// Chunks read from git, and what was left out.
#[derive(Debug, Default)]
pub struct Changes {
    /// The repository's work tree, which the chunks' paths are relative to (`None` when bare).
    pub workdir: Option<std::path::PathBuf>,
    /// The files to scan, each with the lines the change adds.
    pub chunks: Vec<Chunk<'static>>,
    /// Files over the size limit: (path, size).
    pub too_large: Vec<(String, u64)>,
    /// Git LFS pointers, skipped.
    pub skipped_lfs: u64,
}

/// Whether two paths are scanned under the same rules (language, exclusion, the patterns and
/// extractors that apply): `(old, new)`. A file moved to a path with other rules is judged as
/// new content, since nothing that holds at the new path was ever checked there.
pub type SameRules<'a> = &'a (dyn Fn(&str, &str) -> bool + Sync);

/// Every line of a file, for a file judged as wholly new.
pub(crate) const ALL_LINES: std::ops::RangeInclusive<u32> = 1..=u32::MAX;

/// One file a change adds lines to.
#[derive(Clone, Debug)]
pub(crate) struct Added {
    /// Path in the new tree, `/`-separated.
    pub path: String,
    /// The new blob.
    pub blob: Oid,
    /// The added lines (1-based, in the new blob), sorted and disjoint.
    pub lines: Vec<RangeInclusive<u32>>,
    /// The new blob's content, when finding the added lines already read it.
    pub content: Option<Vec<u8>>,
}

/// Diff options for "which lines are new": no context, so every new-side line of a hunk is an
/// added line; text forced, so a `-diff` or `binary` attribute cannot hide a file from the scan
/// (binary content is still skipped by the scanner's own NUL test).
pub(crate) fn diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.context_lines(0)
        .interhunk_lines(0)
        .force_text(true)
        .ignore_submodules(true)
        .include_typechange(true);
    opts
}

/// The files `diff` adds lines to, with their added line ranges. Renames are detected first so
/// that a moved file contributes only the lines its move changed, unless the move changed
/// the rules its path is scanned under (`same_rules`): then all of it is new. Copies are not:
/// a copy is a new place for whatever its source holds.
pub(crate) fn added_files(diff: &mut Diff<'_>, same_rules: SameRules<'_>) -> Result<Vec<Added>> {
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .context("failed to detect renames")?;
    let mut out = Vec::new();
    for idx in 0..diff.deltas().len() {
        let Some(delta) = diff.get_delta(idx) else {
            continue;
        };
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        // Gitlinks (submodules) name a commit, symlinks a path: neither is content to scan.
        if !matches!(new.mode(), FileMode::Blob | FileMode::BlobExecutable) {
            continue;
        }
        let path = new.path_bytes().map_or_else(
            || "<unknown>".to_string(),
            |p| String::from_utf8_lossy(p).into_owned(),
        );
        let blob = new.id();
        if matches!(delta.status(), Delta::Renamed | Delta::Copied) {
            let old = delta
                .old_file()
                .path_bytes()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if !same_rules(&old, &path) {
                out.push(Added {
                    path,
                    blob,
                    lines: vec![ALL_LINES],
                    content: None,
                });
                continue;
            }
        }
        let Some(patch) =
            Patch::from_diff(diff, idx).with_context(|| format!("failed to diff {path}"))?
        else {
            continue;
        };
        let mut lines = Vec::with_capacity(patch.num_hunks());
        for h in 0..patch.num_hunks() {
            let (hunk, _) = patch
                .hunk(h)
                .with_context(|| format!("failed to read a hunk of {path}"))?;
            if hunk.new_lines() > 0 {
                lines.push(hunk.new_start()..=hunk.new_start() + hunk.new_lines() - 1);
            }
        }
        if !lines.is_empty() {
            out.push(Added {
                path,
                blob,
                lines,
                content: None,
            });
        }
    }
    Ok(out)
}

/// Reads each added file's blob into a chunk, skipping LFS pointers and files over
/// `max_file_size`.
pub(crate) fn read_chunks<F>(
    repo: &Repository,
    files: Vec<Added>,
    max_file_size: u64,
    provenance: F,
) -> Result<Changes>
where
    F: Fn(&Added) -> Provenance,
{
    let mut reader = ChunkReader::new(repo, max_file_size)?;
    let mut chunks = Vec::with_capacity(files.len());
    for file in files {
        let provenance = provenance(&file);
        chunks.extend(reader.read(file, provenance)?);
    }
    let mut changes = reader.finish();
    changes.chunks = chunks;
    Ok(changes)
}

/// Turns added files into chunks one at a time, recording in a [`Changes`] what it leaves out.
pub(crate) struct ChunkReader<'r> {
    repo: &'r Repository,
    odb: git2::Odb<'r>,
    max_file_size: u64,
    changes: Changes,
}

impl<'r> ChunkReader<'r> {
    /// A reader for `repo`'s blobs.
    pub(crate) fn new(repo: &'r Repository, max_file_size: u64) -> Result<Self> {
        Ok(ChunkReader {
            repo,
            odb: repo.odb().context("failed to open the object database")?,
            max_file_size,
            changes: Changes {
                workdir: repo.workdir().map(std::path::Path::to_path_buf),
                ..Changes::default()
            },
        })
    }

    /// The work tree the chunks' paths are relative to (`None` when bare).
    pub(crate) fn workdir(&self) -> Option<&std::path::Path> {
        self.changes.workdir.as_deref()
    }

    /// The chunk of one added file; `None` when it is left out (too large, an LFS pointer).
    pub(crate) fn read(
        &mut self,
        mut file: Added,
        provenance: Provenance,
    ) -> Result<Option<Chunk<'static>>> {
        let bytes = if let Some(bytes) = file.content.take() {
            bytes
        } else {
            let (size, _) = self
                .odb
                .read_header(file.blob)
                .with_context(|| format!("failed to read the blob of {}", file.path))?;
            if size as u64 > self.max_file_size {
                self.changes.too_large.push((file.path, size as u64));
                return Ok(None);
            }
            self.repo
                .find_blob(file.blob)
                .with_context(|| format!("failed to read the blob of {}", file.path))?
                .content()
                .to_vec()
        };
        if bytes.len() as u64 > self.max_file_size {
            self.changes.too_large.push((file.path, bytes.len() as u64));
            return Ok(None);
        }
        if is_lfs_pointer(&bytes) {
            self.changes.skipped_lfs += 1;
            return Ok(None);
        }
        let mut chunk = Chunk::new(file.path, bytes, provenance);
        chunk.added_lines = Some(file.lines);
        Ok(Some(chunk))
    }

    /// What was left out, and the work tree (no chunks: the caller has them).
    pub(crate) fn finish(self) -> Changes {
        self.changes
    }
}

/// Whether `bytes` is a whole Git LFS pointer: under 1024 bytes, the version line, then only
/// `oid sha256:<hex>` and `size <n>` lines. A pointer with `ext-` lines is not trusted
/// (<https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md>). Checking every line, not just
/// the first, matters: a pointer holds nothing worth scanning, so anything that only starts
/// like one would otherwise hide whatever follows.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    let is_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let Some(text) = (bytes.len() < LFS_MAX)
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
    else {
        return false;
    };
    let Some(rest) = text
        .strip_prefix(LFS_POINTER)
        .and_then(|r| r.strip_prefix('\n'))
    else {
        return false;
    };
    let (mut oid, mut size) = (false, false);
    for line in rest.strip_suffix('\n').unwrap_or(rest).split('\n') {
        let Some((key, value)) = line.split_once(' ') else {
            return false;
        };
        let ok = match key {
            "oid" => {
                oid = value.strip_prefix("sha256:").is_some_and(|h| is_hex(h, 64));
                oid
            }
            "size" => {
                size = token(value) && value.bytes().all(|b| b.is_ascii_digit());
                size
            }
            // `ext-<n>-<name> <method>:<hash>` lines are free text as far as the scan can
            // tell: a pointer with one is scanned like any file (it is small).
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    oid && size
}

/// The lines in both `a` and `b` (each sorted and disjoint).
pub(crate) fn intersect(
    a: &[RangeInclusive<u32>],
    b: &[RangeInclusive<u32>],
) -> Vec<RangeInclusive<u32>> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = *a[i].start().max(b[j].start());
        let end = *a[i].end().min(b[j].end());
        if start <= end {
            out.push(start..=end);
        }
        if a[i].end() < b[j].end() {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The lines in `a` or `b`, sorted and merged.
pub(crate) fn union(
    a: &[RangeInclusive<u32>],
    b: &[RangeInclusive<u32>],
) -> Vec<RangeInclusive<u32>> {
    let mut all: Vec<_> = a.iter().chain(b).cloned().collect();
    all.sort_by_key(|r| *r.start());
    let mut out: Vec<RangeInclusive<u32>> = Vec::with_capacity(all.len());
    for r in all {
        match out.last_mut() {
            Some(last) if *r.start() <= last.end().saturating_add(1) => {
                if r.end() > last.end() {
                    *last = *last.start()..=*r.end();
                }
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{intersect, is_lfs_pointer, union};

    #[test]
    fn only_a_whole_lfs_pointer_is_one() {
        let oid = "0123456789abcdef".repeat(4);
        let pointer =
            format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 12345\n");
        assert!(is_lfs_pointer(pointer.as_bytes()));
        // An extension line's value is not checked by anything: scanned, not trusted.
        let with_ext = pointer.replace("oid", &format!("ext-0-foo sha256:{oid}\noid"));
        assert!(!is_lfs_pointer(with_ext.as_bytes()));
        assert!(is_lfs_pointer(pointer.trim_end().as_bytes()));
        for not in [
            format!("{pointer}password = \"x\"\n"),
            format!("{pointer}\n"),
            pointer.replace("size 12345", "size 12a"),
            pointer.replace(&oid, &oid[1..]),
            pointer.replace("\nsize 12345", ""),
            format!("{pointer}{}", "ext-1-a b:c\n".repeat(100)),
            "version https://git-lfs.github.com/spec/v1\n".to_string(),
        ] {
            assert!(!is_lfs_pointer(not.as_bytes()), "{not:?}");
        }
    }

    #[test]
    fn intersection_keeps_only_common_lines() {
        assert_eq!(
            intersect(&[1..=5, 10..=12], &[4..=11]),
            vec![4..=5, 10..=11]
        );
        assert_eq!(intersect(&[1..=3], &[4..=6]), vec![]);
        assert_eq!(intersect(&[1..=9], &[2..=2, 5..=6]), vec![2..=2, 5..=6]);
    }

    #[test]
    fn union_merges_touching_and_overlapping_ranges() {
        assert_eq!(
            union(&[1..=3, 10..=12], &[4..=5, 11..=20]),
            vec![1..=5, 10..=20]
        );
        assert_eq!(union(&[], &[7..=7]), vec![7..=7]);
    }
}
