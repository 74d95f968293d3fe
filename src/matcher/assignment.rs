//! The generic credential detector: finds a secret-named key holding a literal, in the forms
//! people commit: Python assignments, keyword arguments, parameter defaults and dict literals,
//! subscripts, a quoted key and its value as a call's last arguments, a quoted flag and its
//! value in an argument list, other languages' assignment operators (`:=`, `.=`, `||=`, `??=`,
//! `?=`, `<-`),
//! `.env` and shell (`export`, `--password=x`, `--password x`, `curl -u user:pass`), Dockerfile
//! `ENV`/`ARG`, compose lists, YAML, JSON, TOML, INI, `.properties`, XML elements and attributes,
//! HCL, HTTP `Authorization` headers, URLs with `user:password@` and connection strings
//! (`Password=...;`).
//!
//! It reads one line at a time and knows only the file's kind (source code or not, a sample
//! path or not); the key-name and value models it applies live in `rules::keyname` and
//! `rules::literal`. The keyword prefilter runs before it (the patterns that name this detector
//! carry the keywords), so lines without a secret word never reach it.

use std::ops::Range;

use crate::rules::keyname::{self, KeyClass};
use crate::rules::literal::{self, Strength};
use crate::rules::validate;
use crate::rules::{entropy, placeholder};

/// What the detector decided about one key and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A password-named key holding a literal (`generic-password`).
    Password,
    /// Another secret-named key holding a credential-shaped literal
    /// (`generic-secret-assignment`).
    Secret,
    /// A sample: in a test, fixture or documentation file, or a hand-typed value
    /// (`generic-secret-sample`, a warning).
    Sample,
}

/// One credential found on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    /// What it is.
    pub verdict: Verdict,
    /// From the key to the end of the value.
    pub span: Range<usize>,
    /// The value.
    pub secret: Range<usize>,
}

/// A file whose kind changes how a loose `key value` is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// Any other file.
    None,
    /// A `.netrc`, where `password x` separated by a blank is the form.
    Netrc,
    /// A translation file (`locales/fr.json`, `i18n/`, `*.po`): a value of several words is
    /// the translated text (`"password": "mot de passe"`), not a passphrase.
    Locale,
}

/// What the detector needs to know about the file a line is in.
#[derive(Clone, Copy, Debug)]
#[allow(clippy::struct_excessive_bools)] // independent facts about one path
pub struct FileKind {
    /// Source code: an unquoted right-hand side is an expression, not a literal.
    pub code: bool,
    /// A CI pipeline's configuration (`.github/workflows/`, `.gitlab-ci.yml`, ...), where a
    /// service container's default password is a sample.
    pub ci: bool,
    /// Python source, where a name followed by a blank and a string is no statement (`pass`
    /// is a keyword, and `# only pass 'kwargs'` a comment).
    pub python: bool,
    /// Tests, fixtures, examples, documentation: findings are samples.
    pub sample: bool,
    /// A `.netrc` or a translation file, or neither.
    pub special: Special,
    /// One of the few lines above the line being read starts a `.netrc` entry (`machine h`,
    /// `default`, `login u`): set per line by [`scan_line`], so that `password p` alone on its
    /// line below it is read as the entry's password.
    pub netrc_above: bool,
}

impl FileKind {
    /// The kind of the file at `path`.
    #[must_use]
    pub fn of(path: &str) -> Self {
        const CODE: &[&str] = &[
            "py", "pyi", "pyw", "js", "mjs", "cjs", "jsx", "ts", "tsx", "go", "java", "kt", "kts",
            "scala", "rb", "php", "cs", "c", "cc", "cpp", "h", "hpp", "rs", "swift", "m", "dart",
            "lua", "pl", "groovy", "gradle", "r", "jl", "ex", "exs", "erl", "clj", "tf", "hcl",
            "vue", "svelte",
        ];
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let ext = name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        FileKind {
            code: CODE.contains(&ext.as_str()),
            python: matches!(ext.as_str(), "py" | "pyi" | "pyw"),
            ci: is_ci_config(path),
            sample: literal::is_sample_path(path),
            special: if name == ".netrc" || name == "_netrc" {
                Special::Netrc
            } else if ext == "po"
                || ext == "pot"
                || path.split(['/', '\\']).any(|part| {
                    let part = part.to_ascii_lowercase();
                    ["locale", "locales", "i18n", "l10n", "translations"].contains(&part.as_str())
                })
            {
                Special::Locale
            } else {
                Special::None
            },
            netrc_above: false,
        }
    }
}

/// Whether the line's head up to the end of its key, `head`, names a database, broker or test
/// service (`MYSQL_ROOT_PASSWORD`, `POSTGRES_PASSWORD`, `PYTEST_PASSWORD`, `root-password` of a
/// setup-mysql step, `mysqladmin ... --password=`): there a default password is the service
/// container's, not a deployment's (`PYPI_PASSWORD` is not).
fn names_a_service(head: &[u8]) -> bool {
    let lower = head.to_ascii_lowercase();
    [
        &b"mysql"[..],
        b"mariadb",
        b"postgres",
        b"pgpassword",
        b"db_",
        b"database",
        b"rabbitmq",
        b"amqp",
        b"redis",
        b"mongo",
        b"mssql",
        b"sa_password",
        b"oracle",
        b"test",
        b"root",
    ]
    .iter()
    .any(|w| memchr::memmem::find(&lower, w).is_some())
}

/// A CI pipeline's configuration file: GitHub Actions workflows, GitLab CI, `CircleCI`, Travis,
/// Azure Pipelines, Bitbucket Pipelines, Drone, Woodpecker, Buildkite.
fn is_ci_config(path: &str) -> bool {
    let path = path.replace('\\', "/");
    let name = path.rsplit('/').next().unwrap_or(&path);
    let yaml = name.rsplit_once('.').is_some_and(|(_, ext)| {
        ext.eq_ignore_ascii_case("yml") || ext.eq_ignore_ascii_case("yaml")
    });
    yaml && (path.contains(".github/workflows/")
        || path.contains(".circleci/")
        || path.contains(".buildkite/")
        || path.contains(".woodpecker/")
        || [
            ".gitlab-ci",
            ".travis",
            "azure-pipelines",
            "bitbucket-pipelines",
            ".drone",
            ".woodpecker",
        ]
        .iter()
        .any(|stem| name.split('.').count() >= 2 && name.starts_with(stem)))
}

/// Lines longer than this are minified code or data: not read.
const MAX_LINE: usize = 1000;

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// A cheap test before the key-name model: the name holds a secret word at all.
fn may_be_secret_name(name: &[u8]) -> bool {
    const STEMS: &[&[u8]] = &[
        b"pass", b"pwd", b"pw", b"secret", b"token", b"key", b"auth", b"cred", b"access",
    ];
    let lower = name.to_ascii_lowercase();
    STEMS
        .iter()
        .any(|s| memchr::memmem::find(&lower, s).is_some())
}

/// How many lines above a lone `password p` line a `.netrc` `machine` or `login` line may be.
const NETRC_LOOKBACK: usize = 3;

/// Finds the credentials on `line` (without its line break), which starts at byte `base` of
/// the content; `before` is the content before the line. Pushes them to `out`.
pub fn scan_line(kind: FileKind, before: &[u8], line: &[u8], base: usize, out: &mut Vec<Hit>) {
    let n = line.len();
    // Minified code and data, not configuration.
    if n > MAX_LINE {
        return;
    }
    let kind = FileKind {
        netrc_above: is_lone_password_line(line) && netrc_entry_above(before),
        ..kind
    };
    let found_before = out.len();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < n {
        let b = line[i];
        // Track string state so that a key inside a string literal of source code is judged
        // as data (`"Server=x;Password=y"`), not as an assignment.
        if b == b'"' || b == b'\'' || b == b'`' {
            match quote {
                Some(q) if q == b && (i == 0 || line[i - 1] != b'\\') => quote = None,
                None => quote = Some(b),
                _ => {}
            }
            i += 1;
            continue;
        }
        let starts_name = (b.is_ascii_alphabetic() || b == b'_')
            && (i == 0 || !(line[i - 1].is_ascii_alphanumeric() || line[i - 1] == b'_'));
        if !starts_name {
            i += 1;
            continue;
        }
        let ks = i;
        while i < n && is_name_byte(line[i]) {
            i += 1;
        }
        let mut ke = i;
        while ke > ks && matches!(line[ke - 1], b'.' | b'-') {
            ke -= 1;
        }
        let name = &line[ks..ke];
        if !may_be_secret_name(name) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if lower == b"authorization" || lower == b"proxy-authorization" {
            if let Some(end) = authorization(kind, line, ke, base, ks, out) {
                i = end;
            }
            continue;
        }
        if (lower == b"u" || lower == b"user") && ks >= 1 && line[ks - 1] == b'-' {
            continue;
        }
        let Some(class) = keyname::classify(name) else {
            // `API_KEYS = ['…', '…']`: a plural name is a list of names as often as not
            // (`SECRET_KEYS = ('SECRET_KEY', …)`), so it is read only when it holds a literal
            // sequence, and only for random tokens.
            // A quoted key is a dictionary's (`{'api_keys': [...]}`).
            let closed = quote.is_some_and(|q| {
                line.get(ke) == Some(&q) && ks.checked_sub(1).map(|k| line[k]) == Some(q)
            });
            if kind.code && (quote.is_none() || closed) && plural_of_secret_name(name) {
                let sep = skip_blanks(line, ke + usize::from(closed));
                let assigns = line.get(sep) == Some(&b'=') && line.get(sep + 1) != Some(&b'=');
                if assigns || closed && line.get(sep) == Some(&b':') {
                    let at = (ks, skip_blanks(line, sep + 1));
                    if let Some(end) = sequence(kind, line, at, None, base, out) {
                        i = end;
                        quote = None;
                    }
                }
            }
            continue;
        };
        if let Some(end) = assignment(kind, line, (ks, ke), class, quote, base, out) {
            i = end;
            // The value's closing quote was consumed with it.
            quote = None;
        }
    }
    let before_flags = out.len();
    user_password_flag(kind, line, base, out);
    if out.len() == before_flags {
        client_password_flag(kind, line, base, out);
    }
    url_credentials(kind, line, base, out);
    if out.len() == found_before {
        credential_line(kind, line, base, out);
    }
}

/// A key whose value is on the next line: a YAML block scalar (`api_token: |`, `>`, `|-`, ...)
/// or an XML element whose text is alone on the next line (`<apiToken>`, value, `</apiToken>`).
/// `line` starts at byte `base`; `after` is the content after it, starting at `after_base`.
/// Called for lines where [`scan_line`] found nothing.
pub fn scan_block(
    kind: FileKind,
    line: &[u8],
    base: usize,
    after: &[u8],
    after_base: usize,
    out: &mut Vec<Hit>,
) {
    let body = line.trim_ascii();
    if body.len() < 4 || body.len() > 200 {
        return;
    }
    let start = line.len() - line.trim_ascii_start().len();
    let (name, xml) = if let Some(tag) = body.strip_prefix(b"<").and_then(|b| b.strip_suffix(b">"))
    {
        (tag, true)
    } else {
        let Some(colon) = memchr::memrchr(b':', body) else {
            return;
        };
        let indicator = body[colon + 1..].trim_ascii();
        if !matches!(indicator, b"|" | b">" | b"|-" | b">-" | b"|+" | b">+") {
            return;
        }
        let name = body[..colon].trim_ascii_end();
        let name = name
            .strip_prefix(b"\"")
            .and_then(|n| n.strip_suffix(b"\""))
            .or_else(|| name.strip_prefix(b"'").and_then(|n| n.strip_suffix(b"'")))
            .unwrap_or(name);
        (name, false)
    };
    if name.is_empty() || !name.iter().all(|&b| is_name_byte(b)) {
        return;
    }
    let Some(class) = keyname::classify(name) else {
        return;
    };
    let mut lines = after.split(|&b| b == b'\n');
    let Some(next) = lines.next() else {
        return;
    };
    let next = next.strip_suffix(b"\r").unwrap_or(next);
    let value = next.trim_ascii();
    // One token alone on its line, indented under the key.
    let indent = next.len() - next.trim_ascii_start().len();
    if value.is_empty()
        || value.contains(&b' ')
        || value.contains(&b'\t')
        || (!xml && indent <= start)
    {
        return;
    }
    if xml {
        let closing = lines.next().map(<[u8]>::trim_ascii);
        let expected = [&b"</"[..], name, b">"].concat();
        if closing != Some(expected.as_slice()) {
            return;
        }
    }
    let Some(strength) = literal::judge(class, value, true, false) else {
        return;
    };
    let verdict = verdict(kind, strength, class);
    let vs = after_base + indent;
    out.push(Hit {
        verdict,
        span: base + start..vs + value.len(),
        secret: vs..vs + value.len(),
    });
}

/// Credential words that end the key of a [`credential_line`], found inside a name written in
/// one piece too (`acmeSECRET`, `acme_PRIVATE_key`).
const LINE_KEY_WORDS: &[&[u8]] = &[
    b"secret",
    b"token",
    b"apikey",
    b"key",
    b"private",
    b"access",
    b"password",
    b"passwd",
    b"pwd",
];

/// A line that is nothing but a credential-named key and a token-shaped value, joined however
/// (`acme SECRET 8f2k...`, `acmeTOKEN=8f2k...`, `acme-secret-8f2k...`, `acme.key.8f2k...`,
/// `acme_key = 1234abcd...`): how providers' examples, notes and `.env`-like files write keys
/// that the assignment forms above do not take (a separator of blanks or a dash, a glued name,
/// a value too regular to look generated). The form is loose and the values are often made up,
/// so the verdict is always a sample (a warning).
fn credential_line(kind: FileKind, line: &[u8], base: usize, out: &mut Vec<Hit>) {
    let start = line.len() - line.trim_ascii_start().len();
    let body = line.trim_ascii();
    let n = body.len();
    if !(14..=400).contains(&n) {
        return;
    }
    let lower = body.to_ascii_lowercase();
    let mut ends: Vec<usize> = LINE_KEY_WORDS
        .iter()
        .flat_map(|w| memchr::memmem::find_iter(&lower, w).map(move |at| at + w.len()))
        .collect();
    ends.sort_unstable();
    ends.dedup();
    // The last credential word that ends a well-formed key wins (`acme-secret-key-<value>`).
    for &ke in ends.iter().rev() {
        let Some(key) = line_key(&body[..ke]) else {
            continue;
        };
        let mut j = ke;
        let key_quote = body[..ke.saturating_sub(key.len())].last().copied();
        if j < n && matches!(key_quote, Some(b'"' | b'\'')) && body[j] == key_quote.unwrap_or(0) {
            j += 1;
        }
        let sep_start = j;
        let mut strong = 0;
        while j < n && j - sep_start < 5 && b" \t=:-.>".contains(&body[j]) {
            strong += usize::from(!b" \t".contains(&body[j]));
            j += 1;
        }
        if j == sep_start || strong > 2 {
            continue;
        }
        let quote = (j < n && b"\"'".contains(&body[j])).then(|| body[j]);
        // An unquoted right-hand side of source code is an expression.
        if kind.code && quote.is_none() {
            continue;
        }
        j += usize::from(quote.is_some());
        let vs = j;
        let mut ve = vs;
        while ve < n && (body[ve].is_ascii_alphanumeric() || b"_-+/.=".contains(&body[ve])) {
            ve += 1;
        }
        let mut k = ve;
        if let Some(q) = quote {
            if body.get(k) != Some(&q) {
                continue;
            }
            k += 1;
        }
        while k < n && b";,".contains(&body[k]) {
            k += 1;
        }
        if k != n || !literal::is_token_shaped(&body[vs..ve]) {
            continue;
        }
        // Under a key the assignment forms judged (`key: <uuid>`), a UUID is an identifier
        // there too; a loose form (`acme secret <uuid>`) is how providers print UUID keys.
        let strict = body[sep_start..vs].iter().any(|b| b"=:".contains(b))
            && keyname::classify(key).is_some();
        if strict && std::str::from_utf8(&body[vs..ve]).is_ok_and(placeholder::is_uuid) {
            continue;
        }
        out.push(Hit {
            verdict: Verdict::Sample,
            span: base + start + ke - key.len()..base + start + ve,
            secret: base + start + vs..base + start + ve,
        });
        return;
    }
}

/// The key of a [`credential_line`] when `head` (the line up to a credential word) is one: at
/// most four words of name characters (after an optional `export` and an opening quote) that
/// name a credential. Returns the key without the prefix.
fn line_key(head: &[u8]) -> Option<&[u8]> {
    let mut key = head;
    for prefix in [&b"export "[..], b"\"", b"'"] {
        key = key.strip_prefix(prefix).unwrap_or(key);
    }
    let first = *key.first()?;
    // A credential word inside a random value is not the key's end
    // (`acme SECRET Xk9mQ2pL7vN4wR8t.key.Zr8t...`); the last word holds the credential word
    // itself (`scrapingant123TOKEN`), so only the words before it are judged.
    let mut words = key.split(|b| b" ._-".contains(b));
    words.next_back();
    let random_word = words
        .any(|w| w.len() >= 12 && w.iter().any(u8::is_ascii_digit) && entropy::is_random(w, true));
    if key.len() > 64
        || random_word
        || !first.is_ascii_alphabetic()
        || !key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"_-. ".contains(&b))
        || key.split(|&b| b == b' ').filter(|w| !w.is_empty()).count() > 4
    {
        return None;
    }
    let words = keyname::words(key);
    let last = words.last()?;
    let named = keyname::classify(key).is_some()
        // `acme PRIVATE`: a credential on its own in this form.
        || (last == "private" || last.ends_with("private"));
    named.then_some(key)
}

/// A `.netrc` entry on one line: `machine h` or `default`, then only `login u`, `password p`,
/// `account a` and `port n` pairs, with a login and a password among them.
fn is_netrc_entry(line: &[u8]) -> bool {
    let mut words = line
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty());
    match words.next() {
        Some(b"machine") => {
            if words.next().is_none() {
                return false;
            }
        }
        Some(b"default") => {}
        _ => return false,
    }
    let (mut login, mut password) = (false, false);
    while let Some(key) = words.next() {
        if words.next().is_none() {
            return false;
        }
        match key {
            b"login" => login = true,
            b"password" => password = true,
            b"account" | b"port" => {}
            _ => return false,
        }
    }
    login && password
}

/// `password p` and nothing else on the line (blanks around).
fn is_lone_password_line(line: &[u8]) -> bool {
    let mut words = line
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty());
    words.next() == Some(b"password") && words.next().is_some() && words.next().is_none()
}

/// Whether one of the last [`NETRC_LOOKBACK`] non-blank lines of `before` starts a `.netrc`
/// entry or its login (`machine h`, `default`, `login u`).
fn netrc_entry_above(before: &[u8]) -> bool {
    before
        .rsplit(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .take(NETRC_LOOKBACK)
        .any(|l| {
            let first = l.split(u8::is_ascii_whitespace).find(|w| !w.is_empty());
            matches!(first, Some(b"machine" | b"default" | b"login"))
        })
}

/// Parses what follows the key `line[ks..ke]`: a separator and a value. Returns where the value
/// ends when it found one.
#[allow(clippy::too_many_lines)]
fn assignment(
    kind: FileKind,
    line: &[u8],
    (ks, ke): (usize, usize),
    class: KeyClass,
    in_string: Option<u8>,
    base: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let n = line.len();
    if badge_token(line, ks) {
        return None;
    }
    let before = ks.checked_sub(1).map(|k| line[k]);
    let mut j = ke;
    let mut key_quoted = false;
    // The closing quote of a quoted key (`"password":`), or `]` of `ENV['X']`-like access.
    if j < n && (line[j] == b'"' || line[j] == b'\'') && before == Some(line[j]) {
        j += 1;
        key_quoted = true;
    } else if line[j..].starts_with(b"\\\"") && ks >= 2 && line[ks - 2..ks] == *b"\\\"" {
        // JSON inside a string: `\"api_token\": \"x\"`.
        j += 2;
        key_quoted = true;
    }
    // `os.environ['DB_PASSWORD'] = 'x'`, `ENV["API_TOKEN"] = "x"`, `settings['password'] = 'x'`:
    // the closing bracket of a subscript is between the quoted key and `=`.
    if key_quoted && j < n && line[j] == b']' && ks >= 2 && line[ks - 2] == b'[' {
        j += 1;
        if !line[j..].trim_ascii_start().starts_with(b"=")
            || line[j..].trim_ascii_start().starts_with(b"==")
        {
            return None;
        }
    }
    // `define('DB_PASSWORD', 'x')`, `os.environ.setdefault("SECRET_KEY", "x")`,
    // `System.setProperty("db.password", "x")`: a quoted key that is an argument of a call,
    // followed by a quoted literal that is the call's last argument.
    if key_quoted && kind.code && line[j..].trim_ascii_start().starts_with(b",") {
        return call_argument(kind, line, (ks, j), class, base, out);
    }
    // `["--password", "x"]`, `args: ['-p', 'x']`: a quoted flag and its value as the next
    // item of an argument list.
    if !key_quoted && before == Some(b'-') {
        let dashes = if ks >= 2 && line[ks - 2] == b'-' {
            2
        } else {
            1
        };
        let open = (ks > dashes).then(|| line[ks - dashes - 1]);
        if let Some(q) = open.filter(|q| b"\"'".contains(q)) {
            if line.get(j) == Some(&q) && line[j + 1..].trim_ascii_start().starts_with(b",") {
                return argument_list_item(kind, line, (ks, j + 1), class, base, out);
            }
        }
    }
    let xml_element = before == Some(b'<');
    let flag = ks >= 2 && line[ks - 1] == b'-';
    let spaces_before = skip_blanks(line, j);
    let had_space = spaces_before > j;
    j = spaces_before;
    if j >= n {
        return None;
    }
    // A declared type between the name and `=`: `var apiToken string = "x"` (Go),
    // `const secret: &str = "x"` is read by the annotation rule below.
    let declaration = line[..ks]
        .trim_ascii_start()
        .split(|&b| b == b' ')
        .next()
        .is_some_and(|w| matches!(w, b"var" | b"const" | b"val" | b"let"));
    if had_space && declaration && line[j].is_ascii_alphabetic() {
        let t = j + line[j..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_.[]*".contains(b))
            .count();
        let eq = skip_blanks(line, t);
        if eq > t && line.get(eq) == Some(&b'=') && line.get(eq + 1) != Some(&b'=') {
            j = eq;
        }
    }
    // The separator.
    let next = line.get(j + 1).copied();
    let sep: &[u8] = if line[j..].starts_with(b":::=") {
        // make's assignments: `:::=`, `::=`, and `+=` outside source code.
        &line[j..j + 4]
    } else if line[j..].starts_with(b"||=")
        || line[j..].starts_with(b"??=")
        || line[j..].starts_with(b"::=")
    {
        // Ruby's `||=`, PHP's and JavaScript's `??=`: assign when unset.
        &line[j..j + 3]
    } else if !kind.code && line[j..].starts_with(b"+=") {
        &line[j..j + 2]
    } else if [&b":="[..], b"=>", b".=", b"?=", b"<-"]
        .iter()
        .any(|op| line[j..].starts_with(op))
    {
        // Go's `:=`, `=>`, PHP's `.=`, make's `?=`, R's `<-`.
        &line[j..j + 2]
    } else if (line[j] == b'=' && next != Some(b'='))
        || (line[j] == b':' && next != Some(b':'))
        || (line[j] == b'>' && xml_element)
    {
        &line[j..=j]
    } else if had_space {
        &[]
    } else {
        return None;
    };
    // Inside a string of source code only `Key=value` counts (connection strings).
    let in_code_string = kind.code && in_string.is_some() && !key_quoted;
    if in_code_string && (sep != b"=" || had_space) {
        return None;
    }
    let loose = sep.is_empty();
    j += sep.len();
    if !loose {
        j = skip_blanks(line, j);
    }
    if j >= n {
        return None;
    }
    // `password: str = "x"`: a type annotation before the value.
    if sep == b":" && kind.code {
        let t = j + line[j..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_.[]| ".contains(b))
            .count();
        if t > j && line.get(t) == Some(&b'=') && line.get(t + 1) != Some(&b'=') {
            j = skip_blanks(line, t + 1);
        }
    }
    // `API_KEYS = ['…', '…']`, `SECRETS = ('…', '…')`, `SECRET = '…', '…'`: a literal tuple,
    // list or set of strings bound to a secret name.
    if kind.code && !in_code_string && matches!(sep, b"=" | b":") {
        if let Some(end) = sequence(kind, line, (ks, j), Some(class), base, out) {
            return Some(end);
        }
    }
    let (value, quoted, end) = read_value(line, j, kind.code && !in_code_string)?;
    if value.is_empty() {
        return None;
    }
    let raw = &line[value.clone()];
    // A loose separator (blanks only) is a flag's value, a Dockerfile ENV, a .netrc entry or
    // a key followed by its value in prose; only the first three take a weak password.
    let mut class = class;
    if loose {
        let line_start = &line[..ks];
        let trimmed = line_start.trim_ascii_start();
        let directive = trimmed.starts_with(b"ENV ") || trimmed.starts_with(b"ARG ");
        if kind.code && !quoted {
            return None;
        }
        // A `.netrc` entry outside a `.netrc` file, in a README or a script's heredoc: the
        // key is `password` and the line is `machine h login u password p` (or `default ...`),
        // or `password p` alone on its line under a `machine` or `login` line.
        let netrc_line = &line[ks..ke] == b"password"
            && (is_netrc_entry(line) || kind.netrc_above && trimmed.is_empty());
        // Groovy and Gradle call with a blank: `password 'x'`, in a build file or a snippet
        // of one (`password "x"` alone on its line, the value quoted).
        let dsl_call = kind.code && !kind.python && quoted
            || quoted
                && &line[ks..ke] == b"password"
                && trimmed.is_empty()
                && line[end..].trim_ascii().is_empty();
        if !(flag || directive || kind.special == Special::Netrc || netrc_line || dsl_call) {
            class = KeyClass::Key;
        }
    }
    // A list of words in a configuration file (`password_sources = prompt, file, keyring`).
    if !quoted && !kind.code && line.get(end) == Some(&b',') && line.get(end + 1) == Some(&b' ') {
        let word =
            |w: &[u8]| !w.is_empty() && w.iter().all(|b| b.is_ascii_lowercase() || *b == b'_');
        // Three words or more: `password = hunterprod, backup` may be a password and a note.
        let mut rest = line[end + 1..]
            .split(|b| *b == b',')
            .map(<[u8]>::trim_ascii);
        let (second, third) = (rest.next().unwrap_or_default(), rest.next());
        if word(raw) && word(second) && third.is_some_and(word) {
            return None;
        }
    }
    // A YAML or INI value followed by more words is prose (`password: Enter your password`).
    if !quoted && sep == b":" {
        let rest = line[end..].trim_ascii_start();
        if !rest.is_empty() && !rest.starts_with(b"#") {
            return None;
        }
    }
    let code = kind.code && !in_code_string;
    // A docker `auth` entry or a Basic credential: base64 of `user:password`, judged decoded.
    if class != KeyClass::Password && decoded_user_password(kind, raw, ks, &value, base, out) {
        return Some(end);
    }
    // In a translation file a value of several words is translated text.
    if kind.special == Special::Locale && raw.contains(&b' ') {
        return None;
    }
    let strength = literal::judge(class, raw, quoted, code)?;
    // `MYSQL_ROOT_PASSWORD: root` for a CI job's service container: a throwaway database with
    // the image's default password, not a credential of anything that outlives the job.
    let verdict = if kind.ci
        && class == KeyClass::Password
        && names_a_service(&line[..ke])
        && literal::is_service_default(raw)
    {
        Verdict::Sample
    } else {
        verdict(kind, strength, class)
    };
    out.push(Hit {
        verdict,
        span: base + ks..base + value.end,
        secret: base + value.start..base + value.end,
    });
    Some(end)
}

/// The verdict on a literal judged `strength` under a key of `class`: in a sample file
/// (tests, fixtures, docs) everything is a sample.
fn verdict(kind: FileKind, strength: Strength, class: KeyClass) -> Verdict {
    match (strength, class) {
        _ if kind.sample => Verdict::Sample,
        (Strength::Sample, _) => Verdict::Sample,
        (Strength::Credential, KeyClass::Password) => Verdict::Password,
        (Strength::Credential, _) => Verdict::Secret,
    }
}

/// The call-argument form of [`assignment`]: the quoted key `line[ks..]` (its closing quote
/// ends at `j`) opens an argument list or follows a comma, and after a comma comes a quoted
/// literal that closes the call (`define('DB_PASSWORD', 'x');`). A value that is not the last
/// argument (`log("password", msg, level)`) or not a literal is not read.
fn call_argument(
    kind: FileKind,
    line: &[u8],
    (ks, j): (usize, usize),
    class: KeyClass,
    base: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let opens_argument = line[..ks - 1]
        .trim_ascii_end()
        .last()
        .is_some_and(|b| b"(,".contains(b));
    if !opens_argument {
        return None;
    }
    let (value, quoted, end) = value_after_comma(line, j)?;
    if !quoted || !line[end..].trim_ascii_start().starts_with(b")") {
        return None;
    }
    // A call's arguments are as often a list of names (`("username", "password", "message")`,
    // `encode("password", "salt")`, `has_error("password1", "x")`) as a key and its value: a
    // plain lower-case word or another credential name is read as a name.
    let raw = &line[value.clone()];
    if raw.iter().all(|b| b.is_ascii_lowercase() || *b == b'_') || keyname::classify(raw).is_some()
    {
        return None;
    }
    push_argument(kind, class, (line, ks, value), base, out)?;
    Some(end)
}

/// The argument-list form of a flag (`["--password", "x"]`): after the flag's closing quote
/// (ending at `j`) a comma and a quoted literal that ends the list or is followed by the next
/// item. A value that is itself a flag (`"--user"`) is not one.
fn argument_list_item(
    kind: FileKind,
    line: &[u8],
    (ks, j): (usize, usize),
    class: KeyClass,
    base: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let (value, quoted, end) = value_after_comma(line, j)?;
    let raw = &line[value.clone()];
    let closes = line[end..]
        .trim_ascii_start()
        .first()
        .is_none_or(|b| b",)]".contains(b));
    if !quoted || !closes || raw.starts_with(b"-") {
        return None;
    }
    push_argument(kind, class, (line, ks, value), base, out)?;
    Some(end)
}

/// `api_keys`, `AUTH_TOKENS`, `client_secrets`: a name whose last word is a plural that
/// [`keyname::classify`] leaves out, and whose singular is a secret name.
fn plural_of_secret_name(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    [&b"keys"[..], b"tokens", b"secrets", b"passwords"]
        .iter()
        .any(|p| lower.ends_with(p))
        && keyname::classify(&name[..name.len() - 1]).is_some()
}

/// The sequence form of [`assignment`] in source code: the value at `line[j..]` is a tuple,
/// list or set of two or more string literals, bracketed or not, that ends the line or its
/// brackets (`API_KEYS = ['…', '…']`, `SECRET = '…', '…'`). A list of names under a secret
/// name is common (`SENSITIVE = ['password', 'api_key']`), and so are lists of weak
/// passwords in validators and their tests, so whatever the key, only an item that would be a
/// credential under a bare `key` (a random-looking token) is reported. `None` when the value is
/// not such a sequence or holds no credential; the single-literal forms are read by the caller.
fn sequence(
    kind: FileKind,
    line: &[u8],
    (ks, mut j): (usize, usize),
    class: Option<KeyClass>,
    base: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let close = match line.get(j)? {
        b'(' => Some(b')'),
        b'[' => Some(b']'),
        b'{' => Some(b'}'),
        _ => None,
    };
    if close.is_some() {
        j += 1;
    }
    let mut items = Vec::new();
    let end = loop {
        let (value, quoted, e) = read_value(line, skip_blanks(line, j), true)?;
        if !quoted {
            return None;
        }
        items.push(value);
        let next = skip_blanks(line, e);
        match (line.get(next), close) {
            (Some(b','), _) => {
                let after = skip_blanks(line, next + 1);
                match (line.get(after), close) {
                    (Some(c), Some(want)) if *c == want => break after + 1,
                    (None | Some(b'#'), None) => break after,
                    _ => j = next + 1,
                }
            }
            (Some(c), Some(want)) if *c == want => break next + 1,
            (None | Some(b'#'), None) => break next,
            _ => return None,
        }
    };
    // What follows the closing bracket must end the statement: `[...][0]`, `(...) + x` or
    // `{...}.get(k)` are expressions.
    let rest = line[end..].trim_ascii_start();
    if items.len() < 2 || !(rest.is_empty() || rest.starts_with(b"#") || rest.starts_with(b",")) {
        return None;
    }
    let before = out.len();
    for (i, value) in items.into_iter().enumerate() {
        let raw = &line[value.clone()];
        // Without brackets the first item is the value the single-literal form reads
        // (`PASSWORD = 'x', 'y'`): judged under the key's own class, as that form judges it.
        let first = i == 0 && close.is_none();
        let judged = match class.filter(|_| first) {
            Some(class) => literal::judge(class, raw, true, true).map(|s| (s, class)),
            None => literal::judge(KeyClass::Key, raw, true, true)
                .filter(|s| *s == Strength::Credential)
                .map(|s| (s, KeyClass::Secret)),
        };
        if let Some((strength, class)) = judged {
            out.push(Hit {
                verdict: verdict(kind, strength, class),
                span: base + ks..base + value.end,
                secret: base + value.start..base + value.end,
            });
        }
    }
    (out.len() > before).then_some(end)
}

/// The value after the comma that follows a quoted key ending at `line[j]`, read as
/// [`read_value`] reads it in code.
fn value_after_comma(line: &[u8], j: usize) -> Option<(Range<usize>, bool, usize)> {
    let comma = skip_blanks(line, j);
    read_value(line, skip_blanks(line, comma + 1), true)
}

/// Judges a quoted argument `line[value]` under the key starting at `ks` and records the hit;
/// `None` when the literal is no credential.
fn push_argument(
    kind: FileKind,
    class: KeyClass,
    (line, ks, value): (&[u8], usize, Range<usize>),
    base: usize,
    out: &mut Vec<Hit>,
) -> Option<()> {
    let strength = literal::judge(class, &line[value.clone()], true, true)?;
    out.push(Hit {
        verdict: verdict(kind, strength, class),
        span: base + ks..base + value.end,
        secret: base + value.start..base + value.end,
    });
    Some(())
}

/// Reads a value at `line[j..]`: a quoted string (with an optional `r`/`b`/`u` prefix, or
/// `&quot;`-escaped in XML), or an unquoted token. Returns the value's range, whether it was
/// quoted, and where parsing stops. In source code (`code`) an f-string is a template.
#[allow(clippy::many_single_char_names)]
fn read_value(line: &[u8], mut j: usize, code: bool) -> Option<(Range<usize>, bool, usize)> {
    let n = line.len();
    if j >= n {
        return None;
    }
    // String prefixes.
    let mut k = j;
    while k < n && k < j + 2 && b"rRbBuUfF".contains(&line[k]) {
        k += 1;
    }
    if k > j && k < n && b"\"'".contains(&line[k]) {
        if code && line[j..k].iter().any(|b| b.eq_ignore_ascii_case(&b'f')) {
            return None;
        }
        j = k;
    }
    if line[j..].starts_with(b"\\\"") {
        let s = j + 2;
        let e = s + memchr::memmem::find(&line[s..], b"\\\"")?;
        return Some((s..e, true, e + 2));
    }
    if line[j..].starts_with(b"&quot;") {
        let s = j + 6;
        let e = s + memchr::memmem::find(&line[s..], b"&quot;")?;
        return Some((s..e, true, e + 6));
    }
    let q = line[j];
    if q == b'"' || q == b'\'' || q == b'`' {
        let s = j + 1;
        let mut e = s;
        while e < n {
            if line[e] == b'\\' {
                e += 2;
                continue;
            }
            if line[e] == q {
                return Some((s..e, true, e + 1));
            }
            e += 1;
        }
        return None;
    }
    let s = j;
    let mut e = s;
    while e < n && !line[e].is_ascii_whitespace() && !b",;\"'<>)]}`".contains(&line[e]) {
        e += 1;
    }
    Some((s..e, false, e))
}

fn skip_blanks(line: &[u8], mut j: usize) -> usize {
    while j < line.len() && (line[j] == b' ' || line[j] == b'\t') {
        j += 1;
    }
    j
}

/// `Authorization: Bearer x`, `Basic base64`, `Token x` after the header name ending at `ke`.
fn authorization(
    kind: FileKind,
    line: &[u8],
    ke: usize,
    base: usize,
    ks: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let mut j = ke;
    if j < line.len() && b"\"'".contains(&line[j]) {
        j += 1;
    }
    j = skip_blanks(line, j);
    if j >= line.len() || !b":=".contains(&line[j]) {
        return None;
    }
    j = skip_blanks(line, j + 1);
    if j < line.len() && b"\"'".contains(&line[j]) {
        j += 1;
    }
    let scheme_end = j + line[j..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let scheme = line[j..scheme_end].to_ascii_lowercase();
    let s = skip_blanks(line, scheme_end);
    if s == scheme_end {
        return None;
    }
    let e = s + line[s..]
        .iter()
        .take_while(|b| !b.is_ascii_whitespace() && !b"\"'`,;<>)]}\\".contains(b))
        .count();
    if e == s {
        return None;
    }
    let value = s..e;
    let raw = &line[value.clone()];
    match scheme.as_slice() {
        b"basic" => {
            decoded_user_password(kind, raw, ks, &value, base, out);
        }
        b"bearer" | b"token" | b"bot" => {
            if literal::judge(KeyClass::Secret, raw, true, false).is_some() {
                let verdict = if kind.sample || placeholderish(raw) {
                    Verdict::Sample
                } else {
                    Verdict::Secret
                };
                out.push(Hit {
                    verdict,
                    span: base + ks..base + e,
                    secret: base + s..base + e,
                });
            }
        }
        _ => return None,
    }
    Some(e)
}

/// The verdict for a credential: a sample in a sample file or when the value is one.
fn sample_or(kind: FileKind, strength: Strength, verdict: Verdict) -> Verdict {
    if kind.sample || strength == Strength::Sample {
        Verdict::Sample
    } else {
        verdict
    }
}

fn placeholderish(raw: &[u8]) -> bool {
    crate::rules::placeholder::has_typed_run(raw)
}

/// A base64 `user:password` (HTTP Basic, docker `auths`): reports the encoded value when the
/// decoded password is one. Returns whether it reported.
fn decoded_user_password(
    kind: FileKind,
    raw: &[u8],
    ks: usize,
    value: &Range<usize>,
    base: usize,
    out: &mut Vec<Hit>,
) -> bool {
    if raw.len() < 8 {
        return false;
    }
    let Some(decoded) = validate::base64_decode(raw) else {
        return false;
    };
    let Some(colon) = memchr::memchr(b':', &decoded) else {
        return false;
    };
    let (user, pass) = (&decoded[..colon], &decoded[colon + 1..]);
    if user.is_empty()
        || user.len() > 100
        || !user.iter().all(u8::is_ascii_graphic)
        || !pass.iter().all(u8::is_ascii_graphic)
    {
        return false;
    }
    let Some(strength) = literal::judge(KeyClass::Password, pass, true, false) else {
        return false;
    };
    let verdict = if kind.sample || strength == Strength::Sample {
        Verdict::Sample
    } else {
        Verdict::Password
    };
    out.push(Hit {
        verdict,
        span: base + ks..base + value.end,
        secret: base + value.start..base + value.end,
    });
    true
}

/// `curl -u user:password`, `--user user:password`, `--user=user:password`, and
/// `-u user -p password` (psexec, mysql).
fn user_password_flag(kind: FileKind, line: &[u8], base: usize, out: &mut Vec<Hit>) {
    if memchr::memmem::find(line, b" -u ").is_some() {
        // MySQL's clients prompt on `-p` and take the next word as the database.
        let flag = memchr::memmem::find(line, b" -p ");
        let prompts = flag.is_some_and(|at| client_owning(line, at + 1) == Some(false));
        if let Some(at) = flag.filter(|_| !prompts) {
            let s = skip_blanks(line, at + 4);
            let e = s + line[s..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace() && !b"\"'".contains(b))
                .count();
            if e > s {
                if let Some(strength) = literal::judge(KeyClass::Password, &line[s..e], true, false)
                {
                    out.push(Hit {
                        verdict: sample_or(kind, strength, Verdict::Password),
                        span: base + at + 1..base + e,
                        secret: base + s..base + e,
                    });
                }
            }
        }
    }
    for flag in [&b" -u "[..], b" --user ", b" --user=", b" -u'", b" -u\""] {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&line[from..], flag) {
            let mut s = skip_blanks(line, from + at + flag.len());
            if flag.ends_with(b"'") || flag.ends_with(b"\"") {
                s = from + at + flag.len();
            } else if s < line.len() && b"\"'".contains(&line[s]) {
                s += 1;
            }
            from += at + flag.len();
            let e = s + line[s..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace() && !b"\"'".contains(b))
                .count();
            let token = &line[s..e];
            let Some(colon) = memchr::memchr(b':', token) else {
                continue;
            };
            let pass = s + colon + 1..e;
            if colon == 0 || pass.is_empty() {
                continue;
            }
            if kind.sample && is_user_as_password(&token[..colon], &line[pass.clone()]) {
                continue;
            }
            if let Some(strength) =
                literal::judge(KeyClass::Password, &line[pass.clone()], true, false)
            {
                let verdict = if kind.sample || strength == Strength::Sample {
                    Verdict::Sample
                } else {
                    Verdict::Password
                };
                out.push(Hit {
                    verdict,
                    span: base + s..base + e,
                    secret: base + pass.start..base + pass.end,
                });
            }
        }
    }
}

/// Command-line clients whose `-p` takes the password attached (`mysql -p<password>`: `MySQL`'s
/// clients read `-p value` as a prompt and a database name), and whether a separate value
/// counts too (`sshpass -p 'x' ssh host`).
const PASSWORD_FLAG_CLIENTS: &[(&[u8], bool)] = &[
    (b"mysql", false),
    (b"mysqldump", false),
    (b"mysqladmin", false),
    (b"mysqlimport", false),
    (b"mysqlcheck", false),
    (b"mysqlsh", false),
    (b"mariadb", false),
    (b"mariadb-dump", false),
    (b"sshpass", true),
];

/// Flags of the `MySQL` clients that take their value as the next word.
const MYSQL_VALUE_FLAGS: &[&[u8]] = &[
    b"-u",
    b"-h",
    b"-P",
    b"-D",
    b"-S",
    b"-e",
    b"--user",
    b"--host",
    b"--port",
    b"--database",
    b"--socket",
    b"--execute",
];

/// Flags of `sshpass` that take their value as the next word (`-e` takes none).
const SSHPASS_VALUE_FLAGS: &[&[u8]] = &[b"-f", b"-d", b"-P"];

/// Whether the `-p` flag starting at `line[at]` belongs to one of [`PASSWORD_FLAG_CLIENTS`],
/// and if so whether that client takes the password as a separate word. The flag belongs to
/// the client when only flags and their values stand between them: in
/// `docker exec db mysql -u root -pX` it does; in `docker run --name mysql -p3306:3306`
/// (a flag's value, not a command), `mysql_backup -u a -p x` or `sshpass -f f ssh -p 2222`
/// (another command in between) it does not.
fn client_owning(line: &[u8], at: usize) -> Option<bool> {
    let words: Vec<&[u8]> = line[..at]
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .collect();
    let command = |i: usize| {
        let w: &[u8] = words[i];
        let w = w.trim_ascii_start();
        let w = w
            .iter()
            .position(|b| !b"\"'(`;&|".contains(b))
            .map_or(&b""[..], |k| &w[k..]);
        let name = w.rsplit(|b| *b == b'/').next().unwrap_or(w);
        let previous_is_flag = i > 0 && words[i - 1].starts_with(b"-");
        (!previous_is_flag)
            .then(|| PASSWORD_FLAG_CLIENTS.iter().find(|(c, _)| *c == name))
            .flatten()
    };
    let c = (0..words.len()).rev().find(|&i| command(i).is_some())?;
    let separate = command(c)?.1;
    let takes_value = if separate {
        SSHPASS_VALUE_FLAGS
    } else {
        MYSQL_VALUE_FLAGS
    };
    let mut j = c + 1;
    while j < words.len() {
        if !words[j].starts_with(b"-") {
            return None;
        }
        j += if takes_value.contains(&words[j]) {
            2
        } else {
            1
        };
    }
    (j == words.len()).then_some(separate)
}

/// `mysql -u root -p<password> db`, `mysqldump -p'<password>' db`, `sshpass -p '…' ssh host`: the
/// password given to a client's `-p` flag, on a line that runs one of
/// [`PASSWORD_FLAG_CLIENTS`] (as a word, so `mysql_config -p` or a path `/usr/bin/mysql` too).
fn client_password_flag(kind: FileKind, line: &[u8], base: usize, out: &mut Vec<Hit>) {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&line[from..], b" -p").map(|i| from + i) {
        from = at + 3;
        let Some(separate) = client_owning(line, at + 1) else {
            continue;
        };
        let mut s = at + 3;
        match line.get(s) {
            Some(b' ' | b'\t') if separate => s = skip_blanks(line, s),
            Some(b) if !b.is_ascii_whitespace() => {}
            _ => continue,
        }
        let Some((value, _, end)) = read_value(line, s, false) else {
            continue;
        };
        // `-p` followed by another flag is a prompt. `-p{pw}` and `-p%(pw)s` are templates:
        // the unquoted read stops at their `}` or `)`, so the value model would see `{pw` or
        // `%(pw`, which it cannot tell from a password (`-p%s` it reads as a template).
        let raw = &line[value.clone()];
        if raw.is_empty()
            || raw.starts_with(b"-")
            || raw.starts_with(b"{")
            || raw.starts_with(b"%(")
        {
            continue;
        }
        if let Some(strength) = literal::judge(KeyClass::Password, raw, true, false) {
            out.push(Hit {
                verdict: sample_or(kind, strength, Verdict::Password),
                span: base + at + 1..base + end,
                secret: base + value.start..base + value.end,
            });
            return;
        }
    }
}

/// Git hosts that take an access token as the user name of an HTTPS URL
/// (`https://<token>@github.com/owner/repo.git`, as GitHub's and GitLab's docs show).
const TOKEN_USER_HOSTS: &[&[u8]] = &[
    b"github.com",
    b"gitlab.com",
    b"bitbucket.org",
    b"dev.azure.com",
];

/// A random token as the whole user part of a URL to a Git host (`https://<token>@github.com`):
/// a credential with no password after it. The userinfo starts at byte `s` of the line.
fn token_as_user(
    kind: FileKind,
    userinfo: &[u8],
    host: &[u8],
    s: usize,
    base: usize,
    out: &mut Vec<Hit>,
) {
    let host = host.to_ascii_lowercase();
    let git_host = TOKEN_USER_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&[b".", *h].concat()));
    if !git_host
        || userinfo.len() < 20
        || !userinfo
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"_-".contains(b))
        || !entropy::is_random(userinfo, false)
    {
        return;
    }
    let Some(strength) = literal::judge(KeyClass::Secret, userinfo, true, false) else {
        return;
    };
    out.push(Hit {
        verdict: sample_or(kind, strength, Verdict::Secret),
        span: base + s..base + s + userinfo.len(),
        secret: base + s..base + s + userinfo.len(),
    });
}

/// A password that is the user name again (`user:user`, `postgres:postgres`, `test:test`):
/// how tests and documentation write "some account" in a URL or a `-u` flag. In those files it
/// is a stand-in and dropped; in other files it is still reported, since an account whose
/// password is its name is the first thing anyone tries (see docs/detection.md).
fn is_user_as_password(user: &[u8], password: &[u8]) -> bool {
    !password.is_empty() && user.eq_ignore_ascii_case(password)
}

/// `scheme://user:password@host`: weak passwords too (the URL patterns take the strong ones
/// under their own names; this one yields to them).
fn url_credentials(kind: FileKind, line: &[u8], base: usize, out: &mut Vec<Hit>) {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&line[from..], b"://") {
        let s = from + at + 3;
        from = s;
        let end = s + line[s..]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace() && !b"/\"'`<>()[]{},;".contains(b))
            .count();
        let authority = &line[s..end];
        let Some(atsign) = memchr::memrchr(b'@', authority) else {
            continue;
        };
        let userinfo = &authority[..atsign];
        let Some(colon) = memchr::memchr(b':', userinfo) else {
            token_as_user(kind, userinfo, &authority[atsign + 1..], s, base, out);
            continue;
        };
        // `redis://:password@host`: a password with no user (Redis, Memcached).
        if colon == 0 && userinfo.len() > 1 && atsign + 1 < authority.len() {
            let pass = s + 1..s + atsign;
            let strength = literal::judge(KeyClass::Password, &line[pass.clone()], true, false)
                .filter(|_| !escapes_nothing(&line[pass.clone()]));
            if let Some(strength) = strength {
                out.push(Hit {
                    verdict: sample_or(kind, strength, Verdict::Password),
                    span: base + s..base + end,
                    secret: base + pass.start..base + pass.end,
                });
            }
            continue;
        }
        if colon == 0 || colon + 1 >= userinfo.len() || atsign + 1 >= authority.len() {
            continue;
        }
        let pass = s + colon + 1..s + atsign;
        if kind.sample && is_user_as_password(&userinfo[..colon], &line[pass.clone()]) {
            continue;
        }
        let strength = literal::judge(KeyClass::Password, &line[pass.clone()], true, false)
            .filter(|_| !escapes_nothing(&line[pass.clone()]));
        if let Some(strength) = strength {
            out.push(Hit {
                verdict: sample_or(kind, strength, Verdict::Password),
                span: base + s..base + end,
                secret: base + pass.start..base + pass.end,
            });
        }
    }
}

/// How the generic detector judges `password`, a URL's password that another pattern (a
/// database URL, `url-basic-auth`) captured in a file of `kind` and whose validator kept
/// (the validator drops stand-ins and templates): `None` when it is only an escaped
/// character, else whether it is a sample (tests, docs, a hand-typed value).
#[must_use]
pub fn url_password(kind: FileKind, password: &[u8]) -> Option<bool> {
    if escapes_nothing(password) {
        return None;
    }
    // Stand-ins were dropped by the pattern's own validator; the value model only says
    // whether what is left was typed by hand or spells out what it is.
    let typed = literal::judge(KeyClass::Password, password, true, false) == Some(Strength::Sample);
    Some(kind.sample || typed)
}

/// A URL's password that is only an escaped character or two (`x%40:%40@host`, the password
/// `@`): an example of the escape, not a credential.
fn escapes_nothing(raw: &[u8]) -> bool {
    raw.contains(&b'%')
        && percent_decoded(raw)
            .iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .count()
            < 2
}

/// `raw` with its `%XX` escapes decoded.
fn percent_decoded(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let escaped = (raw[i] == b'%' && i + 2 < raw.len())
            .then(|| Some((hex(*raw.get(i + 1)?)? * 16 + hex(*raw.get(i + 2)?)?) as u8))
            .flatten();
        if let Some(b) = escaped {
            out.push(b);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// `https://codecov.io/gh/o/r/graph/badge.svg?token=…`: the `token` parameter of a badge
/// image's URL (a path with `badge` in it, ending in `.svg` or `.png`), which a project publishes in its README by design (a read-only graph token). `ks` is
/// where the parameter's name starts.
fn badge_token(line: &[u8], ks: usize) -> bool {
    if !ks.checked_sub(1).is_some_and(|k| b"?&".contains(&line[k])) {
        return false;
    }
    let start = line[..ks]
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || b"\"'()<>[]".contains(b))
        .map_or(0, |i| i + 1);
    let url = &line[start..ks];
    let path = url
        .split(|b| *b == b'?')
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let image = path.ends_with(b".svg") || path.ends_with(b".png");
    line[ks..].starts_with(b"token=") && image && memchr::memmem::find(&path, b"badge").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdicts and values found in `text` scanned as the file `path`.
    fn found(path: &str, text: &str) -> Vec<(Verdict, String)> {
        let mut out = Vec::new();
        scan_line(FileKind::of(path), b"", text.as_bytes(), 0, &mut out);
        out.into_iter()
            .map(|h| (h.verdict, text[h.secret].to_string()))
            .collect()
    }

    fn one(path: &str, text: &str, verdict: Verdict, value: &str) {
        assert_eq!(
            found(path, text),
            [(verdict, value.to_string())],
            "{path}: {text}"
        );
    }

    fn none(path: &str, text: &str) {
        assert_eq!(found(path, text), [], "{path}: {text}");
    }

    // Values are split so that this file does not trip the project's own scan.
    const PW: &str = concat!("Fq3E9gAM", "cM06RECaQqtk");
    const TOKEN: &str = concat!("Zx81kQ0pLm3n", "B7vC2xR9tY4u");

    #[test]
    fn a_line_of_a_credential_named_key_and_a_token_is_a_sample_however_joined() {
        // Providers' examples and people's notes write keys without an assignment operator,
        // with the credential word glued to the provider's name, or with regular made-up values
        // that the assignment forms drop as not random: kingfisher-rules had about a hundred.
        // The value is too regular for the assignment forms (they drop it as not random), so
        // each hit here is this form's, a sample.
        const REGULAR: &str = "aaaa1111bbbb2222cccc";
        assert_eq!(
            literal::judge(KeyClass::Secret, REGULAR.as_bytes(), true, false),
            None
        );
        for line in [
            format!("zorbly SECRET {REGULAR}"),
            format!("zorblyTOKEN={REGULAR}"),
            format!("zorbly-private-key-{REGULAR}"),
            format!("zorbly.key.{REGULAR}"),
            format!("zorbly access token {REGULAR}"),
            format!("  \"zorbly_secret\": \"{REGULAR}\","),
        ] {
            assert_eq!(
                found("notes.txt", &line),
                [(Verdict::Sample, REGULAR.to_string())],
                "{line}"
            );
        }
        // A value too regular to look generated is a sample under a loose key or a strict one.
        one(
            "notes.txt",
            "ZORBLY_KEY=abcdefghijklmnopqrstuvwxyz123456",
            Verdict::Sample,
            "abcdefghijklmnopqrstuvwxyz123456",
        );
        one(
            "notes.txt",
            "zorbly ACCESS 5820194736251849",
            Verdict::Sample,
            "5820194736251849",
        );
        // Regression: values the assignment forms drop as identifiers came back here as
        // samples (a UUID under `key:`, a timestamp, a version, a digest, a pod name, a
        // kebab-case constant), and a credential word inside the value ended the key.
        for line in [
            "key: 550e8400-e29b-41d4-a716-446655440000",
            "key: 1704067200000000000",
            "access: 0.1.2-alpha.3+build.20240101",
            "key: v1.2.3-rc1-build20240101",
            "key: sha1-2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            "token-service-5d8f7c9b6-x2k4p",
        ] {
            none("values.yaml", line);
        }
        none(
            "app.ts",
            "export const ACCESS_LEVEL_KEY = \"access-level-2fa\";",
        );
        let mut hits = Vec::new();
        let line = format!("zorbly SECRET Xk9mQ2pL7vN4wR8t.key.{TOKEN}");
        scan_line(
            FileKind::of("notes.txt"),
            b"",
            line.as_bytes(),
            0,
            &mut hits,
        );
        let value_start = "zorbly SECRET ".len();
        assert!(
            hits.iter().all(|h| h.secret.start == value_start),
            "{line}: {hits:?}"
        );
        // A name with digits glued to the credential word is still the key.
        one(
            "notes.txt",
            "zorbly123TOKEN.aaaa1111bbbb2222cccc",
            Verdict::Sample,
            "aaaa1111bbbb2222cccc",
        );
        // A loose form keeps a UUID: providers print UUID keys that way.
        one(
            "notes.txt",
            "zorbly secret 3f1e9a27-8c4b-4d2e-9f6a-1b7c5e3d2a90",
            Verdict::Sample,
            "3f1e9a27-8c4b-4d2e-9f6a-1b7c5e3d2a90",
        );
        for line in [
            "Rotate the secret key every 90 days",
            "primary key user_id_2024",
            "zorbly SECRET changeme-please-123",
            "token: my-secret-name",
            "\"Key\": \"my-movie.m2ts\",",
            "secret_path /etc/zorbly/key2.pem",
        ] {
            none("notes.txt", line);
        }
        // In source code an unquoted value is an expression.
        none("app.py", "zorbly_token = Xk9mQ2pL7vN4wR8tZr8t");
    }

    #[test]
    fn passphrases_and_netrc_lines_outside_netrc_files_are_passwords() {
        // `password = 'open sesame'` was dropped for its blank, and a `.netrc` entry pasted into
        // a script or a README was read as prose. (A value that is the word itself,
        // `Password=secret;` or `ftp://user:password@`, stays a stand-in: reporting it added
        // about 470 warnings on five real trees, all documentation and test stand-ins.)
        none("notes.txt", "ftp://user:password@ftp.acme.dev:21");
        none(
            "App.config",
            "Server=db;User Id=sa;Password=secret;Database=app;",
        );
        one(
            "app.ini",
            "password = 'open sesame'",
            Verdict::Sample,
            "open sesame",
        );
        none("app.ini", "password = 'Enter your password'");
        // Regression: translation files warned on the translated word (`mot de passe`).
        none("locales/fr.json", "{ \"password\": \"mot de passe\" }");
        none("src/i18n/id.json", "  \"password\": \"kata sandi\",");
        none("app.ini", "password = 'not set'");
        // A `.netrc` entry outside a `.netrc` file.
        one(
            "deploy.sh",
            // Split so that this file does not trip the project's own scan.
            concat!("machine api.acme.dev login bob ", "password pw4acme"),
            Verdict::Password,
            "pw4acme",
        );
        none("notes.txt", "password protected");
        // A Gradle `credentials` block pasted into a text file: a quoted value alone with the
        // key on its line is the DSL call.
        one(
            "notes.txt",
            concat!("      password \"Fq3E9g", "AMcM06\""),
            Verdict::Password,
            "Fq3E9gAMcM06",
        );
    }

    /// The verdicts and values found on the last line of `text` scanned as the file `path`.
    fn found_last(path: &str, text: &str) -> Vec<(Verdict, String)> {
        let at = text.rfind('\n').map_or(0, |i| i + 1);
        let mut out = Vec::new();
        scan_line(
            FileKind::of(path),
            &text.as_bytes()[..at],
            &text.as_bytes()[at..],
            at,
            &mut out,
        );
        out.into_iter()
            .map(|h| (h.verdict, text[h.secret].to_string()))
            .collect()
    }

    #[test]
    fn netrc_lines_need_netrc_syntax_not_a_password_word_and_a_blank() {
        // Regression: any line with `machine ` and ` login `, and any password-named word
        // alone on its line with a value, were read as a `.netrc` entry: ordinary script lines
        // and prose blocked as `generic-password` errors.
        for line in [
            "  passwd user1",
            "password v2",
            " password 2FA",
            "Log into the build machine with login admin and password hunter22",
            "To use the CI machine login as root with password toor1.",
            "    password v1.2.3",
            "pwd -L",
            "pass 1",
            "Password 123456",
            "machine api.acme.dev login bob password pw4acme trailing",
            "  password pw4acme",
        ] {
            none("deploy.sh", line);
        }
        // `password p` alone on its line is the entry's password under a `machine` or
        // `login` line a few lines up, and only then.
        assert_eq!(
            found_last(
                "notes.txt",
                "machine api.acme.dev\n  login bob\n  password pw4acme"
            ),
            [(Verdict::Password, "pw4acme".to_string())]
        );
        assert_eq!(
            found_last(
                "setup.sh",
                "machine api.acme.dev login bob\n\npassword pw4acme"
            ),
            [(Verdict::Password, "pw4acme".to_string())]
        );
        assert_eq!(
            found_last(
                "setup.sh",
                "machine api.acme.dev\na\nb\nc\npassword pw4acme"
            ),
            []
        );
        assert_eq!(
            found_last("setup.sh", "machine api.acme.dev\n  passwd pw4acme"),
            []
        );
        one(
            "notes.txt",
            concat!("default login bob ", "password pw4acme"),
            Verdict::Password,
            "pw4acme",
        );
    }

    #[test]
    fn prose_word_lists_options_badges_and_escapes_around_a_key() {
        for (path, text) in [
            // `pass` is a keyword of Python, and a comment is prose.
            ("app.py", "        # Only pass 'kwargs' to our checkers"),
            (
                "app.py",
                "    password 'x'  # py2 print-like, no assignment",
            ),
            // A function word after a flag, a list of words.
            (
                "myclirc",
                "# * prompt         # plain trailing --password at the CLI",
            ),
            (
                "myclirc",
                "password_sources = prompt, literal, file, keyring",
            ),
            // An option of another program as the value.
            ("git.py", "accept_key = \"StrictHostKeyChecking=no\""),
            // A badge image's read-only token, published in READMEs by design.
            (
                "site/index.html",
                "<img src=\"https://codecov.io/gh/o/r/graph/badge.svg?token=ppEuaNXBW4\">",
            ),
            // A URL whose password is one escaped character.
            (
                "notes.txt",
                "url-encoded credentials such as http://x%40:%40@example.com",
            ),
        ] {
            none(path, text);
        }
        let escaped = concat!("apples", "%2Foranges");
        one(
            "db.txt",
            &format!("dbtype://username:{escaped}@hostspec/database"),
            Verdict::Password,
            escaped,
        );
        one(
            "build.gradle",
            &format!("    password '{PW}'"),
            Verdict::Password,
            PW,
        );
        one(
            "cfg.ini",
            &format!("password = {PW}, backup"),
            Verdict::Password,
            PW,
        );
    }

    #[test]
    fn default_passwords_of_ci_service_containers_are_samples() {
        for path in [
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            ".circleci/config.yml",
        ] {
            one(
                path,
                "      MYSQL_ROOT_PASSWORD: rootpw",
                Verdict::Sample,
                "rootpw",
            );
            one(
                path,
                "      POSTGRES_PASSWORD: postgres",
                Verdict::Sample,
                "postgres",
            );
            one(
                path,
                &format!("      DEPLOY_PASSWORD: {PW}"),
                Verdict::Password,
                PW,
            );
        }
        one(
            "compose.yaml",
            "      POSTGRES_PASSWORD: postgres",
            Verdict::Password,
            "postgres",
        );
        assert!(!is_ci_config(".github/workflows/README.md"));
        assert!(!is_ci_config("deploy/travis.yml"));
    }

    #[test]
    fn a_client_owns_only_the_flags_that_follow_it() {
        // Regressions found in review: the word `mysql` anywhere before ` -p` turned the
        // `-u X -p Y` reading off, and `ssh -p PORT` after sshpass, or docker's `-p3306:3306`
        // near a `mysql` word, were read as passwords.
        for text in [
            format!("docker exec mysql backup-tool -u admin -p {PW}"),
            format!("cd /opt/mysql && ./tool -u admin -p {PW}"),
            format!("mkdir -p x && mysqldump -uroot -p{PW} db"),
        ] {
            one("deploy.sh", &text, Verdict::Password, PW);
        }
        for text in [
            "sshpass -p \"$PW\" ssh -p 2222 user@host",
            "sshpass -f ~/.pw ssh -p 2222 user@host",
            "sshpass -e ssh -p 22022 deploy@host",
            "sshpass -p \"$PASS\" rsync -e \"ssh -p 2222\" a b",
            "docker run --name mysql -p3306:3306 -e MYSQL_ROOT_PASSWORD=\"$PW\" mysql:8",
        ] {
            none("deploy.sh", text);
        }
    }

    #[test]
    fn exclusions_stay_narrow() {
        // A CI file's default passwords are samples only under a service's key.
        one(
            ".github/workflows/ci.yml",
            "      PYPI_PASSWORD: admin123",
            Verdict::Password,
            "admin123",
        );
        // A badge is an image with `badge` in its path, and only its `token` parameter.
        one(
            "run.sh",
            &format!("curl \"https://api.example.com/v1/badges/create?token={TOKEN}\""),
            Verdict::Secret,
            TOKEN,
        );
        // Two words are a password and a note; a password may look like an option.
        one(
            "cfg.ini",
            "password = hunterprod, backup",
            Verdict::Password,
            "hunterprod",
        );
        one(
            "settings.py",
            "DB_PASSWORD = 'HunterProd=Xy12'",
            Verdict::Password,
            "HunterProd=Xy12",
        );
        // A bare tuple's first item under a password name is judged as a password.
        assert_eq!(
            found("settings.py", &format!("PASSWORD = '{PW}', '{TOKEN}'")),
            [
                (Verdict::Password, PW.to_string()),
                (Verdict::Secret, TOKEN.to_string())
            ]
        );
    }

    #[test]
    fn passwords_given_to_mysql_clients_and_sshpass() {
        let root = concat!("ro", "ot");
        for (text, pw) in [
            (format!("mysql -u root -p{PW} mydb"), PW),
            (format!("mysqldump -u root -p'{PW}' db > x.sql"), PW),
            (
                format!("docker exec db mysql -uroot -p{root} -e 'select 1'"),
                root,
            ),
            (format!("/usr/bin/mysql -h db -P 3306 -p{PW}"), PW),
            (format!("sshpass -p '{PW}' ssh user@host"), PW),
            (format!("sshpass -p{PW} ssh user@host"), PW),
        ] {
            one("deploy.sh", &text, Verdict::Password, pw);
        }
        for text in [
            // A prompt, then the database; a reference; another program's `-p`.
            "mysql -u root -p mydb",
            "mysql -u root -p -h db mydb",
            "mysql -u root -p\"$MYSQL_PWD\" mydb",
            "mysql -u root -p${PW} mydb",
            "subprocess.run(f\"mysql -u root -p{password} mydb\", shell=True)",
            "os.system('mysqldump -uroot -p%s db' % pw)",
            "mysql -u root -p$(cat /run/secrets/pw) mydb",
            "tar -czf x.tgz -pS3cretPw1 dir",
            "mkdir -p build/mysql",
        ] {
            none("deploy.sh", text);
        }
    }

    #[test]
    fn literal_tuples_lists_and_sets_under_secret_names() {
        let (a, b) = (
            "60b725f10c9c85c70d97880dfe8191b3",
            "Zx81kQ0pLm3nB7vC2xR9tY4u",
        );
        let both = [
            (Verdict::Secret, a.to_string()),
            (Verdict::Secret, b.to_string()),
        ];
        for text in [
            format!("SECRET_VALUES = '{a}', '{b}'"),
            format!("SECRETS = ('{a}', '{b}')"),
            format!("API_KEYS = ['{a}', \"{b}\",]  # rotated"),
            format!("auth_tokens = {{'{a}', '{b}'}}"),
            format!("cfg = {{'api_keys': ['{a}', '{b}'], 'n': 1}}"),
        ] {
            assert_eq!(found("app.py", &text), both, "{text}");
        }
        // Names of settings, weak passwords in a validator's list, and expressions.
        for text in [
            "SENSITIVE_SECRETS = ['password', 'api_key', 'secret_token']",
            "COMMON_PASSWORDS = ['hunter2', 'letmein', 'Passw0rd!']",
            &format!("SECRET_KEYS = ('{a}', '{b}')[0]"),
            &format!("API_KEYS = ['{a}', name]"),
            &format!("TOKENS = {{'{a}': 1, '{b}': 2}}"),
            &format!("API_KEYS = '{a}'"),
        ] {
            assert_eq!(found("app.py", text), [], "{text}");
        }
    }

    #[test]
    fn python_assignments_keywords_defaults_and_dicts() {
        one(
            "settings.py",
            "PASSWORD = \"hunter2\"",
            Verdict::Password,
            "hunter2",
        );
        one(
            "app.py",
            &format!("api_key = '{TOKEN}'"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "app.py",
            "connect(host=h, password=\"s3cr3tPw\")", // pyguard: allow[generic-password]
            Verdict::Password,
            "s3cr3tPw",
        );
        one(
            "app.py",
            "def login(user, password='s3cr3tPw'):", // pyguard: allow[generic-password]
            Verdict::Password,
            "s3cr3tPw",
        );
        one(
            "app.py",
            &format!("cfg = {{\"client_secret\": \"{TOKEN}\"}}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "app.py",
            "db_password: str = \"s3cr3tPw\"",
            Verdict::Password,
            "s3cr3tPw",
        );
        none("app.py", "password = os.environ[\"DB_PASSWORD\"]");
        none("app.py", "password = get_password()");
        none("app.py", "if password == \"s3cr3tPw\":");
        none("app.py", "password = f\"{prefix}-pw\"");
        none("app.py", "token = self.token");
        none("app.py", "help=\"the password: must be set\"");
        none("app.py", "password = \"changeme\"");
    }

    #[test]
    fn env_shell_docker_and_compose() {
        one(".env", "DB_PASSWORD=hunter2", Verdict::Password, "hunter2"); // pyguard: allow[generic-password]
        one(
            ".env",
            "DB_PASSWORD=Zq!9#vLm2@pX7&wR4tB", // pyguard: allow[generic-password]
            Verdict::Password,
            "Zq!9#vLm2@pX7&wR4tB",
        );
        one(
            ".env",
            &format!("SECRET_KEY={TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "deploy.sh",
            &format!("export API_KEY={TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "Dockerfile",
            &format!("ENV SECRET_KEY={TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "Dockerfile",
            &format!("ENV SECRET_KEY {TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "compose.yaml",
            &format!("  - API_KEY={TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "run.sh",
            "mysql --password=hunter2 db", // pyguard: allow[generic-password]
            Verdict::Password,
            "hunter2",
        );
        one(
            "run.sh",
            "mysql --password hunter2 db",
            Verdict::Password,
            "hunter2",
        );
        one(
            "run.sh",
            &format!("curl -u admin:{PW} https://x"),
            Verdict::Password,
            PW,
        );
        one(
            "run.bat",
            &format!("psexec \\\\h -u admin -p {PW} cmd"), // pyguard: allow[psexec-password]
            Verdict::Password,
            PW,
        );
        none(".env", "DB_PASSWORD=${DB_PASSWORD}");
        none(".env", "API_TOKEN=");
        none("Dockerfile", "ARG NPM_TOKEN");
        none(".env", "SECRET_KEY_FILE=/run/secrets/key");
        none("ci.yml", "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}");
        none("run.sh", "curl -u \"$USER:$PASS\" https://x");
    }

    #[test]
    fn yaml_json_toml_ini_properties() {
        one(
            "db.yaml",
            &format!("db_password: {PW}"),
            Verdict::Password,
            PW,
        );
        one(
            "db.yaml",
            &format!("db_password: \"{PW}\""),
            Verdict::Password,
            PW,
        );
        one(
            "c.json",
            &format!("\"apiKey\": \"{TOKEN}\","),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "c.toml",
            &format!("token = \"{TOKEN}\""),
            Verdict::Secret,
            TOKEN,
        );
        one(
            "app.ini",
            &format!("password = {PW}"),
            Verdict::Password,
            PW,
        );
        one(
            "app.properties",
            &format!("spring.datasource.password={PW}"),
            Verdict::Password,
            PW,
        );
        one(
            ".pypirc",
            "password = pypi-AgEIcHlwaS5vcmc",
            Verdict::Password,
            "pypi-AgEIcHlwaS5vcmc",
        );
        none("db.yaml", "password: Enter your password here");
        none("db.yaml", "password: null");
        none("db.yaml", "password: !vault |");
        none("db.yaml", "token_url: https://auth.example.org/token");
    }

    #[test]
    fn xml_hcl_headers_urls_and_connection_strings() {
        one(
            "web.xml",
            &format!("<password>{PW}</password>"),
            Verdict::Password,
            PW,
        );
        one(
            "web.xml",
            &format!("<add name=\"x\" password=\"{PW}\"/>"),
            Verdict::Password,
            PW,
        );
        one(
            "main.tf",
            &format!("  password = \"{PW}\""),
            Verdict::Password,
            PW,
        );
        none("main.tf", "  password = var.db_password");
        one(
            "req.http",
            &format!("Authorization: Bearer {TOKEN}"),
            Verdict::Secret,
            TOKEN,
        );
        let basic = validate::base64_encode(format!("admin:{PW}").as_bytes(), false);
        one(
            "req.sh",
            &format!("curl -H 'Authorization: Basic {basic}' x"),
            Verdict::Password,
            &basic,
        );
        one(
            "x.yaml",
            "url: https://admin:admin@host/path", // pyguard: allow[generic-password]
            Verdict::Password,
            "admin",
        );
        one(
            "App.cs",
            &format!("var c = \"Server=db;User Id=sa;Password={PW};\";"),
            Verdict::Password,
            PW,
        );
        one(
            "config.json",
            &format!(
                "\"auth\": \"{}\"",
                validate::base64_encode(format!("bot:{PW}").as_bytes(), false)
            ),
            Verdict::Password,
            &validate::base64_encode(format!("bot:{PW}").as_bytes(), false),
        );
        none("req.sh", "curl -H \"Authorization: Bearer $TOKEN\" x");
        none("x.yaml", "url: https://host/path?user=x");
    }

    // Regression: an annotation followed by `=` at the very end of a line made `read_value`
    // index past the end of the line, and the panic aborted the scan of the whole file.
    #[test]
    fn annotation_and_equals_at_end_of_line_is_no_panic() {
        none("app.py", "password: str =");
    }

    #[test]
    fn assignment_operators_of_other_languages() {
        for (path, text) in [
            ("a.go", format!("\tacmeToken := \"{TOKEN}\"")),
            ("b.php", format!("$acmeToken .= \"{TOKEN}\";")),
            ("c.rb", format!("acme_token ||= \"{TOKEN}\"")),
            ("d.js", format!("config.apiToken ??= \"{TOKEN}\";")),
            ("Makefile", format!("ACME_TOKEN ?= {TOKEN}")),
            ("e.r", format!("acme_token <- \"{TOKEN}\"")),
        ] {
            one(path, &text, Verdict::Secret, TOKEN);
        }
        none("a.go", "if token <- ch; ok {");
    }

    #[test]
    fn escaped_json_typed_declarations_and_make_operators() {
        for (path, text) in [
            (
                "notes.txt",
                format!("\\{{ \\\"api_token\\\": \\\"{TOKEN}\\\" \\}}"),
            ),
            ("main.go", format!("var apiToken string = \"{TOKEN}\"")),
            ("Makefile", format!("API_TOKEN ::= \"{TOKEN}\"")),
            ("Makefile", format!("API_TOKEN :::= \"{TOKEN}\"")),
            ("Makefile", format!("API_TOKEN += \"{TOKEN}\"")),
        ] {
            one(path, &text, Verdict::Secret, TOKEN);
        }
        // In source code `+=` appends to a value; it is not an assignment of one.
        none("app.py", &format!("token += \"{TOKEN}\""));
        none("main.go", "var apiToken string = os.Getenv(\"TOKEN\")");
    }

    /// What [`scan_block`] finds for the first line of `text` (the rest follows it).
    fn found_block(path: &str, text: &str) -> Vec<(Verdict, String)> {
        let (line, rest) = text.split_once('\n').unwrap();
        let mut out = Vec::new();
        let after = line.len() + 1;
        scan_block(
            FileKind::of(path),
            line.as_bytes(),
            0,
            rest.as_bytes(),
            after,
            &mut out,
        );
        out.into_iter()
            .map(|h| (h.verdict, text[h.secret].to_string()))
            .collect()
    }

    #[test]
    fn values_on_the_next_line_of_yaml_blocks_and_xml_elements() {
        for text in [
            format!("api_token: |\n  {TOKEN}\n"),
            format!("  api_token: >-\n    {TOKEN}\n"),
            format!("<apiToken>\n    {TOKEN}\n</apiToken>\n"),
        ] {
            assert_eq!(
                found_block("app.yaml", &text),
                [(Verdict::Secret, TOKEN.to_string())],
                "{text}"
            );
        }
        for text in [
            format!("api_token: |\n{TOKEN}\n"),
            "api_token: |\n  first line of a long text\n".to_string(),
            format!("<apiToken>\n    {TOKEN}\n</other>\n"),
            format!("description: |\n  {TOKEN}\n"),
        ] {
            assert_eq!(found_block("app.yaml", &text), [], "{text}");
        }
    }

    #[test]
    fn a_token_as_the_user_of_a_git_url_and_a_password_without_a_user() {
        let hex = "3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e9b1d7f3a";
        one(
            "clone.sh",
            &format!("git clone https://{hex}@github.com/acme/app.git"),
            Verdict::Secret,
            hex,
        );
        one(
            ".env",
            &format!("REDIS_URL=redis://:{PW}@cache:6379/0"),
            Verdict::Password,
            PW,
        );
        none(
            "clone.sh",
            "git clone https://deploy-bot@github.com/acme/app.git",
        );
        none(
            "clone.sh",
            &format!("pip install https://{hex}@files.acme.dev/x"),
        );
    }

    #[test]
    fn flags_and_their_values_in_argument_lists() {
        one(
            "run.py",
            &format!("subprocess.run([\"mysql\", \"--password\", \"{PW}\", \"db\"])"),
            Verdict::Password,
            PW,
        );
        one(
            "deploy.json",
            &format!("  \"args\": [\"--token\", \"{TOKEN}\"]"),
            Verdict::Secret,
            TOKEN,
        );
        none(
            "run.py",
            "subprocess.run([\"mysql\", \"--password\", \"--user\", \"u\"])",
        );
        none("run.py", "subprocess.run([\"tool\", \"--token\", token])");
        none("run.py", "args = [\"--token\", \"$TOKEN\"]");
    }

    #[test]
    fn subscript_assignments_and_call_arguments() {
        for (path, text) in [
            ("app.py", format!("os.environ['DB_PASSWORD'] = '{PW}'")),
            (
                "app.py",
                format!("os.environ.setdefault(\"DB_PASSWORD\", \"{PW}\")"),
            ),
            ("app.py", format!("db = os.getenv('DB_PASSWORD', '{PW}')")),
            ("wp-config.php", format!("define('DB_PASSWORD', '{PW}');")),
            (
                "Conf.java",
                format!("System.setProperty(\"db.password\", \"{PW}\");"),
            ),
            ("conf.rb", format!("ENV['DB_PASSWORD'] = '{PW}'")),
            ("app.py", format!("config.set('db', 'password', '{PW}')")),
            // A key-value pair written as a tuple is one too.
            (
                "app.py",
                format!("form = [('user', 'bob'), ('password', '{PW}')]"),
            ),
        ] {
            one(path, &text, Verdict::Password, PW);
        }
        one(
            "app.py",
            &format!("os.environ[\"API_TOKEN\"] = \"{TOKEN}\""),
            Verdict::Secret,
            TOKEN,
        );
        // Reads, comparisons, empty defaults, non-literal values and arguments that are not
        // the last one stay silent.
        for text in [
            "PASSWORD = os.environ['DB_PASSWORD']",
            &format!("if os.environ['DB_PASSWORD'] == '{PW}':"),
            "password = request.POST.get('password', '')",
            "password = kwargs.pop('password', None)",
            "db = os.getenv('DB_PASSWORD', default_password)",
            &format!("log('password', '{PW}', level)"),
            // Lists of names, not a key and its value.
            "fields = (\"username\", \"password1\", \"password2\")",
            "hasher.encode(\"password\", \"salt\")",
            "(\"username\", \"password\", \"message\"),",
        ] {
            none("app.py", text);
        }
    }

    // Regression: a PostgreSQL URL whose password repeats the user name, in a test file
    // (ripsecrets' test/none), was a `generic-secret-sample` warning; that pair is how tests and
    // docs write "some account", a stand-in there. Outside them it is a weak credential and
    // still reported. (URLs are assembled so that the project's own scan stays clean.)
    #[test]
    fn user_name_as_password_is_a_stand_in_in_tests_and_docs_only() {
        let url = |user: &str, pass: &str| format!("postgresql://{user}:{pass}@db/x");
        for (path, text) in [
            (
                "tests/test_db.py",
                format!("URL = \"{}\"", url("user", "user")),
            ),
            ("docs/setup.md", url("postgres", "postgres")),
            ("examples/compose.yaml", url("Guest", "guest")),
            (
                "tests/run.sh",
                format!("curl -u {}:{} https://x", "admin", "admin"),
            ),
        ] {
            none(path, &text);
        }
        one(
            "settings.py",
            &format!("URL = \"{}\"", url("user", "user")),
            Verdict::Password,
            "user",
        );
        one(
            "deploy/run.sh",
            &format!("curl -u {}:{} https://x", "admin", "admin"),
            Verdict::Password,
            "admin",
        );
        // Another password in a test stays a sample.
        one(
            "tests/test_db.py",
            &format!("URL = \"{}\"", url("user", "hunter2")),
            Verdict::Sample,
            "hunter2",
        );
    }

    #[test]
    fn samples_in_tests_are_reported_as_samples() {
        one(
            "tests/test_login.py",
            "login(password=\"hunter2\")", // pyguard: allow[generic-password]
            Verdict::Sample,
            "hunter2",
        );
        one(
            "app.py",
            "API_TOKEN = \"abcdef1234567890abcdef1234567890\"",
            Verdict::Sample,
            "abcdef1234567890abcdef1234567890",
        );
    }
}
