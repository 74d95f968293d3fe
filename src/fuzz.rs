//! Fuzzing that stays: a small seeded random-input harness run by `cargo test` over every
//! parser that reads untrusted bytes (the Python lexer, the matcher, the notebook, Kubernetes
//! and dependency-file extractors, the configuration loader, the index reader and the
//! pre-push input parser). Nightly Rust (`cargo fuzz`) is not at hand, and a seeded harness
//! needs no new dependency: each case mutates a seed from `tests/fuzz-corpus/<target>/`
//! (byte flips, inserts, deletions, splices, repeated runs) or is random bytes.
//!
//! Each target runs [`DEFAULT_CASES`] cases per `cargo test`; `PYGUARD_FUZZ_CASES=N` runs N
//! (a long run), `PYGUARD_FUZZ_SEED=S` picks another sequence. A failing input is written to
//! `target/fuzz-failures/` and its target, seed and case are in the panic message; add it to
//! the corpus with the fix. This module is for tests only; it is not part of the library.

use std::path::{Path, PathBuf};

/// Cases per target in a plain `cargo test` (a few seconds in all on a debug build).
const DEFAULT_CASES: u64 = 200;

/// A xorshift64* generator: deterministic for a seed, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes that matter to the parsers under test: structure, quotes, line breaks, keywords.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\"",
    b"'",
    b"\"\"\"",
    b"\\",
    b"#",
    b":",
    b"=",
    b"==",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b",",
    b" ",
    b"\t",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"- ",
    b"---\n",
    b"data:",
    b"kind: Secret\n",
    b"kind: List\nitems:\n- ",
    b"stringData: {",
    b"\"kind\": \"Secret\"",
    b"|\n  ",
    b"AKIA",
    b"ghp_",
    b"-----BEGIN ",
    b"PRIVATE KEY-----",
    b"exec(",
    b"input()",
    b"f\"",
    b"{x}",
    b"cell_type",
    b"outputs",
    b"source",
    b"base64",
    b"DIRC",
    b"TREE",
    b"-r ",
    b"==1.0",
    b"[tool.pyguard]",
    b"patterns:",
    b"exclude:",
];

/// One mutation of `input`, or fresh random bytes.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    match rng.below(8) {
        0 => {
            let len = rng.below(256);
            input.clear();
            input.extend((0..len).map(|_| rng.next() as u8));
        }
        1 if !input.is_empty() => {
            let at = rng.below(input.len());
            input[at] ^= 1 << rng.below(8);
        }
        2 => {
            let at = rng.below(input.len() + 1);
            let token = TOKENS[rng.below(TOKENS.len())];
            input.splice(at..at, token.iter().copied());
        }
        3 if !input.is_empty() => {
            let from = rng.below(input.len());
            let to = (from + rng.below(64) + 1).min(input.len());
            input.drain(from..to);
        }
        4 if !corpus.is_empty() => {
            // Splice a piece of another seed in.
            let other = &corpus[rng.below(corpus.len())];
            if !other.is_empty() {
                let from = rng.below(other.len());
                let to = (from + rng.below(128) + 1).min(other.len());
                let at = rng.below(input.len() + 1);
                input.splice(at..at, other[from..to].iter().copied());
            }
        }
        5 if !input.is_empty() => {
            // A run: one byte or a short piece repeated (degenerate input).
            let from = rng.below(input.len());
            let to = (from + rng.below(4) + 1).min(input.len());
            let piece = input[from..to].to_vec();
            let times = rng.below(2000) + 1;
            let at = rng.below(input.len() + 1);
            let run: Vec<u8> = piece
                .iter()
                .copied()
                .cycle()
                .take(piece.len() * times)
                .collect();
            input.splice(at..at, run);
        }
        6 if !input.is_empty() => {
            let at = rng.below(input.len());
            input.truncate(at);
        }
        _ => {
            let at = rng.below(input.len() + 1);
            input.insert(at, rng.next() as u8);
        }
    }
}

/// The seeds of `target`, from `tests/fuzz-corpus/<target>/`.
fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `check` on every seed of `target`, then on mutated inputs. A panic is reported with
/// the input saved to `target/fuzz-failures/`.
fn run(target: &str, check: impl Fn(&[u8])) {
    let seeds = corpus(target);
    let cases = env_number("PYGUARD_FUZZ_CASES", DEFAULT_CASES);
    let seed = env_number("PYGUARD_FUZZ_SEED", 1);
    let mut rng = Rng::new(
        seed ^ target
            .bytes()
            .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)),
    );
    let try_one = |input: &[u8], case: u64| {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input)));
        if result.is_err() {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let file = dir.join(format!("{target}-{seed}-{case}"));
            let _ = std::fs::write(&file, input);
            panic!(
                "fuzz target {target} failed on case {case} (PYGUARD_FUZZ_SEED={seed}); input saved to {}",
                file.display()
            );
        }
    };
    for (i, s) in seeds.iter().enumerate() {
        try_one(s, i as u64);
    }
    for case in 0..cases {
        let mut input = seeds[rng.below(seeds.len())].clone();
        for _ in 0..=rng.below(8) {
            mutate(&mut rng, &mut input, &seeds);
        }
        // Keep inputs small enough that many cases run; runs are still up to a few KB.
        input.truncate(64 * 1024);
        try_one(&input, case + seeds.len() as u64);
    }
}

fn matcher() -> &'static crate::matcher::Matcher {
    static MATCHER: std::sync::OnceLock<crate::matcher::Matcher> = std::sync::OnceLock::new();
    MATCHER.get_or_init(|| {
        crate::matcher::Matcher::new(crate::rules::pattern::load_embedded().unwrap()).unwrap()
    })
}

#[test]
fn fuzz_python_lexer() {
    run("python", |bytes| {
        let lexed = crate::matcher::python::lex(bytes);
        let blanked = lexed.blank_comments(bytes);
        // Blanking comments keeps every offset.
        assert_eq!(blanked.len(), bytes.len());
        for at in [0, bytes.len() / 2, bytes.len()] {
            let _ = lexed.starts_in_code(at);
        }
    });
}

#[test]
fn fuzz_matcher_over_arbitrary_bytes() {
    let scanner = crate::pipeline::scanner::Scanner::new(
        crate::matcher::Matcher::new(crate::rules::pattern::load_embedded().unwrap()).unwrap(),
    );
    run("matcher", |bytes| {
        for path in [
            "app.py",
            "notes.txt",
            "page.html",
            "requirements.txt",
            ".env",
        ] {
            let (matches, errors) = matcher().find(path, bytes);
            assert!(errors.is_empty(), "{errors:?}");
            for m in &matches {
                assert!(m.span.end <= bytes.len() && m.secret.end <= bytes.len());
                assert!(m.span.start <= m.span.end && m.secret.start <= m.secret.end);
            }
            // The whole chunk path: findings, snippets and their redaction.
            let chunk = crate::source::Chunk::new(path, bytes, crate::source::Provenance::File);
            if let (crate::pipeline::scanner::Outcome::Scanned(found), _) = scanner.scan(&chunk) {
                for f in &found {
                    let shown = f.shown_snippet(false);
                    if f.kind == crate::rules::pattern::Kind::Secret
                        && f.secret.chars().count() >= 12
                    {
                        assert!(!shown.contains(&f.secret), "{shown}");
                    }
                }
            }
        }
    });
}

#[test]
fn fuzz_notebook_extractor() {
    run("notebook", |bytes| {
        let _ =
            crate::extract::notebook::chunks("nb.ipynb", bytes, &crate::source::Provenance::File);
    });
}

#[test]
fn fuzz_kubernetes_extractor() {
    run("kubernetes", |bytes| {
        for path in ["secret.yaml", "list.json"] {
            let parts = crate::extract::kubernetes::decoded_values(
                path,
                bytes,
                &crate::source::Provenance::File,
            );
            // Every value is reported at a line of the file, within the lines it was read from.
            let lines = u32::try_from(bytes.split(|&b| b == b'\n').count()).unwrap();
            for part in &parts {
                let e = part.extract.as_ref().unwrap();
                let (line, column) = e.at.unwrap();
                let (first, last) = e.from_lines.unwrap();
                assert!(column >= 1 && first == line && line <= last && last <= lines);
            }
        }
    });
}

#[test]
fn fuzz_dependency_files() {
    run("deps", |bytes| {
        for path in [
            "requirements.txt",
            "pyproject.toml",
            "setup.py",
            "Pipfile",
            "setup.cfg",
            "environment.yml",
            "pip.conf",
        ] {
            if let Some(items) = crate::matcher::deps::items(path, bytes) {
                for i in items {
                    assert!(i.span.start < i.span.end && i.span.end <= bytes.len());
                }
            }
            let _ = crate::matcher::deps::declared_names(path, bytes);
        }
        let _ = crate::matcher::requirement::parse(bytes);
    });
}

#[test]
fn fuzz_configuration_loader() {
    let dir = tempfile::TempDir::new().unwrap();
    run("config", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        for name in [crate::config::YAML_FILE, "pyproject.toml"] {
            let _ = std::fs::remove_file(dir.path().join(crate::config::YAML_FILE));
            let _ = std::fs::remove_file(dir.path().join("pyproject.toml"));
            std::fs::write(dir.path().join(name), text.as_bytes()).unwrap();
            // Bad configuration is an error, never a panic.
            let _ = crate::config::Config::load(None, dir.path());
        }
    });
}

#[test]
fn fuzz_index_reader() {
    run("index", |bytes| {
        if let Some(index) = crate::source::index::parse(bytes) {
            // Each entry takes bytes of the file: the count is bounded by its size.
            assert!(index.entries.len() <= bytes.len() / 62);
            let _ = index.tree_id(b"");
            let _ = index.tree_id(b"a/b");
        }
    });
}

#[test]
fn fuzz_pre_push_input() {
    run("push", |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(updates) = crate::source::push::parse_updates(&text) {
            assert!(updates.len() <= text.lines().count());
        }
    });
}
