//! The pre-push source: the commits a push sends that the remote does not have yet, as chunks
//! of the lines they add, read with libgit2.
//!
//! git hands the pre-push hook one line per ref update on standard input:
//! `<local ref> <local oid> <remote ref> <remote oid>`. The commits to scan are those reachable
//! from the pushed oids but not from what the remote is known to have: the remote's old oid for
//! that ref and every `refs/remotes/<remote>/*` tip, so that a new branch is compared with what
//! the remote already holds rather than with nothing. A deletion (local oid all zeros) sends
//! nothing. Each blob is scanned once, with the union of the lines the pushed commits add to it;
//! a merge contributes only the lines that are new relative to every parent.
//!
//! Reading only: this never writes to the repository.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use git2::{Commit, Oid, Repository, Sort};

use super::git::{added_files, diff_options, intersect, read_chunks, union, Added, Changes};
use super::{CommitInfo, Provenance};

/// One ref update from the pre-push hook's standard input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Update {
    /// The local ref pushed (`refs/heads/main`), or `(delete)`.
    pub local_ref: String,
    /// The commit pushed; `None` for a deletion.
    pub local: Option<Oid>,
    /// The ref updated on the remote.
    pub remote_ref: String,
    /// What the remote ref points at now; `None` when it does not exist yet.
    pub remote: Option<Oid>,
}

/// Parses the pre-push hook's standard input. Blank lines are ignored.
pub fn parse_updates(text: &str) -> Result<Vec<Update>> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = fields[..] else {
            bail!("unexpected pre-push input line {line:?} (expected 4 fields)");
        };
        out.push(Update {
            local_ref: local_ref.to_string(),
            local: oid_or_none(local)?,
            remote_ref: remote_ref.to_string(),
            remote: oid_or_none(remote)?,
        });
    }
    Ok(out)
}

fn oid_or_none(text: &str) -> Result<Option<Oid>> {
    let oid =
        Oid::from_str(text).with_context(|| format!("bad object id {text:?} in pre-push input"))?;
    Ok((!oid.is_zero()).then_some(oid))
}

/// The lines that the pushed commits add, one chunk per distinct blob.
pub fn read(remote: &str, updates: &[Update], max_file_size: u64) -> Result<Changes> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let mut walk = repo.revwalk().context("failed to start a revision walk")?;
    // Oldest first, so a blob is attributed to the commit that introduced it.
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut pushed_any = false;
    for u in updates {
        let Some(local) = u.local else { continue };
        let object = repo
            .find_object(local, None)
            .with_context(|| format!("pushed object {local} of {} not found", u.local_ref))?;
        // A tag of a tree or a blob carries no commits; an annotated tag of a commit does.
        let Ok(commit) = object.peel_to_commit() else {
            continue;
        };
        walk.push(commit.id())?;
        pushed_any = true;
        // The remote may hold commits we never fetched; then there is nothing to hide.
        if let Some(old) = u.remote.and_then(|o| repo.find_object(o, None).ok()) {
            if let Ok(old) = old.peel_to_commit() {
                walk.hide(old.id())?;
            }
        }
    }
    if !pushed_any {
        return Ok(Changes::default());
    }
    if git2::Reference::is_valid_name(&format!("refs/remotes/{remote}/HEAD")) {
        for r in repo
            .references_glob(&format!("refs/remotes/{remote}/*"))?
            .flatten()
        {
            if let Ok(commit) = r.peel_to_commit() {
                walk.hide(commit.id())?;
            }
        }
    }
    let ids = walk
        .collect::<Result<Vec<Oid>, _>>()
        .context("failed to walk the pushed commits")?;
    read_commits(&repo, &ids, max_file_size)
}

/// The lines that `commits` (oldest first) add, one chunk per distinct blob, each attributed
/// to the first commit that adds to it.
pub(super) fn read_commits(
    repo: &Repository,
    commits: &[Oid],
    max_file_size: u64,
) -> Result<Changes> {
    let mut order: Vec<Oid> = Vec::new();
    let mut blobs: HashMap<Oid, (Added, Arc<CommitInfo>)> = HashMap::new();
    for &id in commits {
        let commit = repo.find_commit(id)?;
        let info = Arc::new(commit_info(&commit));
        for file in commit_adds(repo, &commit)? {
            if let Some((seen, _)) = blobs.get_mut(&file.blob) {
                seen.lines = union(&seen.lines, &file.lines);
            } else {
                order.push(file.blob);
                blobs.insert(file.blob, (file, Arc::clone(&info)));
            }
        }
    }
    let mut infos = HashMap::new();
    let files: Vec<Added> = order
        .iter()
        .filter_map(|oid| blobs.remove(oid))
        .map(|(file, info)| {
            infos.insert(file.blob, info);
            file
        })
        .collect();
    read_chunks(repo, files, max_file_size, |f| {
        infos
            .get(&f.blob)
            .map_or(Provenance::Staged, |i| Provenance::Commit(Arc::clone(i)))
    })
}

/// The files one commit adds lines to. A merge adds only what is new relative to every parent.
fn commit_adds(repo: &Repository, commit: &Commit<'_>) -> Result<Vec<Added>> {
    let tree = commit.tree()?;
    let parents: Vec<_> = commit.parents().collect();
    if parents.is_empty() {
        let mut diff = repo.diff_tree_to_tree(None, Some(&tree), Some(&mut diff_options()))?;
        return added_files(&mut diff);
    }
    let mut common: Option<Vec<Added>> = None;
    for parent in parents {
        let mut diff = repo.diff_tree_to_tree(
            Some(&parent.tree()?),
            Some(&tree),
            Some(&mut diff_options()),
        )?;
        let files = added_files(&mut diff)?;
        common = Some(match common {
            None => files,
            Some(prev) => {
                let mut by_path: HashMap<String, Added> =
                    files.into_iter().map(|f| (f.path.clone(), f)).collect();
                prev.into_iter()
                    .filter_map(|mut f| {
                        let other = by_path.remove(&f.path)?;
                        f.lines = intersect(&f.lines, &other.lines);
                        (!f.lines.is_empty()).then_some(f)
                    })
                    .collect()
            }
        });
    }
    Ok(common.unwrap_or_default())
}

pub(super) fn commit_info(commit: &Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        id: commit.id().to_string(),
        author: format!(
            "{} <{}>",
            String::from_utf8_lossy(author.name_bytes()),
            String::from_utf8_lossy(author.email_bytes())
        ),
        date: iso8601(author.when()),
        summary: commit
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default(),
    }
}

/// A git timestamp as ISO 8601 with its UTC offset (`2024-05-01T12:00:00+02:00`).
fn iso8601(time: git2::Time) -> String {
    let offset = i64::from(time.offset_minutes());
    let local = time.seconds() + offset * 60;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_parse_and_zero_means_none() {
        let zero = "0".repeat(40);
        let a = "a".repeat(40);
        let text = format!(
            "refs/heads/main {a} refs/heads/main {zero}\n\n(delete) {zero} refs/heads/old {a}\n"
        );
        let u = parse_updates(&text).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].local, Some(Oid::from_str(&a).unwrap()));
        assert_eq!(u[0].remote, None);
        assert_eq!(u[1].local, None);
        assert!(parse_updates("refs/heads/main abc").is_err());
    }

    #[test]
    fn dates_are_iso8601_with_offset() {
        assert_eq!(iso8601(git2::Time::new(0, 0)), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            iso8601(git2::Time::new(1_714_564_800, 120)),
            "2024-05-01T14:00:00+02:00"
        );
        assert_eq!(
            iso8601(git2::Time::new(951_782_400, -330)),
            "2000-02-28T18:30:00-05:30"
        );
    }
}
