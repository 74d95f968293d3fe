//! The value model of the generic detector: whether a literal held by a secret-named key is a
//! credential, a hand-typed sample, or not a secret at all (a placeholder, a reference to where
//! the secret really lives, or code).
//!
//! It sees one value and the class of its key (see `rules::keyname`); it knows nothing of the
//! line or file around it beyond whether the value was quoted and whether the file is source
//! code (where an unquoted right-hand side is an expression).

use crate::rules::entropy;
use crate::rules::keyname::KeyClass;
use crate::rules::placeholder;

/// What a value held by a secret-named key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strength {
    /// A credential: a password of any strength, or a credential-shaped value.
    Credential,
    /// A made-up sample: a typed run (`abcdef123456`) or a value that names itself
    /// (`my-test-password`). Reported, not blocking.
    Sample,
}

/// Values that stand for "no secret here" when they are the whole value.
const STAND_IN: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "apikey",
    "api_key",
    "test",
    "testing",
    "tester",
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "none",
    "null",
    "nil",
    "undefined",
    "string",
    "str",
    "value",
    "foo",
    "bar",
    "baz",
    "foobar",
    "qux",
    "default",
    "required",
    "optional",
    "empty",
    "blank",
    "unset",
    "notset",
    "na",
    "n/a",
    "tbd",
    "todo",
    "hidden",
    "redacted",
    "masked",
    "removed",
    "sensitive",
    "private",
    "secure",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "bearer",
    "basic",
    "auto",
    "env",
    "environment",
    "random",
    "generated",
    "secret_key",
    "access_token",
    "api-key",
    "xxx",
    "abc",
    "abc123",
    "123",
    "1234",
    "12345",
    "123456",
    "none_set",
    "not_set",
    "anonymous",
    "guest",
    "public",
    // The demo credentials of database documentation (Oracle's scott/tiger).
    "tiger",
    // The word itself in other languages (translation files).
    "passwort",
    "kennwort",
    "contrasena",
    "contraseña",
    "motdepasse",
    "wachtwoord",
    "senha",
    "parola",
    "haslo",
    "jeton",
    "geheim",
    "salasana",
    "losenord",
];

/// Words that make a value name itself (`my-test-password`): a fixture, not a credential.
const SELF_NAMING: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "test",
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "apikey",
    "api_key",
    "api-key",
    "placeholder",
    "invalid",
    "wrong",
    "foobar",
    "sensitive",
];

/// Prefixes of references to where a secret really lives.
const REFERENCE_PREFIXES: &[&str] = &[
    "env:",
    "env.",
    "vault:",
    "vault/",
    "ref+",
    "op://",
    "sm://",
    "arn:aws:",
    "projects/",
    "!ref",
    "!sub",
    "!getatt",
    "!vault",
    "!secret",
    "enc[",
    "@microsoft.keyvault",
    "ssm:",
    "secretsmanager:",
    "file:",
    "/run/secrets",
    "keyvault:",
    "akv:",
    "bws:",
    "infisical:",
    "doppler:",
    "secret:",
    "secrets:",
    "aws-secretsmanager",
    "gcp-secretmanager",
    "azure-keyvault",
    "cmd:",
    "exec:",
    "pass:",
    "bw:",
    "lpass:",
    "sops:",
];

/// Fragments that mark a template, an interpolation or an environment lookup.
const REFERENCE_PARTS: &[&str] = &[
    "${",
    "{{",
    "{%",
    "<%",
    "#{",
    "%(",
    "$(",
    "os.environ",
    "getenv",
    "process.env",
    "environ[",
    "environ.get",
    "secrets.",
    "vars.",
    "inputs.",
    "lookup(",
    "secretkeyref",
    "valuefrom",
];

/// Judges `value`, held by a key of class `class`: `None` when it is not a secret.
/// `quoted`: the value was a string literal; `code`: the file is source code, where an unquoted
/// right-hand side is an expression.
#[must_use]
pub fn judge(class: KeyClass, value: &[u8], quoted: bool, code: bool) -> Option<Strength> {
    if value.is_empty() || value.len() > 300 {
        return None;
    }
    let text = std::str::from_utf8(value).ok()?;
    if is_reference(text) || placeholder::is_stand_in(value) {
        return None;
    }
    if !quoted && (code || is_code_token(text)) {
        return None;
    }
    if text
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        // A quoted passphrase of a few plain words (`'open sesame'`) is a password; prose
        // (`"Enter your password"`) is not.
        return (class == KeyClass::Password && quoted && is_passphrase(text))
            .then_some(Strength::Sample);
    }
    let lower = text.to_ascii_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if bare.len() < 2
        || text.contains("...")
        || text.ends_with('\u{2026}')
        || STAND_IN.contains(&bare)
        || text.bytes().all(|b| b"*xX.?#-_".contains(&b))
        || is_path_or_address(text)
        || placeholder::is_password_hash(text)
        || placeholder::is_failed_checksum_token(value)
    {
        return None;
    }
    let named = SELF_NAMING.iter().any(|w| lower.contains(w));
    let typed = placeholder::has_typed_run(value);
    if class != KeyClass::Password && is_option_setting(text) {
        return None;
    }
    match class {
        KeyClass::Password => {
            if !quoted && FUNCTION_WORDS.contains(&lower.as_str()) {
                // `--password at the prompt`, `password: see below`: prose after the key.
                return None;
            }
            if is_identifier(text) && quoted && code && text.contains('_') {
                // `password = "db_password"` in code: the name of a setting, not its value.
                return None;
            }
            Some(if named || typed {
                Strength::Sample
            } else {
                Strength::Credential
            })
        }
        KeyClass::Secret | KeyClass::Key => {
            let strict = class == KeyClass::Key;
            let long_enough = if strict { 16 } else { 8 };
            let letters_only = text.bytes().all(|b| b.is_ascii_alphabetic());
            if value.len() < long_enough
                || is_identifier(text)
                || is_label(text)
                || is_camel_identifier(text)
                || letters_only && value.len() < 20
                // An expression or a regex (`Jobs[-1].JobId`, `(?:a|b)+`), not a token.
                || text.contains(['[', ']', '(', ')', '|', '{', '}'])
            {
                return None;
            }
            if placeholder::is_uuid(text) {
                // A UUID is an identifier under a bare `key`; under `token` or `secret` it is
                // the credential (Heroku's API keys are UUIDs).
                return (!strict).then_some(Strength::Credential);
            }
            if !entropy::is_random(value, strict) {
                return None;
            }
            Some(if named || typed {
                Strength::Sample
            } else {
                Strength::Credential
            })
        }
    }
}

/// `CHANGES.rst`, `NEWS`, `HISTORY.md`, `CHANGELOG`: a project's changelog, named in capitals
/// as changelogs are (not `history.py`, nor an app's `history.yaml`).
fn is_changelog(name: &str) -> bool {
    let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
    ["CHANGELOG", "CHANGES", "NEWS", "HISTORY"].contains(&stem)
        && ["", "md", "rst", "txt", "adoc"].contains(&ext.to_ascii_lowercase().as_str())
}

/// Default passwords of database and broker images and of CI services (`root` for `MySQL`,
/// `postgres`, `guest` for `RabbitMQ`), and the names people give such throwaway instances.
const SERVICE_DEFAULTS: &[&str] = &[
    "root",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
    "guest",
    "admin",
    "test",
    "tests",
    "testing",
    "testpass",
    "testpassword",
    "ci",
    "travis",
    "circleci",
    "github",
    "gitlab",
    "user",
    "dev",
    "development",
    "local",
    "docker",
];

/// Whether `value` is a service image's default password or a throwaway instance's name
/// (case-insensitive), as CI jobs give their service containers, also with `my` before it or
/// a password word or a run of digits after it (`rootpw`, `mypass`, `postgres123`).
#[must_use]
pub fn is_service_default(value: &[u8]) -> bool {
    let Ok(v) = std::str::from_utf8(value) else {
        return false;
    };
    let v = v.to_ascii_lowercase();
    let v = v.strip_prefix("my").unwrap_or(&v);
    let stem = [
        "password", "passwd", "pass", "pwd", "pw", "12345", "1234", "123",
    ]
    .iter()
    .find_map(|s| v.strip_suffix(s));
    SERVICE_DEFAULTS.contains(&stem.unwrap_or(v)) || stem == Some("")
}

/// English function words: unquoted after a password key they are the prose around it.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "at", "to", "of", "in", "on", "for", "from", "with", "by", "as", "is", "are",
    "was", "be", "and", "or", "if", "when", "then", "this", "that", "it", "see", "below", "above",
    "will", "can", "may", "must", "should", "flag", "option", "argument", "prompt",
];

/// `StrictHostKeyChecking=no`, `IdentitiesOnly=yes`: an option of some program and its short
/// value, written as one word (ssh's `-o`, a driver's settings), not a credential.
fn is_option_setting(text: &str) -> bool {
    let Some((name, value)) = text.split_once('=') else {
        return false;
    };
    let capitals = name.bytes().filter(u8::is_ascii_uppercase).count();
    name.len() >= 6
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.bytes().all(|b| b.is_ascii_alphabetic())
        && (capitals >= 2 && capitals * 3 <= name.len() || name.contains('_'))
        && !value.is_empty()
        && value.len() <= 8
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Words that make a quoted value with blanks prose or a stand-in rather than a passphrase.
const PROSE_WORDS: &[&str] = &[
    "your",
    "the",
    "a",
    "an",
    "enter",
    "here",
    "of",
    "to",
    "is",
    "for",
    "please",
    "type",
    "new",
    "old",
    "must",
    "should",
    "be",
    "at",
    "least",
    "not",
    "and",
    "or",
    "with",
    "this",
    "that",
    "it",
    "in",
    "on",
    "my",
    "set",
    "use",
    "user",
    "users",
    "required",
    "optional",
    "characters",
];

/// A passphrase: two to four plain lower-case words (letters, digits, a little punctuation)
/// that are neither prose nor stand-ins (`open sesame`, `correct horse battery staple`).
fn is_passphrase(text: &str) -> bool {
    let words: Vec<&str> = text.split(' ').collect();
    (2..=4).contains(&words.len())
        && text.len() <= 40
        && words.iter().all(|w| {
            !w.is_empty()
                && w.len() <= 16
                && w.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!@#&*-_".contains(&b)
                })
                && !PROSE_WORDS.contains(w)
                && !STAND_IN.contains(w)
                && !SELF_NAMING.iter().any(|s| w.contains(s))
        })
}

/// Whether `value` is shaped like a token, generated or typed by hand, rather than a word, a
/// name or a reference: 12 to 300 characters of a token alphabet holding letters and digits
/// (or 16 digits, or a run typed by hand), not a stand-in (`changeme`, `xxxx`, `<...>`), a
/// label (`my-secret-name`), a path or a URL. Used where the key names a credential but the
/// form is loose, so only the value's shape is judged.
#[must_use]
pub fn is_token_shaped(value: &[u8]) -> bool {
    if !(12..=300).contains(&value.len())
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"_-+/.=".contains(b))
        || !value[0].is_ascii_alphanumeric()
    {
        return false;
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    if is_reference(text)
        || placeholder::is_stand_in(value)
        || is_path_or_address(text)
        || text.contains("..")
        || is_file_name(text)
    {
        return false;
    }
    // Typed by hand: an ascending run (`abcdefghijklmnop`) or a short unit repeated
    // (`abcdefabcdefabcdef`, `123456123456123456`); a word is neither.
    let typed = value.len() >= 16 && (placeholder::has_typed_run(value) || is_repeated_unit(value));
    if typed {
        return true;
    }
    if is_label(text)
        || is_version(text)
        || placeholder::is_named_digest(text)
        || is_kebab_name(text)
    {
        return false;
    }
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    let letters = value.iter().filter(|b| b.is_ascii_alphabetic()).count();
    // Digits alone are a card-like 16 (dashes allowed); longer runs are timestamps and ids.
    (digits > 0 && letters > 0 && !is_identifier(text)) || (letters == 0 && digits == 16)
}

/// A version: `1.2.3`, `v1.2.3-rc1`, `0.1.2-alpha.3+build.20240101`.
fn is_version(text: &str) -> bool {
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let core = text.split(['-', '+']).next().unwrap_or(text);
    let parts: Vec<&str> = core.split('.').collect();
    (3..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_digit()))
        // Pre-release and build labels are short (`rc1`, `build.20240101`); a long hex run
        // after a version (`v1.0-e26de050...`) is a key's body.
        && text[core.len()..]
            .split(['-', '+', '.'])
            .all(|p| p.len() <= 16)
}

/// A kebab-case name that starts with a word: `token-service-5d8f7c9b6-x2k4p` (a pod),
/// `access-level-2fa`. Lower-case letters, digits and dashes, the first part a word of three
/// letters or more that is not hex (a UUID's `abcdef12-...` is not a name).
fn is_kebab_name(text: &str) -> bool {
    let first = text.split('-').next().unwrap_or("");
    text.contains('-')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && text.split('-').all(|p| !p.is_empty())
        && first.len() >= 3
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && first.bytes().any(|b| b > b'f')
}

/// A lower-case `snake_case` name behind a short prefix: `sbp_baseline_mean1`,
/// `sgp_population_2020_census`, `r8_detector_model_v2_final`, `npm_config_cache_dir_2024`.
/// A token's body is random and mixed case, or one run of hex; a name is two or more words,
/// each letters with an optional number after them (or a number alone).
#[must_use]
pub fn is_prefixed_name(value: &[u8]) -> bool {
    let mut parts = value.split(|&b| b == b'_');
    let Some(prefix) = parts.next() else {
        return false;
    };
    let words: Vec<&[u8]> = parts.collect();
    // Words are short: a run of 17 letters or more is a token's body or typed filler.
    let word = |w: &&[u8]| {
        let letters = w.iter().take_while(|b| b.is_ascii_lowercase()).count();
        !w.is_empty() && letters <= 16 && w[letters..].iter().all(u8::is_ascii_digit)
    };
    !prefix.is_empty()
        && prefix.len() <= 10
        && prefix
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && words.len() >= 2
        && words.iter().all(word)
        // A word of three letters or more: `sk_live_x1_y2` parts are not names.
        && words
            .iter()
            .filter(|w| w.iter().take_while(|b| b.is_ascii_lowercase()).count() >= 3)
            .count()
            >= 2
}

/// Whether `value` is a unit of five to eight characters written out three times or more (an
/// unfinished last copy allowed): a value typed by hand. Shorter units (`asdfasdfasdf`) are
/// filler, like `xxxx`.
fn is_repeated_unit(value: &[u8]) -> bool {
    let period = |body: &[u8]| {
        (1..=8).find(|&unit| {
            body.len() >= unit * 3
                && body
                    .iter()
                    .enumerate()
                    .all(|(i, b)| b.eq_ignore_ascii_case(&body[i % unit]))
        })
    };
    // The smallest unit decides (`asdfasdf` repeated is `asdf` repeated); a short tail of other
    // characters is allowed (`abcdefabcdefabcdef12`).
    let body = &value[..value.len().saturating_sub(4)];
    period(value)
        .or_else(|| (body.len() >= 12).then(|| period(body)).flatten())
        .is_some_and(|unit| unit >= 5)
}

/// A file name: a label or a word, a dot and a short extension (`my-movie.m2ts`, `notes.txt`).
fn is_file_name(text: &str) -> bool {
    text.rsplit_once('.').is_some_and(|(stem, ext)| {
        (1..=5).contains(&ext.len())
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
            && ext.bytes().any(|b| b.is_ascii_alphabetic())
            && (is_label(stem) || stem.bytes().all(|b| b.is_ascii_alphabetic()))
    })
}

/// Whether `text` points at a secret instead of holding it: a template, an interpolation, an
/// environment or secret-manager reference, a SQL bind parameter.
#[must_use]
pub fn is_reference(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.starts_with('$') || lower.starts_with("&lt;") || lower.starts_with('<') {
        return true;
    }
    if REFERENCE_PREFIXES.iter().any(|p| lower.starts_with(p))
        || REFERENCE_PARTS.iter().any(|p| lower.contains(p))
    {
        return true;
    }
    // `{name}`, `{}`, `%s`, `%d`: a format string.
    if let Some(open) = text.find('{') {
        if text[open..].contains('}') {
            return true;
        }
    }
    if ["%s", "%d", "%r", "%v", "{0}"]
        .iter()
        .any(|f| text.contains(f))
    {
        return true;
    }
    // `%APPDATA%`, `:password`, `@password`, `?`: Windows variables and SQL bind parameters.
    let b = text.as_bytes();
    if b.len() >= 3 && b[0] == b'%' && b[b.len() - 1] == b'%' {
        return true;
    }
    if (b[0] == b':' || b[0] == b'@') && b.len() > 1 && is_identifier(&text[1..]) {
        return true;
    }
    text == "?"
}

/// An unquoted token that is a keyword, a number or the start of a structure, not a literal
/// value (`true`, `null`, `~`, `8080`, `[`, `&anchor`).
fn is_code_token(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if [
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "null",
        "none",
        "nil",
        "~",
        "undefined",
    ]
    .contains(&lower.as_str())
    {
        return true;
    }
    let first = text.as_bytes()[0];
    if b"[{(&*|>!=\\".contains(&first) || text.ends_with(['[', '(', '.']) {
        return true;
    }
    text.bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// A name-like value: lower-case words joined by `_`, `-` or `.`, `UPPER_SNAKE`, or a
/// dotted attribute path (`settings.SECRET_KEY`).
fn is_identifier(text: &str) -> bool {
    if text.is_empty() || !text.as_bytes()[0].is_ascii_alphabetic() && text.as_bytes()[0] != b'_' {
        return false;
    }
    // Each part a word with an optional number after it (`python3`, `v2`): random tokens
    // interleave their digits.
    let word_part = |w: &str| {
        let letters = w.bytes().take_while(u8::is_ascii_lowercase).count();
        w[letters..].bytes().all(|b| b.is_ascii_digit())
    };
    let lower_words = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
        && text.split(['_', '-', '.']).all(word_part);
    let screaming = text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && text.contains('_');
    // An attribute path's parts are names; a part of more than 24 characters that mixes in
    // digits without an underscore is a segment of an opaque token (`Xk3...Qz.Lm9...`).
    let dotted = text.contains('.')
        && text.split('.').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && (part.len() <= 24
                    || part.contains('_')
                    || !part.bytes().any(|b| b.is_ascii_digit()))
        });
    lower_words || screaming || dotted
}

/// A name in camel or Pascal case (`AWSAccessKeyId`, `Ipv6CidrAssociations`): split at case
/// changes and digits, most of its pieces are words of three letters or more, where a random
/// string of mixed case falls apart into pieces of one or two.
#[must_use]
pub fn is_camel_identifier(text: &str) -> bool {
    let b = text.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_alphanumeric) || !b[0].is_ascii_alphabetic() {
        return false;
    }
    // Without a capital after the first letter it is not camel case (random lower case and
    // digits is not an identifier).
    if !b[1..].iter().any(u8::is_ascii_uppercase) || !b.iter().any(u8::is_ascii_lowercase) {
        return false;
    }
    // Names hold a version number at most; a typed alphabet is a sample, not a name.
    if b.iter().filter(|c| c.is_ascii_digit()).count() * 10 > b.len()
        || placeholder::has_typed_run(b)
    {
        return false;
    }
    let mut pieces: Vec<usize> = Vec::new();
    let mut len = 0usize;
    for (i, &c) in b.iter().enumerate() {
        let boundary = i > 0
            && (c.is_ascii_uppercase() && !b[i - 1].is_ascii_uppercase()
                || c.is_ascii_uppercase()
                    && b[i - 1].is_ascii_uppercase()
                    && b.get(i + 1).is_some_and(u8::is_ascii_lowercase));
        if boundary {
            pieces.push(len);
            len = 0;
        }
        if c.is_ascii_alphabetic() {
            len += 1;
        }
    }
    pieces.push(len);
    let short = pieces.iter().filter(|&&l| l <= 2).count();
    !pieces.is_empty() && short * 4 <= pieces.len()
}

/// A label: letters only in camel or title case (`ResetFlow`), or words and numbers joined by
/// punctuation (`Bad-Token`, `Orange-2`).
fn is_label(text: &str) -> bool {
    let camel = text.bytes().all(|b| b.is_ascii_alphabetic())
        && text.bytes().filter(u8::is_ascii_uppercase).count() * 4 <= text.len();
    let is_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic());
    let is_number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    let joined = text.split(['-', '_', '.']).count() > 1
        && text
            .split(['-', '_', '.'])
            .all(|w| is_word(w) || is_number(w))
        && text
            .split(['-', '_', '.'])
            .any(|w| w.len() >= 3 && is_word(w));
    camel || joined
}

/// A path, a file name, or a URL without credentials.
#[allow(clippy::items_after_statements)]
fn is_path_or_address(text: &str) -> bool {
    if text.starts_with('/')
        || text.starts_with("./")
        || text.starts_with("../")
        || text.starts_with("~/")
        || text.starts_with("data:")
        || text.get(1..3) == Some(":\\")
    {
        return true;
    }
    if let Some((_, rest)) = text.split_once("://") {
        let authority = rest.split('/').next().unwrap_or(rest);
        return !authority.contains('@');
    }
    const FILE_ENDINGS: &[&str] = &[
        ".json",
        ".pem",
        ".key",
        ".txt",
        ".yaml",
        ".yml",
        ".crt",
        ".p12",
        ".pfx",
        ".jks",
        ".env",
        ".cfg",
        ".ini",
        ".conf",
        ".toml",
        ".xml",
        ".html",
        ".js",
        ".py",
        ".gpg",
        ".asc",
        ".der",
        ".keystore",
        ".csv",
        ".log",
        ".sh",
    ];
    let lower = text.to_ascii_lowercase();
    FILE_ENDINGS.iter().any(|e| lower.ends_with(e))
        || (text.contains('/')
            && text.split('/').all(|seg| {
                seg.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
            }))
}

/// Whether `path` holds samples rather than live configuration: tests, fixtures, examples and
/// documentation. A secret-named literal there is reported as a sample, not blocked.
#[must_use]
#[allow(
    clippy::items_after_statements,
    clippy::case_sensitive_file_extension_comparisons
)]
pub fn is_sample_path(path: &str) -> bool {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let original_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let mut parts = lower.split('/').collect::<Vec<_>>();
    let name = parts.pop().unwrap_or_default();
    const DIRS: &[&str] = &[
        "test",
        "tests",
        "testing",
        "spec",
        "specs",
        "__tests__",
        "fixtures",
        "fixture",
        "testdata",
        "test_data",
        "mocks",
        "examples",
        "example",
        "docs",
        "doc",
        "docs_src",
        "documentation",
        "tutorials",
        "samples",
    ];
    parts.iter().any(|p| DIRS.contains(p) || *p == "changelogs")
        // A package's metadata carries its README as the long description.
        || name == "pkg-info"
        || name == "metadata" && parts.last().is_some_and(|p| p.ends_with(".dist-info"))
        || is_changelog(original_name)
        || name.starts_with("test_")
        || name == "conftest.py"
        || [
            "_test.",
            ".test.",
            ".spec.",
            "_spec.",
            ".example",
            ".sample",
            ".template",
            ".dist",
        ]
        .iter()
        .any(|m| name.contains(m))
        || name.ends_with(".md")
        || name.ends_with(".rst")
        || ["examples", ".example", "_example", "-example"]
            .iter()
            .any(|m| name.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(class: KeyClass, v: &str) -> Option<Strength> {
        judge(class, v.as_bytes(), true, true)
    }

    #[test]
    fn a_password_is_a_password_even_when_weak() {
        for v in [
            "hunter2",
            "admin",
            "Zq!9#vLm2@pX7&wR4tB",
            "postgres",
            "s3cr3t-V4lue",
            // Leetspeak is how people make a weak password look strong, not a stand-in.
            "P@ssw0rd",
        ] {
            assert_eq!(j(KeyClass::Password, v), Some(Strength::Credential), "{v}");
        }
        // A value that says what it stands for is a sample (pydantic's `SecretStr` docs).
        assert_eq!(
            j(KeyClass::Password, "IAmSensitive"),
            Some(Strength::Sample)
        );
    }

    #[test]
    fn placeholders_references_and_code_are_not_passwords() {
        for v in [
            "",
            "changeme",
            "<your-password>",
            "&lt;password&gt;",
            "***",
            "xxxxxx",
            "${DB_PASS}",
            "$DB_PASS",
            "%(password)s",
            "{{ vault_pw }}",
            "vault:secret/db#pw",
            "password",
            "example",
            "dummy",
            "test",
            "os.environ['X']",
            "/run/secrets/db",
            "%s",
            ":password",
            "Enter your password",
            "op://vault/item/field",
            "none",
        ] {
            assert_eq!(j(KeyClass::Password, v), None, "{v:?}");
        }
        // Unquoted in code: an expression.
        assert_eq!(
            judge(KeyClass::Password, b"get_password()", false, true),
            None
        );
        assert_eq!(judge(KeyClass::Password, b"password", false, true), None);
        // Unquoted in a config file: a literal, unless a keyword or number.
        assert_eq!(
            judge(KeyClass::Password, b"hunter2", false, false),
            Some(Strength::Credential)
        );
        assert_eq!(judge(KeyClass::Password, b"null", false, false), None);
        assert_eq!(judge(KeyClass::Password, b"8080", false, false), None);
    }

    #[test]
    fn self_naming_and_typed_values_are_samples() {
        assert_eq!(
            j(KeyClass::Password, "my-test-password1"),
            Some(Strength::Sample)
        );
        assert_eq!(
            j(KeyClass::Secret, "abcdef1234567890abcdef1234567890"),
            Some(Strength::Sample)
        );
    }

    #[test]
    fn versions_digests_kebab_names_and_prefixed_names_are_not_tokens() {
        for v in [
            "0.1.2-alpha.3+build.20240101",
            "v1.2.3-rc1-build20240101",
            "sha1-2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            "token-service-5d8f7c9b6-x2k4p",
            "access-level-2fa",
            "1704067200000000000",
        ] {
            assert!(!is_token_shaped(v.as_bytes()), "{v}");
        }
        // A version followed by a key's body, a UUID's hex and 16 digits stay tokens.
        for v in [
            "v1.0-3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
            "abcdef12-3456-4d78-9abc-123456abcdef",
            "5820194736251849",
        ] {
            assert!(is_token_shaped(v.as_bytes()), "{v}");
        }
        assert!(is_prefixed_name(b"sbp_baseline_mean1"));
        assert!(is_prefixed_name(b"npm_config_cache_dir_2024"));
        assert!(!is_prefixed_name(b"sk_live_abcdefghijklmnopqrstu42"));
        assert!(!is_prefixed_name(b"sbp_3f9a1c7e5b2d4f6a8c0e"));
        assert!(!is_prefixed_name(b"npm_Zx81kQ0pLm3n_B7vC2xR9tY4u"));
    }

    #[test]
    fn secret_names_need_a_credential_shaped_value() {
        for v in [
            "xj4nq8wpzk2hrtvm6bfyd9sgcl3aeo7u",
            "Zx81kQ0pLm3nB7vC2xR9tY4u",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "007e64c7-635d-4d54-8295-f364cd8e0e0f",
        ] {
            assert_eq!(j(KeyClass::Secret, v), Some(Strength::Credential), "{v}");
        }
        for v in [
            "access_token",
            "Bad-Token",
            "ResetFlow",
            "settings.SECRET_KEY",
            "abc",
            "AWSAccessKeyId",
            "Ipv6CidrAssociations",
            "eyJ2IjoiMSIsInMiOjEsImMiOi...",
        ] {
            assert_eq!(j(KeyClass::Secret, v), None, "{v}");
        }
        // A bare `key` wants more: length, randomness, and a UUID is an identifier there.
        assert_eq!(
            j(KeyClass::Key, "007e64c7-635d-4d54-8295-f364cd8e0e0f"),
            None
        );
        assert_eq!(j(KeyClass::Key, "Hx8kP2mQ9vLw"), None);
        assert_eq!(
            j(KeyClass::Key, "aistqqnd7yd1r6ls74icrhu93l236jt5"),
            Some(Strength::Credential)
        );
    }

    #[test]
    fn token_shapes_typed_repeated_and_generated_but_not_words() {
        for v in [
            "abcdefghijklmnopqrst",
            "abcdefabcdefabcdefabcdef12",
            "123456123456123456123456",
            "5820194736251849",
            "k9m2n4p6q8r3t5v7",
        ] {
            assert!(is_token_shaped(v.as_bytes()), "{v}");
        }
        for v in [
            "my-secret-name",
            "ResetPasswordFlow",
            "settings.SECRET_KEY",
            "my-movie.m2ts",
            "xxxxxxxxxxxxxxxx",
            "https://acme.dev/k",
            "asdfasdfasdfasdfasdfasdf",
        ] {
            assert!(!is_token_shaped(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn a_dotted_value_with_long_opaque_parts_is_not_an_attribute_path() {
        // Opaque tokens of two or three dot-separated parts were taken for `a.b.c` names.
        let token = concat!(
            "Xk3vQ9zLm2Wp8RtY4nB6cD1fG7hJ",
            ".",
            "Qz5Tr8LmWv2Kp9Xn4Bc7Yd1Hf3Gj6"
        );
        assert!(!is_identifier(token));
        assert!(is_identifier("settings.SECRET_KEY"));
        assert!(is_identifier(
            "django.contrib.auth.hashers.PBKDF2PasswordHasher"
        ));
    }

    #[test]
    fn default_passwords_of_service_containers() {
        for v in [
            "root",
            "Postgres",
            "rootpw",
            "mypass",
            "testpass",
            "postgres123",
            "guest",
        ] {
            assert!(is_service_default(v.as_bytes()), "{v}");
        }
        for v in ["Zq9vLm2pX7wR", "rootkit", "s3cr3t", "hunter2", "my", ""] {
            assert!(!is_service_default(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn sample_paths() {
        assert!(is_sample_path("tests/test_login.py"));
        assert!(is_sample_path("src/app/login_test.go"));
        assert!(is_sample_path("docs/setup.md"));
        assert!(is_sample_path(".env.example"));
        // A package's metadata (its README as the long description) and changelogs.
        assert!(is_sample_path("PKG-INFO"));
        assert!(is_sample_path("src/pkg.egg-info/PKG-INFO"));
        assert!(is_sample_path("pkg-1.0.dist-info/METADATA"));
        assert!(is_sample_path("changelogs/changelog.yaml"));
        assert!(!is_sample_path("app/history.yaml"));
        assert!(!is_sample_path("tutorial/settings.py"));
        assert!(is_sample_path("CHANGES.rst"));
        assert!(is_sample_path("HISTORY.txt"));
        assert!(!is_sample_path("app/settings.py"));
        assert!(!is_sample_path(".env"));
        assert!(!is_sample_path("METADATA"));
        assert!(!is_sample_path("app/history.py"));
    }
}
