//! Which lines history has already seen at each path, so that `pyguard history` scans each
//! line where it first appears instead of every version of every file.
//!
//! Consecutive versions of a file share almost all their lines: 260 releases of `SQLAlchemy`
//! hold 74 million lines, of which 1.1 million are distinct. The ledger records each pair of
//! adjacent lines per path; a blob's *added* lines are those whose pairing with the line before
//! no blob handed to the ledger earlier has claimed at that path. So a new line is added, and
//! so is a multi-line construct newly assembled from old lines. The scanner runs its keyword
//! search and regexes only around added lines, as the commit gate does around the lines a
//! commit adds.
//!
//! Blobs arrive in pack order, not history order, so which version of a file claims a pair
//! depends on the run; what does not is the ledger's other record: for each (path, pair), the
//! earliest commit (in topological order) whose blob holds it. Findings are attributed with
//! that record, so a report does not depend on the order blobs were read in.
//!
//! Keys are 64-bit hashes seeded at random per run (two distinct pairs collide with
//! probability about 2^-64; a crafted collision needs the seed). The ledger holds one key and
//! one commit rank per distinct (path, pair), in one table per path: the versions of a file
//! arrive one after another (a pack stores them as deltas of each other), so that file's
//! table is small and warm in the cache while they are claimed. Tables are grouped in
//! shards behind their own locks.
//!
//! This module knows nothing of git or patterns: it takes bytes, paths and ranks.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::RangeInclusive;
use std::sync::{Mutex, PoisonError};

/// Number of shards (a power of two) the per-path tables are spread over.
const SHARDS: usize = 64;

/// While a claim runs, the rank of a pair it inserted carries this bit, so that the same
/// pair further down the blob is known as added by this blob too. Ranks stay below it.
const FRESH: u32 = 1 << 31;

/// What precedes the first line of a file, for the first line's pair.
const PAIR_START: &[u8] = b"\0pyguard: start of file\0";

/// Pair keys and the earliest commit rank holding each, for one path: open addressing with
/// linear probing over two arrays, 12 bytes a slot (a map of `(u64, u32)` pads each entry
/// to 16), at most seven eighths full. Keys are already seeded hashes, so a key's low bits
/// pick its slot; key 0 marks an empty slot (a pair hashing to 0 is stored as 1).
#[derive(Default)]
struct Table {
    keys: Vec<u64>,
    ranks: Vec<u32>,
    len: usize,
}

impl Table {
    /// The slot holding `key`, or the empty slot where it would go.
    fn slot(&self, key: u64) -> usize {
        let mask = self.keys.len() - 1;
        #[allow(clippy::cast_possible_truncation)] // masked to the table size
        let mut i = key as usize & mask;
        loop {
            let k = self.keys[i];
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn get(&self, key: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let key = key.max(1);
        let i = self.slot(key);
        (self.keys[i] == key).then(|| self.ranks[i])
    }

    fn get_mut(&mut self, key: u64) -> Option<&mut u32> {
        if self.keys.is_empty() {
            return None;
        }
        let key = key.max(1);
        let i = self.slot(key);
        (self.keys[i] == key).then(|| &mut self.ranks[i])
    }

    /// The rank stored for `key`, inserting `rank` first if it is absent (`true`: inserted).
    fn get_or_insert(&mut self, key: u64, rank: u32) -> (&mut u32, bool) {
        if (self.len + 1) * 8 > self.keys.len() * 7 {
            self.grow();
        }
        let key = key.max(1);
        let i = self.slot(key);
        let inserted = self.keys[i] == 0;
        if inserted {
            self.keys[i] = key;
            self.ranks[i] = rank;
            self.len += 1;
        }
        (&mut self.ranks[i], inserted)
    }

    fn grow(&mut self) {
        let size = (self.keys.len() * 2).max(16);
        let keys = std::mem::replace(&mut self.keys, vec![0; size]);
        let ranks = std::mem::replace(&mut self.ranks, vec![0; size]);
        for (k, r) in keys.into_iter().zip(ranks) {
            if k != 0 {
                let i = self.slot(k);
                self.keys[i] = k;
                self.ranks[i] = r;
            }
        }
    }
}

/// The lines seen so far, per path, with the earliest commit rank that holds each.
pub struct LineLedger {
    seed: [u64; 2],
    shards: Vec<Mutex<HashMap<u32, Table>>>,
}

impl Default for LineLedger {
    fn default() -> Self {
        Self::new()
    }
}

impl LineLedger {
    /// An empty ledger with a fresh random seed.
    #[must_use]
    pub fn new() -> Self {
        let random = std::collections::hash_map::RandomState::new();
        LineLedger {
            seed: [random.hash_one(1u8), random.hash_one(2u8)],
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// A session for one thread: claims go through it (see [`Session`]).
    #[must_use]
    pub fn session(&self) -> Session<'_> {
        Session {
            ledger: self,
            pairs: Vec::new(),
        }
    }

    /// Claims through a one-off session (see [`Session::claim`]).
    pub fn claim(&self, path: u32, rank: u32, bytes: &[u8]) -> Vec<RangeInclusive<u32>> {
        self.session().claim(path, rank, bytes)
    }

    /// The earliest commit rank whose blob at `path` holds these consecutive `lines`, among
    /// the blobs claimed so far. One line is known by its pairing with `prev` (the line before
    /// it; `None` at the start of the file); several lines by the pairs between them, the
    /// latest of whose earliest ranks is when they first stood together (exact unless they
    /// were apart in some version and together in an earlier one).
    #[must_use]
    pub fn first_rank(&self, path: u32, prev: Option<&[u8]>, lines: &[&[u8]]) -> Option<u32> {
        let keys: Vec<u64> = lines.iter().map(|l| self.key(path, l)).collect();
        let shard = self.shards[shard_of(path)]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let table = shard.get(&path)?;
        let rank_of = |key: u64| table.get(key);
        match keys.as_slice() {
            [] => None,
            [one] => rank_of(pair_key(self.key(path, prev.unwrap_or(PAIR_START)), *one)),
            many => many
                .windows(2)
                .map(|w| rank_of(pair_key(w[0], w[1])))
                .try_fold(0, |acc, r| r.map(|r| acc.max(r))),
        }
    }

    /// The seeded hash of a path index and a line: a folded 64x64->128-bit multiply per
    /// 8-byte word (the mixing of wyhash), fast on long lines and short ones alike.
    fn key(&self, path: u32, line: &[u8]) -> u64 {
        const P: [u64; 3] = [
            0xa076_1d64_78bd_642f,
            0xe703_7ed1_a0b4_28db,
            0x8ebc_6af0_9c88_c6e3,
        ];
        let mut h = fold(
            self.seed[0] ^ P[0],
            u64::from(path) ^ ((line.len() as u64) << 32) ^ self.seed[1],
        );
        let mut words = line.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            h = fold(u64::from_le_bytes(b) ^ P[1], h ^ self.seed[1]);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            h = fold(u64::from_le_bytes(b) ^ P[2], h ^ self.seed[0]);
        }
        fold(h ^ P[0], self.seed[1] ^ P[2])
    }
}

/// The lines of `bytes` without their line breaks (a final line without one included).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or(&[]);
        Some(line)
    })
}

/// One thread's way into a [`LineLedger`], with a buffer it reuses from blob to blob.
pub struct Session<'a> {
    ledger: &'a LineLedger,
    /// The pair keys of the blob being claimed.
    pairs: Vec<u64>,
}

impl Session<'_> {
    /// Records every line of `bytes` (a version of `path` that commit `rank` introduced) and
    /// returns the lines it is the first to hold at that path, as 1-based line ranges.
    ///
    /// A line counts as added when the pair (previous line, line) is new there: so a new line
    /// is added, and so is an old line that now follows a different one, since a multi-line
    /// construct (a statement spanning lines) can be new while each of its lines is not.
    /// A pair that occurs twice in the blob is added (or not) at both places.
    pub fn claim(&mut self, path: u32, rank: u32, bytes: &[u8]) -> Vec<RangeInclusive<u32>> {
        let ledger = self.ledger;
        let rank = rank.min(FRESH - 1);
        // The keys first, outside the lock.
        self.pairs.clear();
        let mut prev = ledger.key(path, PAIR_START);
        for line in lines(bytes) {
            let key = ledger.key(path, line);
            self.pairs.push(pair_key(prev, key));
            prev = key;
        }
        let mut added: Vec<u32> = Vec::new();
        let mut shard = ledger.shards[shard_of(path)]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let table = shard.entry(path).or_default();
        for (&pair, n) in self.pairs.iter().zip(1u32..) {
            let (r, inserted) = table.get_or_insert(pair, rank | FRESH);
            if inserted || *r & FRESH != 0 {
                added.push(n); // new here, or the same pair again in this blob
            } else if rank < *r {
                *r = rank;
            }
        }
        for &n in &added {
            if let Some(r) = table.get_mut(self.pairs[n as usize - 1]) {
                *r &= !FRESH;
            }
        }
        drop(shard);
        to_ranges(&added)
    }
}

fn fold(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    // Truncation intended: the low and high halves are folded together.
    #[allow(clippy::cast_possible_truncation)]
    let (lo, hi) = (r as u64, (r >> 64) as u64);
    lo ^ hi
}

/// The key of two adjacent lines, from their line keys.
fn pair_key(prev: u64, line: u64) -> u64 {
    fold(prev ^ 0x9e37_79b9_7f4a_7c15, line ^ 0xd6e8_feb8_6659_fd93)
}

fn shard_of(path: u32) -> usize {
    path as usize & (SHARDS - 1)
}

/// Sorted line numbers -> inclusive ranges of consecutive lines.
fn to_ranges(sorted: &[u32]) -> Vec<RangeInclusive<u32>> {
    let mut out: Vec<RangeInclusive<u32>> = Vec::new();
    for &n in sorted {
        match out.last_mut() {
            Some(r) if *r.end() + 1 == n => *r = *r.start()..=n,
            Some(r) if *r.end() == n => {}
            _ => out.push(n..=n),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_added_where_its_pairing_with_the_line_before_is_first_seen_at_each_path() {
        let ledger = LineLedger::new();
        assert_eq!(ledger.claim(0, 5, b"a\nb\nc\n"), vec![1..=3]);
        // A later version: the new line, and the old line that now follows it.
        assert_eq!(ledger.claim(0, 7, b"a\nnew\nb\nc\n"), vec![2..=3]);
        // Nothing new: nothing added.
        assert!(ledger.claim(0, 9, b"a\nb\nc\n").is_empty());
        // Old lines in a new order are a new construct.
        assert_eq!(ledger.claim(0, 9, b"c\nb\n"), vec![1..=2]);
        // The same content at another path is new there; a repeated pair is added twice.
        assert_eq!(ledger.claim(1, 7, b"a\nb\na\nb\n"), vec![1..=4]);
        assert!(ledger.claim(1, 8, b"a\nb\n").is_empty());
    }

    #[test]
    fn the_earliest_rank_is_kept_whatever_the_order_blobs_arrive_in() {
        let ledger = LineLedger::new();
        ledger.claim(0, 9, b"token\nother\n");
        assert_eq!(ledger.first_rank(0, None, &[b"token"]), Some(9));
        // An older version arrives later: it adds nothing, but it is where the line began.
        assert!(ledger.claim(0, 2, b"token\n").is_empty());
        assert_eq!(ledger.first_rank(0, None, &[b"token"]), Some(2));
        assert_eq!(ledger.first_rank(0, Some(b"token"), &[b"other"]), Some(9));
        // Lines together date from when they first stood together, whatever came before.
        assert_eq!(ledger.first_rank(0, None, &[b"token", b"other"]), Some(9));
        assert_eq!(
            ledger.first_rank(0, Some(b"z"), &[b"token", b"other"]),
            Some(9)
        );
        assert_eq!(ledger.first_rank(0, Some(b"other"), &[b"token"]), None);
        assert_eq!(ledger.first_rank(0, Some(b"x"), &[b"token"]), None);
        assert_eq!(ledger.first_rank(1, None, &[b"token"]), None);
        assert_eq!(ledger.first_rank(0, None, &[]), None);
    }

    #[test]
    fn sessions_share_what_is_new_and_the_earliest_rank_at_once() {
        let ledger = LineLedger::new();
        let mut one = ledger.session();
        let mut two = ledger.session();
        assert_eq!(one.claim(0, 9, b"x\ny\n"), vec![1..=2]);
        assert!(
            two.claim(0, 8, b"x\ny\n").is_empty(),
            "claimed by the other session"
        );
        assert!(one.claim(0, 3, b"x\ny\n").is_empty());
        assert_eq!(ledger.first_rank(0, None, &[b"x", b"y"]), Some(3));
        assert!(two.claim(0, 5, b"x\ny\n").is_empty());
        assert_eq!(ledger.first_rank(0, None, &[b"x", b"y"]), Some(3));
    }

    #[test]
    fn a_repeated_pair_is_added_twice_only_in_the_blob_that_brings_it() {
        let ledger = LineLedger::new();
        // Blank lines after blank lines: one pair, three times.
        assert_eq!(ledger.claim(0, 4, b"a\n\n\n\n\nb\n"), vec![1..=6]);
        // Another version with the same runs of blank lines adds only its new line, and the
        // ranks it lowers do not make the pair look new further down.
        assert_eq!(ledger.claim(0, 2, b"a\n\n\n\n\nc\n"), vec![6..=6]);
        assert_eq!(ledger.first_rank(0, Some(b""), &[b""]), Some(2));
        assert!(ledger.claim(0, 1, b"a\n\n\n\n\nc\n").is_empty());
        assert_eq!(ledger.first_rank(0, Some(b""), &[b""]), Some(1));
    }

    #[test]
    fn the_table_keeps_every_key_through_growth_and_probing() {
        let mut t = Table::default();
        assert_eq!(t.get(5), None);
        // Keys that share their low bits probe past each other; 0 and 1 are one key.
        let keys: Vec<u64> = (0..5000u64).map(|i| i << 20).collect();
        for (i, &k) in keys.iter().enumerate() {
            let (r, inserted) = t.get_or_insert(k, i as u32);
            assert!(inserted || k == 0, "{k}");
            assert_eq!(*r, i as u32);
        }
        assert_eq!(t.len, 5000);
        assert!(t.len * 8 <= t.keys.len() * 7, "at most seven eighths full");
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k), Some(i as u32), "{k}");
        }
        assert_eq!(t.get(1), Some(0), "0 is stored as 1");
        assert_eq!(t.get(3 << 40), None);
        let (r, inserted) = t.get_or_insert(keys[7], 99);
        assert!(!inserted);
        assert_eq!(*r, 7, "an existing rank is not replaced");
        *t.get_mut(keys[7]).unwrap() = 2;
        assert_eq!(t.get(keys[7]), Some(2));
    }

    #[test]
    fn lines_split_like_the_scanner_numbers_them() {
        let all: Vec<&[u8]> = lines(b"one\n\ntwo\nlast").collect();
        assert_eq!(all, [&b"one"[..], b"", b"two", b"last"]);
        assert_eq!(lines(b"x\n").count(), 1);
        assert_eq!(lines(b"").count(), 0);
    }

    #[test]
    fn keys_depend_on_every_byte_path_and_length() {
        let ledger = LineLedger::new();
        let k = |p: u32, l: &[u8]| ledger.key(p, l);
        assert_ne!(k(0, b"abcdefgh1"), k(0, b"abcdefgh2"));
        assert_ne!(k(0, b"abcdefgh"), k(0, b"abcdefgh\0"));
        assert_ne!(k(0, b"x"), k(1, b"x"));
        assert_ne!(k(0, b""), k(0, b"\0"));
        assert_eq!(k(3, b"same line"), k(3, b"same line"));
        assert_ne!(
            LineLedger::new().key(0, b"x"),
            k(0, b"x"),
            "seeded per ledger"
        );
    }

    #[test]
    fn ranges_join_consecutive_lines() {
        assert_eq!(to_ranges(&[1, 2, 3, 5, 5, 7]), vec![1..=3, 5..=5, 7..=7]);
        assert!(to_ranges(&[]).is_empty());
    }
}
