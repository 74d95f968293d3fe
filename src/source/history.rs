//! Reads a repository's history for `pyguard history`: which commits to scan, every unique
//! blob their trees hold (with each path it appears at and the commit that introduced it
//! there), and the blobs' content, decoded once each.
//!
//! It uses `gix` (pure-Rust git), not libgit2, because gix can traverse a pack in pack order:
//! each delta base is decoded once and its deltas applied from it, in parallel, which is an
//! order of magnitude faster than looking blobs up one by one. Objects outside packs (loose
//! objects, alternates, or a pack whose traversal failed) are then looked up one at a time.
//!
//! This module knows nothing of patterns or reports: it hands out bytes and places.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context as _, Result};
use gix::hash::ObjectId;
use gix::objs::tree::EntryKind;
use gix::objs::Find as _;
use gix::odb::pack;
use gix::prelude::Header as _;
use rayon::prelude::*;

use super::lines::{LineLedger, Session};
use super::CommitInfo;

/// Bytes of decoded delta bases each tree-walking thread keeps.
const WALK_PACK_CACHE: usize = 4 << 20;

/// Use pack-order traversal of a pack only when the blobs still needed are at least this
/// fraction of its objects; a narrow range in a big pack is cheaper to look up one by one.
const TRAVERSE_MIN_FRACTION: usize = 20;

/// Which commits to scan.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only this ref (a branch, tag or remote-tracking branch) and its ancestors.
    pub branch: Option<String>,
    /// Only the commits of this revision range (`A..B`), or of one revision and its ancestors.
    pub range: Option<String>,
    /// Only commits whose committer date is at or after this time (seconds since the epoch).
    pub since: Option<i64>,
}

/// Where a blob appears: a path, and the commit that introduced the blob at that path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index into [`Plan::path`].
    pub path: u32,
    /// Index into the plan's commits, in topological order (parents first).
    pub commit: u32,
}

/// The commits selected and every unique blob their trees introduce.
pub struct Plan {
    repo: gix::ThreadSafeRepository,
    /// Commit ids in topological order, parents first (ties broken by committer date).
    commits: Vec<ObjectId>,
    paths: Vec<Vec<u8>>,
    blobs: Vec<ObjectId>,
    /// Per blob, where it appears (first the earliest place found).
    places: Vec<Vec<Place>>,
    /// Objects that could not be read while walking (missing or corrupt), one line each.
    pub errors: Vec<String>,
    /// The lines seen at each path, and the earliest commit holding each.
    lines: LineLedger,
    /// (path, commit) -> blob, built on first use by [`Plan::blob_at`].
    introduced: OnceLock<HashMap<(u32, u32), u32>>,
}

/// What reading one blob produced, handed to the visitor of [`Plan::read_blobs`].
pub enum Blob<'a> {
    /// The blob's content.
    Content {
        /// Blob index (see [`Plan::places`]).
        index: u32,
        /// Content.
        bytes: &'a [u8],
    },
    /// Skipped: larger than the size limit.
    TooLarge {
        /// Blob index.
        index: u32,
        /// Size in bytes.
        size: u64,
    },
    /// Skipped: a Git LFS pointer (the content is stored outside the repository).
    LfsPointer {
        /// Blob index.
        index: u32,
    },
    /// The blob could not be read (missing or corrupt object).
    Error {
        /// Blob index.
        index: u32,
        /// What went wrong, one line.
        message: String,
    },
}

/// Opens the repository at or above `path` (a work tree, a `.git` directory or a bare
/// repository).
pub fn open(path: &Path) -> Result<gix::ThreadSafeRepository> {
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    let repo = gix::ThreadSafeRepository::discover(path).map_err(|e| {
        anyhow!(
            "{}: not a git repository ({})",
            path.display(),
            one_line(&e)
        )
    })?;
    Ok(repo)
}

/// Selects the commits, orders them and walks their trees, collecting every unique blob with
/// the paths it appears at and the commits that introduced it there.
/// The trees are walked on `threads` threads (0: one per core).
pub fn plan(
    repo: gix::ThreadSafeRepository,
    selection: &Selection,
    threads: usize,
) -> Result<Plan> {
    let local = repo.to_thread_local();
    let mut errors = Vec::new();
    let (tips, hidden) = tips(&local, selection)?;
    let graph = walk_commits(&local, &tips, &hidden, selection.since, &mut errors);
    let order = topological(&graph);
    let mut plan = Plan {
        commits: order.iter().map(|&i| graph.ids[i]).collect(),
        repo,
        paths: Vec::new(),
        blobs: Vec::new(),
        places: Vec::new(),
        errors,
        lines: LineLedger::new(),
        introduced: OnceLock::new(),
    };
    // The trees are walked in parallel, each thread over a run of consecutive commits; a
    // run's first commit is walked whole, and the runs are merged in commit order, keeping
    // each (blob, path) pair where it first appears: the places found are the ones a single
    // walk over every commit in order finds, whatever the number of threads.
    let runs = walk_runs(order.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start the threads that walk the trees")?;
    let parts: Vec<WalkPart> = pool.install(|| {
        let (repo, graph, order) = (&plan.repo, &graph, &order);
        runs.into_par_iter()
            .map(|run| {
                let mut local = repo.to_thread_local();
                // Trees are deltas of the same directory's other versions: a cache of
                // decoded delta bases, looked up by hash (gix's default is a 64-entry list
                // searched in order, 4% of the run's CPU), saves inflating their chains.
                local.objects.set_pack_cache(|| {
                    Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                        WALK_PACK_CACHE,
                    ))
                });
                let mut walker = TreeWalker::new(&local);
                // Blobs that a boundary commit (an excluded parent of a selected commit)
                // already holds were not introduced by the selection: mark them seen first.
                for &b in &graph.boundary {
                    if let Some(tree) = walker.commit_tree(b) {
                        walker.walk(tree, None);
                    }
                }
                for rank in run {
                    walker.walk(graph.trees[order[rank]], Some(rank as u32));
                }
                walker.part
            })
            .collect()
    });
    let merged = merge(parts);
    plan.paths = merged.paths;
    plan.blobs = merged.blobs;
    plan.places = merged.places;
    plan.errors.extend(merged.errors);
    drop(local);
    plan.repo = reopen(plan.repo);
    Ok(plan)
}

/// A fresh handle on the same repository. The walk mapped the packs to read commits and
/// trees; reading the blobs maps each pack again to traverse it, and both mappings would
/// stay resident (a whole second copy of the pack) while the first handle lives. Keeps
/// `old` if the repository cannot be opened again.
fn reopen(old: gix::ThreadSafeRepository) -> gix::ThreadSafeRepository {
    let options = old.to_thread_local().open_options().clone();
    gix::ThreadSafeRepository::open_opts(old.git_dir(), options).unwrap_or(old)
}

impl Plan {
    /// Number of commits selected.
    pub fn commit_count(&self) -> usize {
        self.commits.len()
    }

    /// Number of unique blobs found.
    pub fn blob_count(&self) -> usize {
        self.blobs.len()
    }

    /// A path by index, as text (git paths are bytes; invalid UTF-8 is replaced).
    pub fn path(&self, index: u32) -> String {
        String::from_utf8_lossy(&self.paths[index as usize]).into_owned()
    }

    /// Number of distinct paths.
    pub fn path_count(&self) -> usize {
        self.paths.len()
    }

    /// Where blob `index` appears, earliest first.
    pub fn places(&self, index: u32) -> &[Place] {
        &self.places[index as usize]
    }

    /// A reading thread's way into the plan's line ledger (see `source::lines`): one per
    /// thread of [`Plan::read_blobs`], dropped before attribution.
    pub fn lines_session(&self) -> Session<'_> {
        self.lines.session()
    }

    /// Records the lines of blob `index` (content `bytes`) at path `path` and returns those
    /// that no blob read before added there (see `source::lines`): the lines to scan.
    pub fn added_lines(
        &self,
        session: &mut Session<'_>,
        index: u32,
        path: u32,
        bytes: &[u8],
    ) -> Vec<RangeInclusive<u32>> {
        let rank = self.places[index as usize]
            .iter()
            .filter(|p| p.path == path)
            .map(|p| p.commit)
            .min()
            .unwrap_or(u32::MAX - 1);
        session.claim(path, rank, bytes)
    }

    /// The earliest commit (a rank) whose blob at `path` holds these consecutive `lines`
    /// right after `prev` (`None`: at the start), once every blob has been read.
    pub fn lines_introduced(&self, path: u32, prev: Option<&[u8]>, lines: &[&[u8]]) -> Option<u32> {
        self.lines.first_rank(path, prev, lines)
    }

    /// The blob that commit `commit` (a rank) introduced at `path`.
    pub fn blob_at(&self, path: u32, commit: u32) -> Option<u32> {
        self.introduced
            .get_or_init(|| {
                let mut map = HashMap::new();
                for (blob, places) in self.places.iter().enumerate() {
                    for p in places {
                        map.insert((p.path, p.commit), blob as u32);
                    }
                }
                map
            })
            .get(&(path, commit))
            .copied()
    }

    /// The content of blob `index`.
    pub fn read_blob(&self, index: u32) -> Result<Vec<u8>> {
        let repo = self.repo.to_thread_local();
        let mut buf = Vec::new();
        match read_one(&repo, self.blobs[index as usize], u64::MAX, &mut buf) {
            Ok(_) => Ok(buf),
            Err(message) => Err(anyhow!(message)),
        }
    }

    /// The id of blob `index`, in hex.
    pub fn blob_id(&self, index: u32) -> String {
        self.blobs[index as usize].to_string()
    }

    /// The id of commit `index` (a rank in topological order), in hex.
    pub fn commit_id(&self, index: u32) -> String {
        self.commits[index as usize].to_string()
    }

    /// Who made commit `index` (a rank in topological order), when, and why.
    pub fn commit_info(&self, index: u32) -> Result<CommitInfo> {
        let repo = self.repo.to_thread_local();
        let id = self.commits[index as usize];
        let commit = repo
            .find_commit(id)
            .with_context(|| format!("failed to read commit {id}"))?;
        let author = commit
            .author()
            .with_context(|| format!("commit {id} has a malformed author"))?;
        let date = author.time().map_or_else(
            |_| String::from("unknown"),
            |t| t.format_or_unix(gix::date::time::format::ISO8601_STRICT),
        );
        let summary = commit
            .message()
            .map(|m| m.summary().to_string())
            .unwrap_or_default();
        Ok(CommitInfo {
            id: id.to_string(),
            author: format!("{} <{}>", author.name, author.email),
            date,
            summary,
        })
    }

    /// Reads every blob once and hands it to `visit`, from several threads: first by
    /// traversing packs in pack order, then the rest (loose objects, other stores) one by
    /// one. Blobs larger than `max_size` are not decoded when their size is known up front.
    /// Each reading thread has its own state, made by `init` on first use and dropped when
    /// the thread is done, before this returns.
    pub fn read_blobs<S, I, F>(&self, threads: usize, max_size: u64, init: I, visit: F)
    where
        S: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, Blob<'_>) + Sync,
    {
        let index: HashMap<ObjectId, u32> = self
            .blobs
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as u32))
            .collect();
        let claimed: Vec<AtomicBool> = (0..self.blobs.len())
            .map(|_| AtomicBool::new(false))
            .collect();
        let deliver = |state: &mut S, i: u32, bytes: &[u8]| {
            if bytes.len() as u64 > max_size {
                visit(
                    state,
                    Blob::TooLarge {
                        index: i,
                        size: bytes.len() as u64,
                    },
                );
            } else if super::git::is_lfs_pointer(bytes) {
                visit(state, Blob::LfsPointer { index: i });
            } else {
                visit(state, Blob::Content { index: i, bytes });
            }
        };
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        } else {
            threads
        };
        for idx in self.pack_indices() {
            let remaining = claimed
                .iter()
                .filter(|c| !c.load(Ordering::Relaxed))
                .count();
            if remaining == 0 {
                break;
            }
            let Ok(bundle) = pack::Bundle::at(&idx, self.repo.objects.object_hash()) else {
                continue; // the one-by-one pass reports what this pack was needed for
            };
            if remaining * TRAVERSE_MIN_FRACTION < bundle.index.num_objects() as usize {
                continue;
            }
            let interrupt = AtomicBool::new(false);
            // gix clones the processor for each of its threads: each clone starts its own state.
            let mut local = PerThread::new(&init);
            let (index, claimed, deliver) = (&index, &claimed, &deliver);
            let processor = move |kind: gix::objs::Kind,
                                  data: &[u8],
                                  entry: &pack::index::Entry,
                                  _: &dyn gix::progress::Progress|
                  -> Result<(), gix::Error> {
                if kind == gix::objs::Kind::Blob {
                    if let Some(&i) = index.get(&entry.oid) {
                        if !claimed[i as usize].swap(true, Ordering::AcqRel) {
                            deliver(local.get(), i, data);
                        }
                    }
                }
                Ok(())
            };
            // A failed traversal (a corrupt pack) leaves its blobs unclaimed; the one-by-one
            // pass below then reports exactly which objects are unreadable.
            let _ = bundle.index.traverse_with_index(
                &bundle.pack,
                processor,
                &mut gix::progress::Discard,
                &interrupt,
                pack::index::traverse::with_index::Options {
                    check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerificationAndNoAbortOnDecodeError,
                    thread_limit: Some(threads),
                    alloc_limit_bytes: None,
                },
            );
        }
        let rest: Vec<u32> = (0..self.blobs.len() as u32)
            .filter(|&i| !claimed[i as usize].load(Ordering::Relaxed))
            .collect();
        if rest.is_empty() {
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads.min(rest.len()) {
                s.spawn(|| {
                    let repo = self.repo.to_thread_local();
                    let mut state = init();
                    let mut buf = Vec::new();
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = rest.get(n) else { break };
                        let id = self.blobs[i as usize];
                        match read_one(&repo, id, max_size, &mut buf) {
                            Ok(None) => deliver(&mut state, i, &buf),
                            Ok(Some(size)) => visit(&mut state, Blob::TooLarge { index: i, size }),
                            Err(message) => visit(&mut state, Blob::Error { index: i, message }),
                        }
                    }
                });
            }
        });
    }

    /// The `.idx` files of the repository's packs, largest pack first.
    fn pack_indices(&self) -> Vec<PathBuf> {
        let dir = self.repo.objects_dir().join("pack");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut found: Vec<(u64, PathBuf)> = entries
            .filter_map(std::result::Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "idx"))
            .filter_map(|p| {
                let size = std::fs::metadata(p.with_extension("pack")).ok()?.len();
                Some((size, p))
            })
            .collect();
        found.sort_by(|a, b| b.cmp(a));
        found.into_iter().map(|(_, p)| p).collect()
    }
}

/// A reading thread's state, made on first use; a clone starts empty (gix clones its
/// processor once per thread, and each thread needs its own state).
struct PerThread<'a, S, I: Fn() -> S> {
    init: &'a I,
    state: Option<S>,
}

impl<'a, S, I: Fn() -> S> PerThread<'a, S, I> {
    fn new(init: &'a I) -> Self {
        PerThread { init, state: None }
    }

    fn get(&mut self) -> &mut S {
        self.state.get_or_insert_with(self.init)
    }
}

impl<S, I: Fn() -> S> Clone for PerThread<'_, S, I> {
    fn clone(&self) -> Self {
        PerThread::new(self.init)
    }
}

/// Reads one blob into `buf`. `Ok(Some(size))` when it is over `max_size` (not decoded).
fn read_one(
    repo: &gix::Repository,
    id: ObjectId,
    max_size: u64,
    buf: &mut Vec<u8>,
) -> std::result::Result<Option<u64>, String> {
    match repo.objects.try_header(&id) {
        Ok(Some(h)) if h.size() > max_size => return Ok(Some(h.size())),
        Ok(Some(_)) => {}
        Ok(None) => return Err(format!("blob {id} is missing from the object store")),
        Err(e) => return Err(format!("blob {id} could not be read: {}", one_line(&e))),
    }
    match repo.objects.try_find(&id, buf) {
        Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => Ok(None),
        Ok(Some(data)) => Err(format!("object {id} is a {}, not a blob", data.kind)),
        Ok(None) => Err(format!("blob {id} is missing from the object store")),
        Err(e) => Err(format!("blob {id} could not be read: {}", one_line(&e))),
    }
}

/// An error and its causes on one line.
fn one_line(e: &dyn std::fmt::Display) -> String {
    format!("{e:#}").replace('\n', " ")
}

/// Resolves the selection to tip commits to walk from and commits to hide (with their
/// ancestors).
fn tips(repo: &gix::Repository, sel: &Selection) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    if let Some(name) = &sel.branch {
        let mut r = repo
            .try_find_reference(name.as_str())
            .map_err(|e| anyhow!("invalid ref name {name:?}: {}", one_line(&e)))?
            .ok_or_else(|| anyhow!("no branch, tag or ref named {name:?}"))?;
        let id = r
            .peel_to_id()
            .map_err(|e| anyhow!("ref {name:?} cannot be resolved: {}", one_line(&e)))?
            .detach();
        return Ok((vec![commit_or_bail(repo, id, name)?], Vec::new()));
    }
    if let Some(spec) = &sel.range {
        use gix::revision::plumbing::Spec;
        let parsed = repo
            .rev_parse(spec.as_str())
            .map_err(|e| anyhow!("invalid revision range {spec:?}: {}", one_line(&e)))?
            .detach();
        return match parsed {
            Spec::Range { from, to } => Ok((
                vec![commit_or_bail(repo, to, spec)?],
                vec![commit_or_bail(repo, from, spec)?],
            )),
            Spec::Include(id) => Ok((vec![commit_or_bail(repo, id, spec)?], Vec::new())),
            _ => bail!("unsupported revision range {spec:?}: use A..B or a single revision"),
        };
    }
    let mut tips = Vec::new();
    if let Some(id) = repo.head().ok().and_then(|h| h.id()) {
        tips.extend(peel_to_commit(repo, id.detach()));
    }
    let refs = repo
        .references()
        .map_err(|e| anyhow!("failed to read refs: {}", one_line(&e)))?;
    let all = refs
        .all()
        .map_err(|e| anyhow!("failed to read refs: {}", one_line(&e)))?;
    for r in all {
        let Ok(mut r) = r else { continue };
        let id = match r.target().try_id() {
            Some(id) => id.to_owned(),
            None => match r.peel_to_id() {
                Ok(id) => id.detach(),
                Err(_) => continue,
            },
        };
        tips.extend(peel_to_commit(repo, id));
    }
    tips.sort();
    tips.dedup();
    if tips.is_empty() {
        bail!(
            "{}: the repository has no commits yet (nothing to scan)",
            repo.git_dir().display()
        );
    }
    Ok((tips, Vec::new()))
}

/// The commit a ref points to, through annotated tags; `None` for refs to trees or blobs
/// (they have no history). An unreadable object is kept: the walk reports it.
fn peel_to_commit(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    match repo.find_object(id) {
        Ok(obj) => obj.peel_to_kind(gix::objs::Kind::Commit).ok().map(|c| c.id),
        Err(_) => Some(id),
    }
}

fn commit_or_bail(repo: &gix::Repository, id: ObjectId, name: &str) -> Result<ObjectId> {
    let commit = repo
        .find_object(id)
        .map_err(|e| anyhow!("{name:?}: object {id} cannot be read: {}", one_line(&e)))?
        .peel_to_kind(gix::objs::Kind::Commit)
        .map_err(|_| anyhow!("{name:?} does not name a commit"))?;
    Ok(commit.id)
}

/// The selected commits with their trees and parents (as indices), plus excluded parents.
struct Graph {
    ids: Vec<ObjectId>,
    trees: Vec<ObjectId>,
    times: Vec<i64>,
    parents: Vec<Vec<u32>>,
    /// Excluded commits that are parents of selected ones.
    boundary: Vec<ObjectId>,
}

fn walk_commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    since: Option<i64>,
    errors: &mut Vec<String>,
) -> Graph {
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let mut buf = Vec::new();
    // Everything reachable from a hidden commit is excluded.
    let mut excluded: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<ObjectId> = hidden.to_vec();
    while let Some(id) = stack.pop() {
        if !excluded.insert(id) {
            continue;
        }
        if shallow.contains(&id) {
            continue;
        }
        if let Ok(c) = read_commit(repo, id, &mut buf) {
            stack.extend(c.parents);
        }
    }
    let mut index: HashMap<ObjectId, u32> = HashMap::new();
    let mut g = Graph {
        ids: Vec::new(),
        trees: Vec::new(),
        times: Vec::new(),
        parents: Vec::new(),
        boundary: Vec::new(),
    };
    let mut raw_parents: Vec<Vec<ObjectId>> = Vec::new();
    let mut boundary: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<ObjectId> = tips.iter().rev().copied().collect();
    while let Some(id) = stack.pop() {
        if index.contains_key(&id) || excluded.contains(&id) {
            continue;
        }
        let c = match read_commit(repo, id, &mut buf) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                excluded.insert(id);
                continue;
            }
        };
        if since.is_some_and(|s| c.time < s) {
            excluded.insert(id);
            continue;
        }
        index.insert(id, g.ids.len() as u32);
        g.ids.push(id);
        g.trees.push(c.tree);
        g.times.push(c.time);
        let parents = if shallow.contains(&id) {
            Vec::new()
        } else {
            c.parents
        };
        stack.extend(parents.iter().rev().copied());
        raw_parents.push(parents);
    }
    for ps in raw_parents {
        let mut mapped = Vec::with_capacity(ps.len());
        for p in ps {
            match index.get(&p) {
                Some(&i) => mapped.push(i),
                None => {
                    // Excluded (by range or date) but present: its content was there before.
                    if !boundary.contains(&p) && repo.find_header(p).is_ok() {
                        boundary.insert(p);
                        g.boundary.push(p);
                    }
                }
            }
        }
        g.parents.push(mapped);
    }
    g
}

struct RawCommit {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

fn read_commit(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &mut Vec<u8>,
) -> std::result::Result<RawCommit, String> {
    let data = match repo.objects.try_find(&id, buf) {
        Ok(Some(d)) => d,
        Ok(None) => return Err(format!("commit {id} is missing from the object store")),
        Err(e) => return Err(format!("commit {id} could not be read: {}", one_line(&e))),
    };
    if data.kind != gix::objs::Kind::Commit {
        return Err(format!("object {id} is a {}, not a commit", data.kind));
    }
    let c = gix::objs::CommitRef::from_bytes(data.data, repo.object_hash())
        .map_err(|e| format!("commit {id} is corrupt: {}", one_line(&e)))?;
    Ok(RawCommit {
        tree: c.tree(),
        parents: c.parents().collect(),
        time: c
            .committer()
            .ok()
            .and_then(|s| s.time().ok())
            .map_or(0, |t| t.seconds),
    })
}

/// Git's order of tree entries: by name, a tree's name compared as if it ended in `/`.
fn git_order(a: &[u8], a_kind: EntryKind, b: &[u8], b_kind: EntryKind) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end = |name: &[u8], kind: EntryKind| {
            name.get(n)
                .copied()
                .or((kind == EntryKind::Tree).then_some(b'/'))
        };
        end(a, a_kind).cmp(&end(b, b_kind))
    })
}

/// Parents before children; among commits ready at the same time, the oldest first.
fn topological(g: &Graph) -> Vec<usize> {
    let n = g.ids.len();
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = vec![0; n];
    for (c, ps) in g.parents.iter().enumerate() {
        waiting[c] = ps.len();
        for &p in ps {
            children[p as usize].push(c as u32);
        }
    }
    let mut ready: BinaryHeap<std::cmp::Reverse<(i64, ObjectId, usize)>> = (0..n)
        .filter(|&c| waiting[c] == 0)
        .map(|c| std::cmp::Reverse((g.times[c], g.ids[c], c)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse((_, _, c))) = ready.pop() {
        order.push(c);
        for &k in &children[c] {
            let k = k as usize;
            waiting[k] -= 1;
            if waiting[k] == 0 {
                ready.push(std::cmp::Reverse((g.times[k], g.ids[k], k)));
            }
        }
    }
    order
}

/// Hash maps and sets of the tree walk: foldhash, seeded per run (paths come from the
/// repository, so the seed keeps crafted ones from colliding), several times faster than
/// `SipHash` on object ids and paths.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = HashSet<K, foldhash::fast::RandomState>;

/// One entry of a decoded tree: its kind, its name (a range of the tree's bytes) and its id.
type TreeEntry = (EntryKind, std::ops::Range<usize>, ObjectId);

/// Walks trees, skipping a (tree, path) pair seen before: everything below it was recorded
/// by an earlier commit. Since commits are walked parents first, the first commit to reach a
/// (blob, path) pair is the one that introduced it there.
///
/// A tree is compared with the last tree walked at the same path (most often the parent
/// commit's): an entry that tree holds unchanged (same name, kind and id) was recorded when
/// it was walked, so it is passed over without building its path or looking it up. Only the
/// entries a commit changes cost anything, as in a tree diff, and no tree is decoded twice;
/// what is recorded, and in which order, is the same as visiting every entry.
struct TreeWalker<'a> {
    repo: &'a gix::Repository,
    seen_trees: FastSet<(ObjectId, u32)>,
    seen_places: FastSet<(ObjectId, u32)>,
    path_ids: FastMap<Vec<u8>, u32>,
    buf: Vec<u8>,
    /// Per directory path, the last tree walked there: its bytes and entries.
    last: FastMap<u32, DecodedTree>,
    part: WalkPart,
}

/// What one walker found over its run of commits, with paths numbered its own way.
#[derive(Default)]
struct WalkPart {
    /// Its paths (directories too), by its own numbering.
    paths: Vec<Vec<u8>>,
    /// Each (blob, path) pair where the run first holds it: (blob, path, commit rank).
    records: Vec<(ObjectId, u32, u32)>,
    /// Objects it could not read.
    errors: Vec<String>,
}

/// The runs of consecutive commits (ranks) the tree walk splits `commits` into: a fixed
/// number, whatever the threads, so that every run starts the same way; each run's first
/// commit is walked whole, so runs are not made too short.
fn walk_runs(commits: usize) -> Vec<std::ops::Range<usize>> {
    const RUNS: usize = 8;
    const MIN_RUN: usize = 500;
    let n = (commits / MIN_RUN).clamp(1, RUNS);
    let size = commits.div_ceil(n).max(1);
    (0..commits)
        .step_by(size)
        .map(|start| start..(start + size).min(commits))
        .collect()
}

/// The walkers' parts merged in commit order: each (blob, path) pair is kept where it first
/// appears, blobs and paths numbered in the order they are first found.
#[derive(Default)]
struct Merged {
    paths: Vec<Vec<u8>>,
    blobs: Vec<ObjectId>,
    places: Vec<Vec<Place>>,
    errors: Vec<String>,
}

fn merge(parts: Vec<WalkPart>) -> Merged {
    let mut out = Merged::default();
    let mut path_ids: FastMap<Vec<u8>, u32> = FastMap::default();
    let mut blob_ids: FastMap<ObjectId, u32> = FastMap::default();
    let mut seen: FastSet<(ObjectId, u32)> = FastSet::default();
    for part in parts {
        let mut global: Vec<Option<u32>> = vec![None; part.paths.len()];
        for (blob, local, commit) in part.records {
            let path = *global[local as usize].get_or_insert_with(|| {
                let name = &part.paths[local as usize];
                if let Some(&i) = path_ids.get(name) {
                    return i;
                }
                let i = out.paths.len() as u32;
                out.paths.push(name.clone());
                path_ids.insert(name.clone(), i);
                i
            });
            if !seen.insert((blob, path)) {
                continue;
            }
            let next = out.blobs.len() as u32;
            let index = *blob_ids.entry(blob).or_insert(next);
            if index == next {
                out.blobs.push(blob);
                out.places.push(Vec::new());
            }
            out.places[index as usize].push(Place { path, commit });
        }
        for e in part.errors {
            if !out.errors.contains(&e) {
                out.errors.push(e);
            }
        }
    }
    out
}

/// A tree's bytes and its entries (names are ranges of the bytes).
#[derive(Default)]
struct DecodedTree {
    data: Vec<u8>,
    entries: Vec<TreeEntry>,
}

impl DecodedTree {
    fn name(&self, entry: &TreeEntry) -> &[u8] {
        &self.data[entry.1.clone()]
    }
}

impl<'a> TreeWalker<'a> {
    fn new(repo: &'a gix::Repository) -> Self {
        TreeWalker {
            repo,
            seen_trees: FastSet::default(),
            seen_places: FastSet::default(),
            path_ids: FastMap::default(),
            buf: Vec::new(),
            last: FastMap::default(),
            part: WalkPart::default(),
        }
    }

    fn commit_tree(&mut self, id: ObjectId) -> Option<ObjectId> {
        match read_commit(self.repo, id, &mut self.buf) {
            Ok(c) => Some(c.tree),
            Err(e) => {
                self.part.errors.push(e);
                None
            }
        }
    }

    fn intern(&mut self, path: &[u8]) -> u32 {
        if let Some(&i) = self.path_ids.get(path) {
            return i;
        }
        let i = self.part.paths.len() as u32;
        self.part.paths.push(path.to_vec());
        self.path_ids.insert(path.to_vec(), i);
        i
    }

    /// Decodes tree `id` into `out`; entries before a corrupt one are kept.
    fn read_tree(&mut self, id: ObjectId, out: &mut DecodedTree) {
        out.data.clear();
        out.entries.clear();
        match self.repo.objects.try_find(&id, &mut self.buf) {
            Ok(Some(obj)) if obj.kind == gix::objs::Kind::Tree => {
                out.data.extend_from_slice(obj.data);
            }
            Ok(Some(obj)) => {
                self.part
                    .errors
                    .push(format!("object {id} is a {}, not a tree", obj.kind));
                return;
            }
            Ok(None) => {
                self.part
                    .errors
                    .push(format!("tree {id} is missing from the object store"));
                return;
            }
            Err(e) => {
                self.part
                    .errors
                    .push(format!("tree {id} could not be read: {}", one_line(&e)));
                return;
            }
        }
        let base = out.data.as_ptr() as usize;
        for e in gix::objs::TreeRefIter::from_bytes(&out.data, self.repo.object_hash()) {
            match e {
                Ok(e) => {
                    // The name is a slice of the tree's bytes: keep its range, not a copy.
                    let start = e.filename.as_ptr() as usize - base;
                    out.entries.push((
                        e.mode.kind(),
                        start..start + e.filename.len(),
                        e.oid.to_owned(),
                    ));
                }
                Err(err) => {
                    self.part
                        .errors
                        .push(format!("tree {id} is corrupt: {}", one_line(&err)));
                    break;
                }
            }
        }
    }

    /// Walks the tree of one commit (`rank` in topological order; `None` for a boundary
    /// commit whose content only marks what is already known).
    fn walk(&mut self, root: ObjectId, rank: Option<u32>) {
        // (tree, its path without trailing slash)
        let mut stack: Vec<(ObjectId, Vec<u8>)> = vec![(root, Vec::new())];
        while let Some((tree, prefix)) = stack.pop() {
            let prefix_id = self.intern(&prefix);
            if !self.seen_trees.insert((tree, prefix_id)) {
                continue;
            }
            // Fresh buffers of the tree's size: they are kept in `last`.
            let mut now = DecodedTree::default();
            self.read_tree(tree, &mut now);
            now.entries.shrink_to_fit();
            let before = self.last.remove(&prefix_id).unwrap_or_default();
            let mut j = 0;
            for entry in &now.entries {
                let (kind, oid) = (entry.0, entry.2);
                let name = now.name(entry);
                // Both trees are sorted in git's order: find this name among the other's.
                while j < before.entries.len() {
                    let other = &before.entries[j];
                    if git_order(before.name(other), other.0, name, kind).is_ge() {
                        break;
                    }
                    j += 1;
                }
                let unchanged = before
                    .entries
                    .get(j)
                    .is_some_and(|o| o.0 == kind && o.2 == oid && before.name(o) == name);
                if unchanged {
                    continue; // recorded when that tree was walked
                }
                let mut path = Vec::with_capacity(prefix.len() + 1 + name.len());
                path.extend_from_slice(&prefix);
                if !path.is_empty() {
                    path.push(b'/');
                }
                path.extend_from_slice(name);
                match kind {
                    EntryKind::Tree => stack.push((oid, path)),
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        let path_id = self.intern(&path);
                        self.record(oid, path_id, rank);
                    }
                    // Symlink targets are paths, and submodules live in other repositories.
                    EntryKind::Link | EntryKind::Commit => {}
                }
            }
            self.last.insert(prefix_id, now);
        }
    }

    fn record(&mut self, blob: ObjectId, path: u32, rank: Option<u32>) {
        if !self.seen_places.insert((blob, path)) {
            return;
        }
        // A boundary commit's blobs are known, not introduced: no entry, nothing to scan.
        if let Some(commit) = rank {
            self.part.records.push((blob, path, commit));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    #[test]
    fn merge_keeps_each_blob_and_path_where_it_first_appears() {
        // Run 1 (commits 0-1) and run 2 (commits 2-3), paths numbered each their own way.
        // Run 2's first commit is walked whole, so it meets a.py's blob again.
        let one = WalkPart {
            paths: vec![b"".to_vec(), b"a.py".to_vec()],
            records: vec![(id(1), 1, 0)],
            errors: vec!["tree x is missing".into()],
        };
        let two = WalkPart {
            paths: vec![b"b.py".to_vec(), b"".to_vec(), b"a.py".to_vec()],
            records: vec![(id(1), 2, 2), (id(2), 0, 2), (id(1), 0, 3)],
            errors: vec!["tree x is missing".into(), "tree y is missing".into()],
        };
        let m = merge(vec![one, two]);
        assert_eq!(m.paths, [b"a.py".to_vec(), b"b.py".to_vec()]);
        assert_eq!(m.blobs, [id(1), id(2)]);
        let (a, b) = (0, 1);
        assert_eq!(
            m.places,
            [
                vec![Place { path: a, commit: 0 }, Place { path: b, commit: 3 }],
                vec![Place { path: b, commit: 2 }],
            ]
        );
        assert_eq!(m.errors, ["tree x is missing", "tree y is missing"]);
    }

    #[test]
    fn runs_cover_every_commit_once_in_order() {
        for n in [0, 1, 499, 500, 1200, 24_000, 100_001] {
            let runs = walk_runs(n);
            assert!(runs.len() <= 8, "{n}: {runs:?}");
            let all: Vec<usize> = runs.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>(), "{n}");
        }
        assert_eq!(walk_runs(1200).len(), 2);
        assert_eq!(walk_runs(24_000).len(), 8);
    }
}
