//! Offline knowledge about `PyPI` project names: PEP 503 normalisation, the popular names a
//! typosquat imitates, and names published as malware. Both lists are data in
//! `patterns/data/` (with their sources named in their headers), embedded at build time.
//!
//! This module judges one name at a time; finding names in manifests is `deps`' job.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Popular names, most downloaded first (see the file's header for the source and date).
const POPULAR: &str = include_str!("../../patterns/data/pypi-popular.txt");
/// Names published as malware, with sources.
const MALICIOUS: &str = include_str!("../../patterns/data/pypi-malicious.txt");

/// Established projects whose names are near a popular name (`cymysql`), with the rule that
/// chose them in the file's header: never reported.
const LEGITIMATE: &str = include_str!("../../patterns/data/pypi-legitimate.txt");

/// How many of the most downloaded names a name may imitate by leaving out one or two letters
/// (`reqest` for `requests`) or by an added affix (`python-flask`): only the very popular ones,
/// whose shortened and decorated names are squatted.
const OMISSION_TARGETS: usize = 1000;

/// How many of the most downloaded names a name of medium length may imitate with two edits
/// (`botocoer` for `botocore`): the names squatted most, in many variants each.
const MOST_SQUATTED: usize = 100;

/// How many of the most downloaded names are typosquat targets. Names further down the list are
/// still legitimate (never reported), but are too rarely installed to be worth imitating, and
/// each target adds near-miss false positives.
const TARGETS: usize = 5000;

/// Names shorter than this are neither reported nor imitated: with three letters, one edit
/// reaches too many legitimate names.
const MIN_LEN: usize = 4;

/// Names at least this long may be two edits away from their target.
const LONG: usize = 14;

/// Top-1000 targets at least this long may be imitated with two edits by a name that starts
/// with the same letter (`matpllotib`, `beautifulsoop`): two edits of a ten-letter name still
/// leave it recognisable. Without the first-letter and top-1000 conditions, a random sample of
/// unranked `PyPI` names fired twice as often (`platformx`, `centra-sdk`).
const LONG_TARGET: usize = 10;

/// Targets among the most squatted at least this long may be imitated with two edits by a name
/// that starts with the same letter (`requesgt`, `aiohtttp`).
const SQUATTED_LEN: usize = 7;

/// Names up to this long are reported only for a swap of neighbouring letters or a doubled
/// letter (`nmupy`, `numppy`): any single edit of a short name is too often another,
/// legitimate project (measured: 1.6% of a random sample of unranked `PyPI` names were one edit
/// from a popular name, most of them four or five letters long).
const SHORT: usize = 5;

/// Words put before a popular name to make a plausible variant (`python-flask`, `pyhttpx`).
const PREFIXES: [&str; 6] = ["python3-", "python-", "python3", "python", "py-", "py"];

/// Words put after a popular name to make a plausible variant (`flask-py`, `httpx2`).
const SUFFIXES: [&str; 9] = ["-python", "-py", "py", "-lib", "lib", "-2", "-3", "2", "3"];

/// PEP 503 normalisation: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
#[must_use]
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn names(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

struct Lists {
    known: HashSet<&'static str>,
    targets: Vec<&'static str>,
    malicious: HashSet<&'static str>,
}

fn lists() -> &'static Lists {
    static LISTS: OnceLock<Lists> = OnceLock::new();
    LISTS.get_or_init(|| Lists {
        known: names(POPULAR).chain(names(LEGITIMATE)).collect(),
        targets: names(POPULAR).take(TARGETS).collect(),
        malicious: names(MALICIOUS).collect(),
    })
}

/// Whether `name` is on the known-malicious list.
#[must_use]
pub fn is_malicious(name: &str) -> bool {
    lists().malicious.contains(normalise(name).as_str())
}

/// The popular name that `name` imitates, if any, when `name` is neither popular itself, nor an
/// established project, nor on the malicious list (reported there). The families of edits, each
/// with its own reach (see the constants above): one edit of a top-5000 name (two for long
/// names and long targets; only a swap, a doubled letter, a neighbouring key or a look-alike
/// character for short names); two edits of one of the most squatted names; letters left out of
/// a top-1000 name; a top-1000 name, or one of its typos, with a common affix (`python-`, `-py`).
#[must_use]
pub fn typosquat_target(name: &str) -> Option<&'static str> {
    let name = normalise(name);
    let lists = lists();
    if name.len() < MIN_LEN
        || lists.known.contains(name.as_str())
        || lists.malicious.contains(name.as_str())
    {
        return None;
    }
    near_target(&name, lists).or_else(|| affixed_target(&name, lists))
}

/// A target one or two edits from `name` (by the length rules), or with letters left out.
fn near_target(name: &str, lists: &Lists) -> Option<&'static str> {
    let short = name.len() <= SHORT;
    let near = lists.targets.iter().enumerate().find_map(|(rank, &t)| {
        let limit = if short {
            1
        } else if name.len() >= LONG
            || (t.as_bytes()[0] == name.as_bytes()[0]
                && ((rank < OMISSION_TARGETS
                    && t.len() >= LONG_TARGET
                    && name.len() + 1 >= LONG_TARGET)
                    || (rank < MOST_SQUATTED && t.len() >= SQUATTED_LEN)))
        {
            2
        } else {
            1
        };
        let hit = t.len() >= MIN_LEN
            && t.len().abs_diff(name.len()) <= limit
            && if short {
                swapped_or_doubled(name.as_bytes(), t.as_bytes())
                    || adjacent_key(name.as_bytes(), t.as_bytes())
            } else {
                distance(name.as_bytes(), t.as_bytes(), limit) <= limit
            };
        hit.then_some(t)
    });
    near.or_else(|| {
        (name.len() > SHORT - 1)
            .then(|| {
                lists
                    .targets
                    .iter()
                    .take(OMISSION_TARGETS)
                    .copied()
                    .find(|t| {
                        (1..=2).contains(&t.len().saturating_sub(name.len()))
                            && t.as_bytes()[0] == name.as_bytes()[0]
                            && is_subsequence(name.as_bytes(), t.as_bytes())
                    })
            })
            .flatten()
    })
}

/// A top-1000 target that `name` is with a common prefix or suffix added (`python-flask`),
/// also when the rest is itself a typo of it (`pytroch`). The rest must not be another known
/// project (`py` + `test` is `pytest`, already known; `pydantic-core` stays `pydantic-core`).
fn affixed_target(name: &str, lists: &Lists) -> Option<&'static str> {
    let stems = PREFIXES
        .iter()
        .filter_map(|p| name.strip_prefix(p))
        .chain(SUFFIXES.iter().filter_map(|s| name.strip_suffix(s)));
    stems
        .filter(|stem| stem.len() >= MIN_LEN && !stem.starts_with('-') && !stem.ends_with('-'))
        .find_map(|stem| {
            let top = &lists.targets[..OMISSION_TARGETS.min(lists.targets.len())];
            if let Some(&t) = top.iter().find(|&&t| t == stem) {
                return Some(t);
            }
            if lists.known.contains(stem) || lists.malicious.contains(stem) {
                return None;
            }
            near_target(stem, lists).filter(|t| top.contains(t))
        })
}

/// Whether `a` is `b` with one letter replaced by a neighbour on a QWERTY keyboard (`flasl`
/// for `flask`, `mumpy` for `numpy`) or by a character that looks like it (`b0to3`, `t0rch`).
fn adjacent_key(a: &[u8], b: &[u8]) -> bool {
    const LOOK_ALIKE: [(u8, u8); 6] = [
        (b'0', b'o'),
        (b'1', b'l'),
        (b'1', b'i'),
        (b'i', b'l'),
        (b'3', b'e'),
        (b'5', b's'),
    ];
    const ROWS: [&[u8]; 3] = [b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];
    let at = |c: u8| {
        ROWS.iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|&k| k == c).map(|i| (r, i)))
    };
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let [i] = diff[..] else { return false };
    if LOOK_ALIKE
        .iter()
        .any(|&(x, y)| (a[i], b[i]) == (x, y) || (a[i], b[i]) == (y, x))
    {
        return true;
    }
    match (at(a[i]), at(b[i])) {
        (Some((r1, c1)), Some((r2, c2))) => r1.abs_diff(r2) <= 1 && c1.abs_diff(c2) <= 1,
        _ => false,
    }
}

/// Whether `short` is `long` with some letters left out.
fn is_subsequence(short: &[u8], long: &[u8]) -> bool {
    let mut it = long.iter();
    short.iter().all(|c| it.any(|x| x == c))
}

fn swapped_or_doubled(a: &[u8], b: &[u8]) -> bool {
    let doubled = |long: &[u8], short: &[u8]| {
        long.len() == short.len() + 1
            && (1..long.len()).any(|i| {
                long[i] == long[i - 1] && long[..i] == short[..i] && long[i + 1..] == short[i..]
            })
    };
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        return diff.len() == 2
            && diff[1] == diff[0] + 1
            && a[diff[0]] == b[diff[1]]
            && a[diff[1]] == b[diff[0]];
    }
    doubled(a, b) || doubled(b, a)
}

/// Damerau-Levenshtein distance (optimal string alignment: insertions, deletions,
/// substitutions, transpositions of neighbours), cut short once it exceeds `limit`.
#[must_use]
#[allow(clippy::many_single_char_names)] // the textbook recurrence's names
pub fn distance(a: &[u8], b: &[u8], limit: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > limit {
        return limit + 1;
    }
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalisation() {
        assert_eq!(normalise("Python_Dateutil"), "python-dateutil");
        assert_eq!(normalise("zope.interface"), "zope-interface");
        assert_eq!(normalise("a-_.b"), "a-b");
    }

    #[test]
    fn damerau_levenshtein_counts_transpositions_as_one() {
        assert_eq!(distance(b"reqeusts", b"requests", 2), 1);
        assert_eq!(distance(b"djanga", b"django", 2), 1);
        assert_eq!(distance(b"requests", b"requests", 2), 0);
        assert_eq!(distance(b"abc", b"xyz", 1), 2);
        assert_eq!(distance(b"flask", b"flaskextra", 2), 3);
    }

    #[test]
    fn typosquats_of_popular_names_are_found() {
        assert_eq!(typosquat_target("reqeusts"), Some("requests"));
        assert_eq!(typosquat_target("djanga"), Some("django"));
        assert_eq!(
            typosquat_target("python-dateutils"),
            Some("python-dateutil")
        );
        assert_eq!(
            typosquat_target("Python_Dateutils"),
            Some("python-dateutil")
        );
        assert_eq!(typosquat_target("numpyy"), Some("numpy"));
        assert_eq!(typosquat_target("nmupy"), Some("numpy"));
        assert_eq!(typosquat_target("tqmd"), Some("tqdm"));
        assert_eq!(typosquat_target("jinja22"), Some("jinja2"));
        // Published as malware: a neighbouring key (short names) and left-out letters.
        assert_eq!(typosquat_target("flasl"), Some("flask"));
        assert_eq!(typosquat_target("mumpy"), Some("numpy"));
        assert_eq!(typosquat_target("reqest"), Some("requests"));
    }

    #[test]
    fn each_family_of_edits_is_found_and_names_its_target() {
        // Our own examples, one or two per family (issue 13, point 4).
        let cases = [
            // Two edits of a long top-1000 name that keep its first letter.
            ("matpletlyb", "matplotlib"),
            ("beautifulsaup", "beautifulsoup4"),
            // Two edits of one of the most squatted names.
            ("reqeustz", "requests"),
            ("colorrana", "colorama"),
            // A look-alike character in a short name.
            ("b0to3", "boto3"),
            ("t0rch", "torch"),
            // A common affix around a top-1000 name, or around one of its typos.
            ("pythonnumpy", "numpy"),
            ("httpx-py", "httpx"),
            ("py-pandass", "pandas"),
            ("pyjnija2", "jinja2"),
        ];
        for (name, target) in cases {
            assert_eq!(typosquat_target(name), Some(target), "{name}");
        }
    }

    #[test]
    fn wider_families_stay_away_from_unrelated_names() {
        // Two edits only reach long top-1000 names from the same first letter, and names
        // further down the ranking only by one edit: these are other projects' names.
        for name in ["platformx", "centra-sdk", "aconnection", "manifoldx"] {
            assert_eq!(typosquat_target(name), None, "{name}");
        }
        // An affix around a name that is near nothing popular is not a typosquat.
        assert_eq!(typosquat_target("py-zzzzzz"), None);
    }

    #[test]
    fn popular_names_near_each_other_are_not_typosquats() {
        // Both sides of each pair are popular, legitimate projects.
        for name in [
            "requests",
            "urllib3",
            "pycrypto",
            "pycryptodome",
            "jellyfish",
            "colorama",
            "boto",
            "boto3",
            "flask",
            "django",
            "Django",
            "typing_extensions",
        ] {
            assert_eq!(typosquat_target(name), None, "{name}");
        }
        // Short names: only swaps and doubled letters, since one edit reaches too many
        // legitimate projects (`mango` is not a typo of `mongo`).
        assert_eq!(typosquat_target("mango"), None);
        assert_eq!(typosquat_target("floc"), None);
        assert_eq!(typosquat_target("six"), None);
        assert_eq!(typosquat_target("sx"), None);
        // Far from everything popular.
        assert_eq!(typosquat_target("my-company-internal-tools"), None);
        // A long-lived driver one edit from pymysql: known legitimate.
        assert_eq!(typosquat_target("cymysql"), None);
    }

    #[test]
    fn malicious_names_are_known_and_reported_there_not_as_typosquats() {
        assert!(is_malicious("request"));
        assert!(is_malicious("URLLIB"));
        assert!(!is_malicious("requests"));
        assert_eq!(typosquat_target("request"), None);
    }

    #[test]
    fn no_popular_or_established_name_is_a_typosquat() {
        // Every listed name (the 15000 most downloaded, and the established projects near
        // them), as written and in another spelling of the same PEP 503 name.
        let flagged: Vec<String> = names(POPULAR)
            .chain(names(LEGITIMATE))
            .flat_map(|n| [n.to_string(), n.replace('-', "_").to_ascii_uppercase()])
            .filter(|n| typosquat_target(n).is_some())
            .collect();
        assert!(flagged.is_empty(), "{flagged:?}");
    }

    #[test]
    fn published_malicious_typosquats_are_caught() {
        // tests/data/pypi-typosquats.txt: names from public reports, with their sources.
        let list = include_str!("../../tests/data/pypi-typosquats.txt");
        let names: Vec<&str> = names(list).collect();
        let missed: Vec<&&str> = names
            .iter()
            .filter(|n| typosquat_target(n).is_none() && !is_malicious(n))
            .collect();
        // Recall of at least 0.9 over the list.
        assert!(missed.len() * 10 <= names.len(), "missed {missed:?}");
    }
}
