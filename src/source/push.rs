//! The pre-push source: the commits a push sends that the remote does not have yet, as chunks
//! of the lines they add, read with libgit2.
//!
//! git hands the pre-push hook one line per ref update on standard input:
//! `<local ref> <local oid> <remote ref> <remote oid>`. The commits to scan are those reachable
//! from the pushed oids but not from what the remote is known to have. Two things are trusted:
//! the remote oids git passes (git read them from the remote for this push, so they are fresh)
//! and the remote's default branch as last fetched (`refs/remotes/<remote>/HEAD`, else its
//! `main` or `master`), so that a new branch is compared with the remote's main line rather than
//! with nothing. Other remote-tracking refs are not trusted: one may name a branch the remote has
//! since deleted (after a leak, say), and a new branch built on it would push that content again
//! unscanned. Commits reachable only from such refs are scanned. A deletion (local oid all
//! zeros) sends nothing. Each blob is scanned once, with the union of the lines the pushed commits add to it;
//! a merge contributes only the lines that are new relative to every parent. Each pushed
//! commit's message is a chunk too, and a tag of a blob or a tree sends all of that content.
//!
//! Reading only: this never writes to the repository.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context as _, Result};
use git2::{Commit, ObjectType, Oid, Repository, Sort};

use super::git::ALL_LINES;
use super::git::{
    added_files, diff_options, intersect, read_chunks, union, Added, Changes, SameRules,
};
use super::{Chunk, CommitInfo, Provenance};

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

/// The lines that the pushed commits add, one chunk per distinct blob. A file renamed to a
/// path with other rules (see [`SameRules`]) is wholly new.
pub fn read(
    remote: &str,
    updates: &[Update],
    max_file_size: u64,
    same_rules: SameRules<'_>,
) -> Result<Changes> {
    let repo = Repository::open_from_env().context("not inside a git repository")?;
    let mut walk = repo.revwalk().context("failed to start a revision walk")?;
    // Oldest first, so a blob is attributed to the commit that introduced it.
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut pushed_any = false;
    let mut tagged: Vec<Added> = Vec::new();
    for u in updates {
        let Some(local) = u.local else { continue };
        let object = repo
            .find_object(local, None)
            .with_context(|| format!("pushed object {local} of {} not found", u.local_ref))?;
        // A tag of a tree or a blob carries no commits, but it sends that content.
        let Ok(commit) = object.peel_to_commit() else {
            tagged_content(&object, &u.local_ref, &mut tagged)?;
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
        return read_chunks(&repo, tagged, max_file_size, |_| Provenance::Staged);
    }
    if let Some(main_line) = default_branch(&repo, remote) {
        walk.hide(main_line)?;
    }
    let ids = walk
        .collect::<Result<Vec<Oid>, _>>()
        .context("failed to walk the pushed commits")?;
    read_commits(&repo, &ids, tagged, max_file_size, same_rules)
}

/// The commit of `remote`'s default branch as last fetched: what `refs/remotes/<remote>/HEAD`
/// names, else its `main` or `master`. `None` when the remote has none of these (or `remote`
/// is a URL rather than a configured remote's name).
fn default_branch(repo: &Repository, remote: &str) -> Option<Oid> {
    let name = |branch: &str| format!("refs/remotes/{remote}/{branch}");
    if !git2::Reference::is_valid_name(&name("HEAD")) {
        return None;
    }
    ["HEAD", "main", "master"].iter().find_map(|branch| {
        let commit = repo
            .find_reference(&name(branch))
            .ok()?
            .peel_to_commit()
            .ok()?;
        Some(commit.id())
    })
}

/// The lines that `commits` (oldest first) add, one chunk per distinct blob, each attributed
/// to the first commit that adds to it, then the `tagged` content and each commit's message.
pub(super) fn read_commits(
    repo: &Repository,
    commits: &[Oid],
    tagged: Vec<Added>,
    max_file_size: u64,
    same_rules: SameRules<'_>,
) -> Result<Changes> {
    let mut order: Vec<Oid> = Vec::new();
    let mut blobs: HashMap<Oid, (Added, Arc<CommitInfo>)> = HashMap::new();
    // People paste tokens into messages: each pushed commit's message is scanned too.
    let mut messages = Vec::new();
    for &id in commits {
        let commit = repo.find_commit(id)?;
        let info = Arc::new(commit_info(&commit));
        messages.push(Chunk::new(
            MESSAGE_PATH,
            commit.message_bytes().to_vec(),
            Provenance::Commit(Arc::clone(&info)),
        ));
        for file in commit_adds(repo, &commit, same_rules)? {
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
    let mut files = files;
    files.extend(tagged);
    let mut changes = read_chunks(repo, files, max_file_size, |f| {
        infos
            .get(&f.blob)
            .map_or(Provenance::Staged, |i| Provenance::Commit(Arc::clone(i)))
    })?;
    changes.chunks.extend(messages);
    Ok(changes)
}

/// The path shown for a finding in a pushed commit's message.
pub const MESSAGE_PATH: &str = "(commit message)";

/// The content a pushed tag of a blob or a tree sends, every line of it new: the blob, or
/// each blob of the tree (under its path in the tree).
fn tagged_content(object: &git2::Object<'_>, name: &str, out: &mut Vec<Added>) -> Result<()> {
    let target = if object.kind() == Some(ObjectType::Tag) {
        object.peel(ObjectType::Any)?
    } else {
        object.clone()
    };
    match target.kind() {
        Some(ObjectType::Blob) => out.push(Added {
            path: name.to_string(),
            blob: target.id(),
            lines: vec![ALL_LINES],
            content: None,
        }),
        Some(ObjectType::Tree) => {
            let tree = target.peel_to_tree()?;
            tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                if matches!(entry.filemode(), 0o100_644 | 0o100_755) {
                    out.push(Added {
                        path: format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                        blob: entry.id(),
                        lines: vec![ALL_LINES],
                        content: None,
                    });
                }
                git2::TreeWalkResult::Ok
            })
            .with_context(|| format!("failed to read the tree tagged {name}"))?;
        }
        _ => {}
    }
    Ok(())
}

/// The files one commit adds lines to. A merge adds only what is new relative to every parent.
fn commit_adds(
    repo: &Repository,
    commit: &Commit<'_>,
    same_rules: SameRules<'_>,
) -> Result<Vec<Added>> {
    let tree = commit.tree()?;
    let parents: Vec<_> = commit.parents().collect();
    if parents.is_empty() {
        let mut diff = repo.diff_tree_to_tree(None, Some(&tree), Some(&mut diff_options()))?;
        return added_files(&mut diff, same_rules);
    }
    let mut common: Option<Vec<Added>> = None;
    for parent in parents {
        let mut diff = repo.diff_tree_to_tree(
            Some(&parent.tree()?),
            Some(&tree),
            Some(&mut diff_options()),
        )?;
        let files = added_files(&mut diff, same_rules)?;
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
