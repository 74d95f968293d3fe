//! `pyguard history` end to end, on repositories built with the git CLI with a known history:
//! a secret added then deleted, the same secret on two branches, a secret only on a tag, a
//! merge, a rename; bare and shallow clones; selections; skipped blobs; bad input.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{json, pyguard};

const TOKEN: &str = "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"; // pyguard: allow[github-token] test fixture
const AWS_KEY: &str = "AKIAZZZZG6ZDMEN4KHVD"; // pyguard: allow[aws-access-key-id] test fixture

/// A repository built commit by commit, with an isolated HOME and fixed dates (one day
/// apart, starting 2024-01-01) so that commit ids and attribution are deterministic.
struct Repo {
    _tmp: TempDir,
    home: PathBuf,
    dir: PathBuf,
    day: u32,
}

impl Repo {
    fn new() -> Self {
        let tmp = TempDir::new().unwrap();
        let home = tmp.path().join("home");
        let dir = tmp.path().join("repo");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo {
            _tmp: tmp,
            home,
            dir,
            day: 0,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Runs git in `dir` with this repository's environment.
    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let date = format!("2024-01-{:02}T12:00:00Z", self.day + 1);
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.dir, args)
    }

    fn write(&self, path: &str, content: &str) {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// Commits everything in the work tree; returns the commit id.
    fn commit(&mut self, message: &str) -> String {
        self.day += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Runs `pyguard history --format json` with extra arguments on `path`.
    fn scan(&self, path: &Path, extra: &[&str]) -> Output {
        pyguard()
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["history", "--format", "json"])
            .args(extra)
            .arg(path)
            .output()
            .unwrap()
    }
}

/// The known history:
///
/// ```text
/// c1 add app.py (token, line 2)       main
/// c2 delete app.py
/// ├── c3 add config/settings.py (token, line 3)     feature
/// ├── c4 add lib/keys.py (token, line 1)            main
/// ├── c5 add tagged.py (AWS key)                    tag v0-leak only
/// m  merge feature into main
/// c6 rename lib/keys.py -> lib/credentials.py       main
/// ```
///
/// Packed in two packs (after c2 and after c4); the rest stays loose.
struct Known {
    repo: Repo,
    c1: String,
    c3: String,
    c4: String,
    c5: String,
    c6: String,
    merge: String,
}

fn known() -> Known {
    let mut repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.write("app.py", &format!("import os\nTOKEN = \"{TOKEN}\"\n"));
    let c1 = repo.commit("add app");
    std::fs::remove_file(repo.dir.join("app.py")).unwrap();
    let c2 = repo.commit("remove the token");
    repo.git(&["repack", "-q"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "config/settings.py",
        &format!("# settings\nDEBUG = False\nGITHUB = '{TOKEN}'\n"),
    );
    let c3 = repo.commit("settings");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("lib/keys.py", &format!("KEY = \"{TOKEN}\"\n"));
    let c4 = repo.commit("keys");
    repo.git(&["repack", "-q"]);
    repo.git(&["checkout", "-q", "--detach", &c2]);
    repo.write("tagged.py", &format!("AWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\n"));
    let c5 = repo.commit("only on a tag");
    repo.git(&["tag", "v0-leak"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.day += 1;
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["mv", "lib/keys.py", "lib/credentials.py"]);
    let c6 = repo.commit("rename keys");
    Known {
        repo,
        c1,
        c3,
        c4,
        c5,
        c6,
        merge,
    }
}

/// Findings as (pattern id, path, line, commit id).
fn findings(doc: &Value) -> Vec<(String, String, u64, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["pattern_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["commit"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The places of the finding of `pattern`, as (path, line, commit id).
fn places(doc: &Value, pattern: &str) -> Vec<(String, u64, String)> {
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["pattern_id"] == pattern)
        .unwrap_or_else(|| panic!("no {pattern} finding in {doc}"));
    f["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
                p["commit"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn place(path: &str, line: u64, commit: &str) -> (String, u64, String) {
    (path.to_string(), line, commit.to_string())
}

#[test]
fn every_ref_is_scanned_and_each_secret_is_attributed_to_its_introducing_commits() {
    let k = known();
    let out = k.repo.scan(&k.repo.dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    // One finding per secret, at its earliest place: the deleted app.py and the tag-only file.
    assert_eq!(
        findings(&doc),
        [
            ("github-token".into(), "app.py".into(), 2, k.c1.clone()),
            (
                "aws-access-key-id".into(),
                "tagged.py".into(),
                1,
                k.c5.clone()
            ),
        ]
    );
    // Every place, each with the commit that introduced the secret there: not the merge
    // (settings.py came from feature), and the rename introduces the new path.
    assert_eq!(
        places(&doc, "github-token"),
        [
            place("app.py", 2, &k.c1),
            place("config/settings.py", 3, &k.c3),
            place("lib/keys.py", 1, &k.c4),
            place("lib/credentials.py", 1, &k.c6),
        ]
    );
    let f = &doc["findings"][0];
    assert_eq!(f["commit"]["author"], "Ada Lovelace <ada@example.com>");
    assert_eq!(f["commit"]["date"], "2024-01-02T12:00:00+00:00");
    assert_eq!(f["commit"]["summary"], "add app");
    assert_eq!(f["source"], "commit");
    assert_eq!(f["secret"], "ghp_…", "redacted by default");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
    let s = &doc["summary"];
    assert_eq!(s["commits"], 7);
    // README, app.py, settings.py, keys.py, tagged.py: the renamed file is the same blob.
    assert_eq!(s["unique_blobs"], 5);
    assert_eq!(s["files_scanned"], 5);
    assert_eq!(s["errors"].as_array().unwrap().len(), 0);
    assert_ne!(k.merge, k.c6);
}

#[test]
fn human_report_shows_the_commit_and_the_other_places() {
    let k = known();
    let out = pyguard()
        .env("HOME", &k.repo.home)
        .current_dir(&k.repo.dir)
        .arg("history")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--> app.py:2:10"), "{text}");
    assert!(
        text.contains(&format!("commit {} 2024-01-02T12:00:00+00:00", &k.c1[..12])),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "also lib/credentials.py:1:8 (commit {}",
            &k.c6[..12]
        )),
        "{text}"
    );
    assert!(
        text.contains("2 findings (2 blocking, 0 warnings) in 7 commits, 5 unique blobs"),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "{text}");
}

#[test]
fn branch_range_and_since_narrow_the_commits() {
    let k = known();
    let dir = &k.repo.dir;
    let doc = json(&k.repo.scan(dir, &["--branch", "feature"]));
    assert_eq!(doc["summary"]["commits"], 3);
    assert_eq!(
        places(&doc, "github-token"),
        [
            place("app.py", 2, &k.c1),
            place("config/settings.py", 3, &k.c3)
        ]
    );
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);

    // c4..main: feature's commit comes in through the merge; lib/keys.py was already in c4.
    let range = format!("{}..main", k.c4);
    let doc = json(&k.repo.scan(dir, &["--range", &range]));
    assert_eq!(doc["summary"]["commits"], 3, "{doc}");
    assert_eq!(
        places(&doc, "github-token"),
        [
            place("config/settings.py", 3, &k.c3),
            place("lib/credentials.py", 1, &k.c6)
        ]
    );

    // Since c4's date: c3 is older, so settings.py is not new in the merge either.
    let doc = json(&k.repo.scan(dir, &["--since", "2024-01-05T00:00:00Z"]));
    assert_eq!(
        places(&doc, "github-token"),
        [
            place("lib/keys.py", 1, &k.c4),
            place("lib/credentials.py", 1, &k.c6)
        ]
    );
    assert_eq!(places(&doc, "aws-access-key-id").len(), 1);
}

#[test]
fn bare_clone_gives_the_same_findings() {
    let k = known();
    let bare = k.repo.dir.parent().unwrap().join("bare.git");
    k.repo
        .git(&["clone", "-q", "--mirror", ".", bare.to_str().unwrap()]);
    let out = k.repo.scan(&bare, &[]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(places(&doc, "github-token").len(), 4);
    assert_eq!(
        places(&doc, "aws-access-key-id"),
        [place("tagged.py", 1, &k.c5)]
    );
}

#[test]
fn shallow_clone_attributes_to_its_boundary_commit() {
    let k = known();
    let shallow = k.repo.dir.parent().unwrap().join("shallow");
    let url = format!("file://{}", k.repo.dir.display());
    k.repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        shallow.to_str().unwrap(),
    ]);
    let out = k.repo.scan(&shallow, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["commits"], 1);
    assert_eq!(
        places(&doc, "github-token"),
        [
            place("config/settings.py", 3, &k.c6),
            place("lib/credentials.py", 1, &k.c6)
        ]
    );
}

#[test]
fn lfs_pointers_binary_and_large_blobs_are_skipped_and_counted() {
    let mut repo = Repo::new();
    repo.write(
        "model.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.write("blob.dat", "\0\0binary data\n");
    // One NUL does not hide a token: binaries are searched for secrets (issue 16).
    repo.write("tok.dat", &format!("\0\0binary {TOKEN}\n"));
    repo.write("big.py", &format!("x = 1\n{}\n", "#".repeat(4000)));
    repo.write("ok.py", "print('hi')\n");
    // Starts like a pointer but is not one: scanned.
    repo.write(
        "notes.txt",
        &format!("version https://git-lfs.github.com/spec/v1\nGITHUB = \"{TOKEN}\"\n"),
    );
    repo.commit("assets");
    let out = repo.scan(&repo.dir, &["--max-file-size", "1KB"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        [(
            "github-token".into(),
            "notes.txt".into(),
            2,
            repo.git(&["rev-parse", "HEAD"])
        )]
    );
    // The same token in the binary is another place of that finding.
    let places: Vec<&str> = doc["findings"][0]["places"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["path"].as_str())
        .collect();
    assert!(places.contains(&"tok.dat"), "{places:?}");
    let s = doc["summary"].clone();
    assert_eq!(s["skipped_lfs"], 1);
    assert_eq!(s["skipped_binary"], 1);
    assert_eq!(s["skipped_too_large"][0]["path"], "big.py");
    assert_eq!(s["files_scanned"], 3);
    assert_eq!(s["unique_blobs"], 6);
}

#[test]
fn corrupt_object_is_reported_and_the_scan_goes_on() {
    let mut repo = Repo::new();
    repo.write("app.py", &format!("TOKEN = \"{TOKEN}\"\n"));
    repo.write("clean.py", "print('clean')\n");
    repo.commit("one");
    let clean = repo.git(&["rev-parse", "HEAD:clean.py"]);
    let loose = repo
        .dir
        .join(".git/objects")
        .join(&clean[..2])
        .join(&clean[2..]);
    let mut perms = std::fs::metadata(&loose).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&loose, perms).unwrap();
    std::fs::write(&loose, b"this is not zlib data").unwrap();
    let out = repo.scan(&repo.dir, &[]);
    assert_eq!(out.status.code(), Some(2), "errors win over findings");
    let doc = json(&out);
    assert_eq!(findings(&doc).len(), 1, "the other blob was still scanned");
    let errors = doc["summary"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let err = errors[0].as_str().unwrap();
    assert!(err.contains("clean.py") && err.contains(&clean), "{err}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&clean));
}

#[test]
fn missing_pack_is_an_error() {
    let mut repo = Repo::new();
    repo.write("app.py", "print('x')\n");
    repo.commit("one");
    repo.git(&["gc", "-q"]);
    for e in std::fs::read_dir(repo.dir.join(".git/objects/pack")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let out = repo.scan(&repo.dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing from the object store"), "{stderr}");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let repo = Repo::new(); // no commits yet
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![repo.dir.display().to_string()], "no commits"),
        (
            vec![repo
                .dir
                .parent()
                .unwrap()
                .join("home")
                .display()
                .to_string()],
            "not a git repository",
        ),
        (
            vec![repo.dir.join("nope").display().to_string()],
            "no such file",
        ),
    ];
    for (args, expected) in cases {
        let out = pyguard()
            .env("HOME", &repo.home)
            .env("GIT_CEILING_DIRECTORIES", repo.dir.parent().unwrap())
            .arg("history")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    let k = known();
    for (flag, value, expected) in [
        ("--branch", "no-such-branch", "no branch, tag or ref named"),
        ("--range", "nope..main", "invalid revision range"),
        ("--since", "not a date", "invalid --since date"),
    ] {
        let out = k.repo.scan(&k.repo.dir, &[flag, value]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{flag} {value}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}

#[test]
fn a_history_baseline_suppresses_every_historical_finding_but_not_a_new_one() {
    // `pyguard baseline --history` records what the whole history holds, so that adopting
    // pyguard on an old repository starts from a clean `pyguard history`.
    let mut k = known();
    let before = k.repo.scan(&k.repo.dir, &[]);
    assert_eq!(before.status.code(), Some(1));
    let written = pyguard()
        .env("HOME", &k.repo.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["baseline", "--history"])
        .arg(&k.repo.dir)
        .output()
        .unwrap();
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let text = std::fs::read_to_string(k.repo.dir.join(".pyguard-baseline.json")).unwrap();
    assert!(
        !text.contains(TOKEN) && !text.contains(AWS_KEY),
        "secret written: {text}"
    );
    let after = k.repo.scan(&k.repo.dir, &[]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
    assert!(json(&after)["findings"].as_array().unwrap().is_empty());
    // A different secret committed later is still reported.
    k.repo
        .write("new.py", "t = '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'\n"); // pyguard: allow[github-token] test fixture
    k.repo.commit("add a new token");
    let newer = k.repo.scan(&k.repo.dir, &[]);
    assert_eq!(newer.status.code(), Some(1));
    let doc = json(&newer);
    let paths: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["new.py"], "{doc:#}");
}

/// A file edited in many commits: each secret is attributed to the commit that added its
/// line, at its line in that commit's version, not to later versions that only kept it
/// (only lines new at a path are scanned, in whatever order the pack hands blobs over).
#[test]
fn a_kept_line_is_attributed_to_the_commit_that_added_it() {
    let mut repo = Repo::new();
    let body = (0..40).fold(String::new(), |acc, i| acc + &format!("x{i} = {i}\n"));
    repo.write("app.py", &body);
    repo.commit("start");
    let with_token = format!("{body}GITHUB = \"{TOKEN}\"\nend = 1\n");
    repo.write("app.py", &with_token);
    let added = repo.commit("add the token");
    // Later versions move the token down and change lines around it, but keep its line and
    // the line before it.
    let mut text = with_token.clone();
    for n in 0..6 {
        text = format!("# header {n}\n{text}late{n} = {n}\n");
        repo.write("app.py", &text);
        repo.commit(&format!("edit {n}"));
    }
    text = format!("{text}AWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\n");
    repo.write("app.py", &text);
    let aws = repo.commit("add a key");
    repo.git(&["repack", "-adq"]);
    let first = json(&repo.scan(&repo.dir, &[]));
    assert_eq!(
        findings(&first),
        [
            ("github-token".into(), "app.py".into(), 41, added.clone()),
            ("aws-access-key-id".into(), "app.py".into(), 55, aws.clone()),
        ]
    );
    assert_eq!(
        places(&first, "github-token"),
        [place("app.py", 41, &added)]
    );
    // The same report on every run, whatever order the blobs were read in.
    for _ in 0..3 {
        assert_eq!(
            json(&repo.scan(&repo.dir, &[]))["findings"],
            first["findings"]
        );
    }
    let s = &first["summary"];
    assert_eq!(s["unique_blobs"], 9);
    assert_eq!(s["files_scanned"], 9);
}

/// Regression: the same line twice in a file (after the same line, so the line ledger knows
/// both by one pair) was one place or two from run to run. When a later version of the file
/// was read first, both of its findings were moved to the first place the lines stood in the
/// introducing version; when the introducing version was read first, they stayed apart.
/// Each now keeps its own place among the equal lines, in any reading order.
#[test]
fn the_same_line_twice_in_a_file_is_two_places_in_every_run() {
    let mut repo = Repo::new();
    let twice = format!("x = 1\nGITHUB = \"{TOKEN}\"\nx = 1\nGITHUB = \"{TOKEN}\"\n");
    repo.write("app.py", &twice);
    let added = repo.commit("add the token twice");
    for n in 0..4 {
        repo.write("app.py", &format!("# header {n}\n{twice}late = {n}\n"));
        repo.commit(&format!("edit {n}"));
    }
    let expected = [place("app.py", 2, &added), place("app.py", 4, &added)];
    for packed in [false, true] {
        if packed {
            repo.git(&["repack", "-adq"]);
        }
        for threads in ["1", "2"] {
            let doc = json(&repo.scan(&repo.dir, &["-j", threads]));
            assert_eq!(
                places(&doc, "github-token"),
                expected,
                "packed: {packed}, threads: {threads}"
            );
        }
    }
}

/// A long history is walked in runs of commits on several threads, each run starting from
/// its first commit's whole tree. What a later run finds is kept (a file added late is
/// attributed to its own commit), and a file present across a run boundary, deleted and
/// added back, is still introduced by the commit that first held it: the same report on
/// one thread or two.
#[test]
fn a_long_history_walked_in_parallel_attributes_like_one_walk() {
    use std::fmt::Write as _;
    let repo = Repo::new();
    // 1,200 commits through fast-import: commit k writes counter.txt; app.py (a token) is
    // added by commit 1, deleted by 700, added back by 800; late.py (a key) by commit 1,000.
    let mut stream = String::new();
    for k in 1..=1200u32 {
        let msg = format!("commit {k}");
        write!(
            stream,
            "commit refs/heads/main\nmark :{k}\ncommitter Ada <ada@example.com> {} +0000\n\
             data {}\n{msg}\n",
            1_700_000_000 + u64::from(k) * 60,
            msg.len()
        )
        .unwrap();
        if k > 1 {
            writeln!(stream, "from :{}", k - 1).unwrap();
        }
        let counter = format!("{k}\n");
        write!(
            stream,
            "M 100644 inline counter.txt\ndata {}\n{counter}\n",
            counter.len()
        )
        .unwrap();
        if k == 1 || k == 800 {
            let app = format!("GITHUB = \"{TOKEN}\"\n");
            write!(
                stream,
                "M 100644 inline app.py\ndata {}\n{app}\n",
                app.len()
            )
            .unwrap();
        }
        if k == 700 {
            stream.push_str("D app.py\n");
        }
        if k == 1000 {
            let late = format!("x = 1\nAWS_ACCESS_KEY_ID = \"{AWS_KEY}\"\n");
            write!(
                stream,
                "M 100644 inline late.py\ndata {}\n{late}\n",
                late.len()
            )
            .unwrap();
        }
    }
    let mut child = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&repo.dir)
        .env("HOME", &repo.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let ids = repo.git(&["rev-list", "--reverse", "main"]);
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(ids.len(), 1200);
    let (first, late) = (ids[0], ids[999]);
    for threads in ["1", "2"] {
        let doc = json(&repo.scan(&repo.dir, &["-j", threads]));
        assert_eq!(
            places(&doc, "github-token"),
            [place("app.py", 1, first)],
            "threads: {threads}"
        );
        assert_eq!(
            places(&doc, "aws-access-key-id"),
            [place("late.py", 2, late)],
            "threads: {threads}"
        );
        assert_eq!(doc["summary"]["commits"], 1200);
    }
}

/// `pyguard history` runs itself again with a malloc tunable (glibc): the arguments reach
/// the new process as they were (a path with a space, an option after it), and a tunable
/// the user set is kept, not replaced.
#[test]
fn history_runs_the_same_with_the_allocator_tuned_and_user_tunables_kept() {
    let mut repo = Repo::new();
    repo.write("my dir/app.py", &format!("GITHUB = \"{TOKEN}\"\n"));
    let added = repo.commit("add");
    for tunables in [
        None,
        Some("glibc.malloc.check=0"),
        Some("glibc.malloc.arena_max=4"),
    ] {
        let mut cmd = pyguard();
        cmd.env("HOME", &repo.home).env("GIT_CONFIG_NOSYSTEM", "1");
        if let Some(t) = tunables {
            cmd.env("GLIBC_TUNABLES", t);
        }
        let out = cmd
            .args(["history", "--format", "json"])
            .arg(repo.dir.join("my dir"))
            .args(["--branch", "main"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{tunables:?}");
        assert_eq!(
            places(&json(&out), "github-token"),
            [place("my dir/app.py", 1, &added)],
            "{tunables:?}"
        );
    }
}

/// Inline allow comments apply in history as in `pyguard scan`: an allowed line is
/// suppressed in every version that holds it, an unallowed copy elsewhere is still reported.
#[test]
fn inline_allow_comments_suppress_history_findings() {
    let mut repo = Repo::new();
    let allowed = format!("KEY = \"{TOKEN}\"  # pyguard: allow[github-token] rotated, test only\n");
    repo.write("a.py", &allowed);
    repo.commit("allowed");
    repo.write("a.py", &format!("{allowed}import os\n"));
    repo.commit("edit");
    let doc = json(&repo.scan(&repo.dir, &[]));
    assert!(findings(&doc).is_empty(), "{doc}");
    // Scanned where its line is new: once, though two versions hold it.
    assert_eq!(doc["summary"]["suppressed"], 1, "{doc}");
    repo.write("b.py", &format!("KEY = \"{TOKEN}\"\n"));
    let plain = repo.commit("not allowed");
    let doc = json(&repo.scan(&repo.dir, &[]));
    assert_eq!(
        findings(&doc),
        [("github-token".into(), "b.py".into(), 1, plain)]
    );
}

/// SARIF gives a history finding's other places as related locations, each naming the commit
/// that introduced the secret there, and stays valid against the SARIF 2.1.0 schema.
#[test]
fn sarif_lists_the_other_places_as_related_locations() {
    let k = known();
    let out = pyguard()
        .env("HOME", &k.repo.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["history", "--format", "sarif"])
        .arg(&k.repo.dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    crate::sarif_schema::assert_valid(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let token = results
        .iter()
        .find(|r| r["ruleId"] == "github-token")
        .unwrap();
    let related: Vec<(String, u64, String)> = token["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let loc = &l["physicalLocation"];
            (
                loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                loc["region"]["startLine"].as_u64().unwrap(),
                l["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("config/settings.py", 3, &k.c3),
        ("lib/keys.py", 1, &k.c4),
        ("lib/credentials.py", 1, &k.c6),
    ];
    assert_eq!(related.len(), expected.len(), "{related:?}");
    for ((uri, line, text), (want_uri, want_line, commit)) in related.iter().zip(expected) {
        assert_eq!((uri.as_str(), *line), (want_uri, want_line));
        assert!(text.contains(commit.as_str()), "{text}");
    }
    let aws = results
        .iter()
        .find(|r| r["ruleId"] == "aws-access-key-id")
        .unwrap();
    assert!(
        aws.get("relatedLocations").is_none(),
        "one place: none related"
    );
}
