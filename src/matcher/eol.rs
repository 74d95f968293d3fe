//! Python end of life: the release table (`patterns/data/python-eol.yaml`, embedded) and the
//! logic behind the `python-eol` validator, which decides whether a captured version pin,
//! specifier or list of versions admits only versions past their end of life.
//!
//! "End of life" is judged against the scan date, a setting the matcher is handed (today,
//! unless `--today` or `PYGUARD_TODAY` set another one), so that the rule ages with the
//! calendar and tests stay reproducible. This module reads no files and no environment, and
//! holds no process-wide date.

use std::sync::OnceLock;

use serde::Deserialize;

/// The embedded end-of-life table.
const TABLE: &str = include_str!("../../patterns/data/python-eol.yaml");

/// A calendar day, as days since 1970-01-01 (negative before).
pub type Day = i64;

/// One Python release series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Day of the first release.
    pub released: Day,
    /// Last day of support.
    pub end_of_life: Day,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    versions: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    version: String,
    released: String,
    end_of_life: String,
}

/// Parses the table text; every problem is an error naming the row.
pub fn parse_table(text: &str) -> Result<Vec<Release>, String> {
    let file: TableFile = serde_saphyr::from_str(text)
        .map_err(|e| format!("python-eol.yaml: {}", crate::rules::yaml_error(&e)))?;
    let mut out = Vec::new();
    for row in file.versions {
        let bad = |what: &str| format!("python-eol.yaml: version {:?}: {what}", row.version);
        let (major, minor) = row
            .version
            .split_once('.')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .ok_or_else(|| bad("expected MAJOR.MINOR"))?;
        let released = parse_day(&row.released).map_err(|e| bad(&e))?;
        let end_of_life = parse_day(&row.end_of_life).map_err(|e| bad(&e))?;
        if end_of_life < released {
            return Err(bad("end_of_life is before released"));
        }
        out.push(Release {
            major,
            minor,
            released,
            end_of_life,
        });
    }
    out.sort_by_key(|r| (r.major, r.minor));
    if out.is_empty() {
        return Err("python-eol.yaml: no versions".to_string());
    }
    Ok(out)
}

/// The embedded table, parsed once. An invalid table is a build defect caught by the unit
/// tests; at run time it degrades to an empty table, which reports nothing.
#[must_use]
pub fn table() -> &'static [Release] {
    static PARSED: OnceLock<Vec<Release>> = OnceLock::new();
    PARSED.get_or_init(|| parse_table(TABLE).unwrap_or_default())
}

/// Today (UTC) by the system clock: the scan date when no other one is set.
#[must_use]
pub fn today() -> Day {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| Day::try_from(d.as_secs() / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
#[must_use]
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Day {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DD`, or `YYYY-MM` meaning the last day of that month.
pub fn parse_day(text: &str) -> Result<Day, String> {
    let bad = || format!("invalid date {text:?}: expected YYYY-MM-DD");
    let mut parts = text.trim().split('-');
    let year: i64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
        return Err(bad());
    }
    match parts.next() {
        None => {
            let (ny, nm) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            Ok(days_from_civil(ny, nm, 1) - 1)
        }
        Some(d) => {
            let day: u32 = d.parse().map_err(|_| bad())?;
            let days = days_from_civil(year, month, day);
            // Reject 2026-02-30 and friends: the day must round-trip within its month.
            let next_month = if month == 12 {
                days_from_civil(year + 1, 1, 1)
            } else {
                days_from_civil(year, month + 1, 1)
            };
            if day == 0 || days >= next_month || parts.next().is_some() {
                return Err(bad());
            }
            Ok(days)
        }
    }
}

/// Whether `major.minor` (or the newest `major.x` when `minor` is `None`) is past its end of
/// life on `today`. Versions newer than the table are taken as supported; older ones that
/// never existed (`2.8`, `1.6`) as end of life.
#[must_use]
pub fn is_eol(major: u32, minor: Option<u32>, today: Day) -> bool {
    let table = table();
    let Some(newest) = table.last() else {
        return false;
    };
    let minor = match minor {
        Some(m) => m,
        None => match table.iter().rev().find(|r| r.major == major) {
            // `3` or `3.x`: any 3.x, so the newest of the series decides (and later ones may come).
            Some(r) if major < newest.major => r.minor,
            Some(_) => return false,
            None => return major < newest.major,
        },
    };
    match table.iter().find(|r| r.major == major && r.minor == minor) {
        Some(r) => today > r.end_of_life,
        None => (major, minor) < (newest.major, newest.minor),
    }
}

/// The `python-eol` validator: whether `text` (a specifier such as `>=3.8,<3.10`, a pin such
/// as `3.8.10`, or a list such as `py27, py36` or `["3.8", "3.9"]`) admits at least one Python
/// version and only versions past their end of life on `today`. Text it cannot read admits
/// something unknown, so it does not fire.
#[must_use]
pub fn admits_only_eol(text: &[u8], today: Day) -> bool {
    let text = String::from_utf8_lossy(text);
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if text.contains(['<', '>', '=', '!', '~', '^']) {
        specifier_only_eol(text, today)
    } else {
        let versions = versions_in(text);
        !versions.is_empty() && versions.iter().all(|&(ma, mi)| is_eol(ma, mi, today))
    }
}

/// One clause of a PEP 440 (or Poetry `^`/`~`) specifier.
struct Clause {
    op: &'static str,
    version: Vec<u32>,
    wildcard: bool,
}

fn parse_clause(text: &str) -> Option<Clause> {
    const OPS: [&str; 10] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">", "^", "~"];
    let t = text.trim();
    let op = OPS.iter().find(|op| t.starts_with(**op)).copied();
    let rest = op.map_or(t, |op| &t[op.len()..]).trim();
    let (rest, wildcard) = match rest.strip_suffix(".*") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let version = release_numbers(rest)?;
    Some(Clause {
        op: op.unwrap_or("=="),
        version,
        wildcard,
    })
}

/// The release numbers of a version (`3.8.10` -> [3, 8, 10]); pre-release, post-release and
/// local suffixes are ignored (`3.11.0rc1` -> [3, 11, 0]). `None` if it does not start with one.
fn release_numbers(text: &str) -> Option<Vec<u32>> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let end = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (nums, suffix) = text.split_at(end);
    if !suffix.is_empty()
        && !suffix
            .trim_start_matches(['-', '_', '.', '+'])
            .starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    let nums = nums.trim_end_matches('.');
    if nums.is_empty() {
        return None;
    }
    nums.split('.').map(|n| n.parse().ok()).collect()
}

fn cmp_release(a: &[u32], b: &[u32]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

impl Clause {
    fn admits(&self, v: &[u32]) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let prefix = |p: &[u32]| v.len() >= p.len() && v[..p.len()] == *p;
        let ord = cmp_release(v, &self.version);
        match self.op {
            "==" | "===" if self.wildcard => prefix(&self.version),
            "!=" if self.wildcard => !prefix(&self.version),
            "==" | "===" => ord == Equal,
            "!=" => ord != Equal,
            "<=" => ord != Greater,
            ">=" => ord != Less,
            "<" => ord == Less,
            ">" => ord == Greater,
            "~=" => {
                let keep = self.version.len().saturating_sub(1).max(1);
                ord != Less && prefix(&self.version[..keep])
            }
            // Poetry: ^3.8 is >=3.8,<4; ~3.8 is >=3.8,<3.9; ~3 is >=3,<4.
            "^" => ord != Less && v.first() == self.version.first(),
            "~" => {
                let keep = if self.version.len() >= 2 { 2 } else { 1 };
                ord != Less && prefix(&self.version[..keep])
            }
            _ => false,
        }
    }
}

/// Whether a specifier admits some version and only end-of-life ones. Each minor series of the
/// table, and a few after it, counts as admitted when one of its patch releases satisfies
/// every clause of one `||` alternative.
fn specifier_only_eol(text: &str, today: Day) -> bool {
    let mut alternatives = Vec::new();
    for alt in text.split("||") {
        let clauses: Option<Vec<Clause>> = alt
            .split(',')
            .filter(|c| !c.trim().is_empty())
            .map(parse_clause)
            .collect();
        match clauses {
            Some(c) if !c.is_empty() => alternatives.push(c),
            _ => return false,
        }
    }
    let table = table();
    let Some(newest) = table.last() else {
        return false;
    };
    let future = (newest.minor + 1..newest.minor + 12)
        .map(|m| (newest.major, m))
        .chain((0..3).map(|m| (newest.major + 1, m)));
    let series: Vec<(u32, u32)> = table
        .iter()
        .map(|r| (r.major, r.minor))
        .chain(future)
        .collect();
    let mut admitted_any = false;
    for (major, minor) in series {
        let admitted = (0..=40).any(|patch| {
            let v = [major, minor, patch];
            alternatives
                .iter()
                .any(|clauses| clauses.iter().all(|c| c.admits(&v)))
        });
        if admitted {
            if !is_eol(major, Some(minor), today) {
                return false;
            }
            admitted_any = true;
        }
    }
    admitted_any
}

/// Every Python version named in a list: `py27, py3{8,9}`, `["3.8", "3.9"]`, `3.8.10`,
/// `python3.6`, `- "2.7"`. `None` as minor means the whole series (`py3`, `3.x`). Other words
/// (`lint`, `pypy3`, `django32`, `${{ matrix.python }}`) name none.
fn versions_in(text: &str) -> Vec<(u32, Option<u32>)> {
    let mut out = Vec::new();
    for word in words(text) {
        for word in expand_braces(&word, 64) {
            for factor in word.split(['-', ':']) {
                if let Some(v) = version_word(factor) {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// Splits on whitespace, commas, quotes and brackets outside `{...}`.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth > 0 => cur.push(c),
            c if c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '[' | ']' | '(' | ')') => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// tox's generative names: `py{27,36}-django{111}` -> `py27-django111`, `py36-django111`.
/// At most `limit` results.
fn expand_braces(word: &str, limit: usize) -> Vec<String> {
    let Some(open) = word.find('{') else {
        return vec![word.to_string()];
    };
    let Some(close) = word[open..].find('}').map(|i| open + i) else {
        return vec![word.to_string()];
    };
    let (head, inner, tail) = (&word[..open], &word[open + 1..close], &word[close + 1..]);
    let mut out = Vec::new();
    for choice in inner.split(',') {
        for rest in expand_braces(tail, limit) {
            if out.len() >= limit {
                return out;
            }
            out.push(format!("{head}{}{rest}", choice.trim()));
        }
    }
    out
}

/// A version named by one word: `py38`, `py3.8`, `py310`, `python3.8`, `cp39`, `3.8`,
/// `3.8.10`, `3.x`, `py3`, `2`.
fn version_word(word: &str) -> Option<(u32, Option<u32>)> {
    let w = word.trim().to_ascii_lowercase();
    if w.starts_with("pypy") {
        return None;
    }
    let (rest, prefixed) = ["cpython", "python", "py", "cp"]
        .iter()
        .find_map(|p| w.strip_prefix(p).map(|r| (r, true)))
        .unwrap_or((w.as_str(), false));
    if rest.is_empty() {
        return None;
    }
    if let Some(major) = rest.strip_suffix(".x") {
        let major: u32 = major.parse().ok()?;
        return (1..=4).contains(&major).then_some((major, None));
    }
    if rest.bytes().all(|b| b.is_ascii_digit()) {
        let major = u32::from(rest.as_bytes()[0] - b'0');
        if !(1..=4).contains(&major) {
            return None;
        }
        return match rest.len() {
            1 => Some((major, None)),
            // `py38`, `py310`: digits glued together only after a `py` prefix.
            2 | 3 if prefixed => Some((major, Some(rest[1..].parse().ok()?))),
            _ => None,
        };
    }
    let nums = release_numbers(rest)?;
    if nums.len() < 2 || !(1..=4).contains(&nums[0]) {
        return None;
    }
    Some((nums[0], Some(nums[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        parse_day(s).unwrap()
    }

    fn fires(text: &str, on: &str) -> bool {
        admits_only_eol(text.as_bytes(), day(on))
    }

    #[test]
    fn embedded_table_parses_and_matches_the_devguide() {
        let t = parse_table(TABLE).unwrap();
        assert_eq!((t[0].major, t[0].minor), (2, 0));
        let last = t.last().unwrap();
        assert_eq!((last.major, last.minor), (3, 14));
        let find = |ma, mi| t.iter().find(|r| r.major == ma && r.minor == mi).unwrap();
        assert_eq!(find(3, 9).end_of_life, day("2025-10-31"));
        assert_eq!(find(3, 10).end_of_life, day("2026-10-31"));
        assert_eq!(find(2, 7).end_of_life, day("2020-01-01"));
        assert_eq!(t.len(), 8 + 15);
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(day("2026-02"), day("2026-02-28"));
        assert_eq!(day("2024-02"), day("2024-02-29"));
        assert_eq!(day("2026-12"), day("2026-12-31"));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-1-1x",
            "today",
            "2026-01-01-01",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn specifiers_fire_only_when_every_admitted_version_is_eol() {
        let on = "2026-11-21";
        for yes in [
            "==3.8.*",
            "<3.10",
            "~=3.9.0",
            ">=3.6,<3.9",
            ">=2.7, <3",
            "~=2.7",
            "~3.8",
            "==3.10.*",
            "===3.8.10",
            "^2.7",
        ] {
            assert!(fires(yes, on), "{yes} should fire");
        }
        for no in [
            ">=3.8",
            "~=3.9",
            ">=2.7, !=3.0.*, !=3.1.*",
            "^3.8",
            ">=3.9,<3.15",
            "*",
            ">=3.8,<3.8",
            "==3.11.*",
            "<=${PY}",
            ">=2.7,<3 || >=3.12",
        ] {
            assert!(!fires(no, on), "{no} should not fire");
        }
    }

    #[test]
    fn the_rule_ages_with_the_scan_date() {
        assert!(!fires("==3.10.*", "2026-09-01"));
        assert!(!fires("==3.10.*", "2026-10-31"));
        assert!(fires("==3.10.*", "2026-11-01"));
        assert!(!fires("3.9", "2025-10-31"));
        assert!(fires("3.9", "2025-11-01"));
    }

    #[test]
    fn version_lists() {
        let on = "2026-11-21";
        for yes in [
            "py27, py36",
            "py{27,36}-django{111,22}",
            "py3{7,8}",
            r#"["3.8", "3.9"]"#,
            "3.8.10",
            "python-3.6.15",
            "2",
            "2.7-slim",
            "\n  - \"3.7\"\n  - \"3.8\"",
        ] {
            assert!(fires(yes, on), "{yes} should fire");
        }
        for no in [
            "py38, py312, lint",
            "lint, docs",
            "3",
            "3.x",
            "py3",
            "pypy2",
            "${{ matrix.python-version }}",
            r#"["3.9", "3.13"]"#,
            "3.15",
            "system",
        ] {
            assert!(!fires(no, on), "{no} should not fire");
        }
    }
}
