//! Rejects captured values that are plainly not secrets: placeholders, templates, environment
//! lookups, and (for the generic detector) identifiers, paths and URLs.
//!
//! These checks run after the regex and entropy gate; they never look at anything but the
//! captured value, so they cannot hide a real token that merely sits next to a placeholder.

/// Words that mark a value as a stand-in rather than a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "example",
    "placeholder",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "yourpassword",
    "redacted",
    "dummy",
    "replace_me",
    "replaceme",
    "insert_",
    "notasecret",
    "not_a_secret",
    "not-a-secret",
    "todo",
    "fixme",
    "xxxx",
    "****",
    "....",
    "<",
    "${",
    "$(",
    "{{",
    "%(",
    "os.environ",
    "os.getenv",
    "getenv(",
    "env(",
    "environ[",
    "environ.get",
    "process.env",
    "secrets.",
    "vault:",
];

/// Whether `value` is a placeholder or template rather than a secret.
#[must_use]
pub fn is_placeholder(value: &[u8]) -> bool {
    is_stand_in(value) || has_typed_run(value)
}

/// Whether `value` is a stand-in by its words or shape (`changeme`, `<token>`, `${X}`,
/// `xxxxxxxx`), leaving aside hand-typed runs such as `abcdef123456`.
#[must_use]
pub fn is_stand_in(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
    {
        return true;
    }
    // A run of one repeated character (`aaaaaaaa`, `00000000`) or an ascending run.
    if value.len() >= 6 {
        let first = value[0];
        if value.iter().all(|&b| b == first) {
            return true;
        }
    }
    if value.starts_with(b"$")
        && value[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'_')
    {
        return true;
    }
    // A whole template naming a value: `{pw}`, `{{ db_password }}`, `${PW}`, `%(pw)s`. A brace
    // inside a value (`Pa{ss}w0rd`) is a character of it, and so are braces around a mixed-case
    // body (Maven's encrypted `{vki9JTFm...}`).
    let braced = |v: &[u8]| {
        let inner = v
            .strip_prefix(b"{")
            .and_then(|i| i.strip_suffix(b"}"))
            .map(|i| i.trim_ascii_start().trim_ascii_end())
            .map(|i| {
                i.strip_prefix(b"{")
                    .and_then(|j| j.strip_suffix(b"}"))
                    .unwrap_or(i)
            })
            .map(<[u8]>::trim_ascii);
        inner.is_some_and(|i| {
            let name = |b: &u8| b.is_ascii_digit() || b"_.".contains(b);
            !i.is_empty()
                && (i.iter().all(|b| b.is_ascii_lowercase() || name(b))
                    || i.iter().all(|b| b.is_ascii_uppercase() || name(b)))
        })
    };
    if braced(value)
        || value.strip_prefix(b"$").is_some_and(braced)
        || value.starts_with(b"%(") && value.ends_with(b")s")
    {
        return true;
    }
    // A UUID of at most three symbols (`00000000-0000-4000-8000-000000000000`): filler in the
    // shape, not a generated id. (Other filler, `00aaaa...`, `SOME_PASSWORD`, stays a sample:
    // labelled material counts those as findings.)
    std::str::from_utf8(value).is_ok_and(is_uuid) && {
        let mut seen: Vec<u8> = value
            .iter()
            .copied()
            .filter(u8::is_ascii_alphanumeric)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len() <= 3
    }
}

/// Whether a long value (a session token, a signed blob: longer than the short-value checks
/// look at) is a documented example: AWS writes `EXAMPLE` into every example credential of its
/// documentation and SDK models (`AQoDYXdzEPT//////////wEXAMPLEtc764...`). Seven capitals in a
/// row spell it by chance in random base64 about once in 2^42 positions; shorter words would
/// turn up in long random values.
#[must_use]
pub fn is_long_example(value: &[u8]) -> bool {
    memchr::memmem::find(value, b"EXAMPLE").is_some()
}

/// Whether `value` holds a run typed by hand (`123456`, `abcdef`, seven ascending letters):
/// the mark of a made-up sample rather than a generated secret.
#[must_use]
pub fn has_typed_run(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    let sequences: [&[u8]; 2] = [b"01234567890", b"abcdefghijklmnopqrstuvwxyz"];
    if lower.len() >= 6
        && sequences
            .iter()
            .any(|s| memchr::memmem::find(s, &lower).is_some())
    {
        return true;
    }
    // A typed-out run such as `bcdefghij` inside a longer value marks a hand-made test value;
    // seven ascending letters occur in a random base62 string about once in 10^11.
    // Interleaved runs (`a1b2c3d4`) likewise.
    lower
        .windows(7)
        .any(|w| w.windows(2).all(|p| p[0].checked_add(1) == Some(p[1])))
        || lower.windows(8).any(|w| {
            (0..6).all(|i| w[i].checked_add(1) == Some(w[i + 2]))
                && w[0].is_ascii_alphabetic() != w[1].is_ascii_alphabetic()
        })
}

/// Whether a value assigned to a secret-like name is plainly not a secret: an identifier,
/// dotted name, function call, path, URL without credentials, UUID, hex digest, `data:` URI or
/// lock-file integrity hash. Used by the generic detector only.
#[must_use]
pub fn is_not_generic_secret(value: &[u8]) -> bool {
    if is_placeholder(value) {
        return true;
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    // snake_case / kebab-case / dotted identifiers and plain words.
    let identifier_like = text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
        && text.bytes().filter(u8::is_ascii_digit).count() * 3 < text.len();
    let screaming = text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && text.contains('_');
    let camel_words = text.bytes().all(|b| b.is_ascii_alphabetic())
        && text.bytes().filter(u8::is_ascii_uppercase).count() <= text.len() / 4;
    let dotted = text.contains('.')
        && text.split('.').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    if identifier_like || screaming || camel_words || dotted {
        return true;
    }
    if text.ends_with(')') && text.contains('(') {
        return true;
    }
    if text.starts_with('/')
        || text.starts_with("./")
        || text.starts_with("../")
        || text.starts_with("~/")
    {
        return true;
    }
    if let Some(rest) = text.split_once("://").map(|(_, r)| r) {
        // A URL is a secret only when it carries user:password@.
        let authority = rest.split('/').next().unwrap_or(rest);
        return !authority.contains('@');
    }
    if is_password_hash(text) || is_failed_checksum_token(value) {
        return true;
    }
    // A value that spells out what it stands for (`some:password`, `my-secret-token`) is a
    // fixture or a label, not a credential.
    let lower = text.to_ascii_lowercase();
    if ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    // Words (or a word and a number) joined by dashes, underscores or dots (`Bad-Token`,
    // `Reset_Flow`, `Orange-2`): a label.
    let is_word = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic());
    let is_number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    if text
        .split(['-', '_', '.', ' '])
        .all(|w| is_word(w) || is_number(w))
        && text
            .split(['-', '_', '.', ' '])
            .any(|w| w.len() >= 3 && is_word(w))
    {
        return true;
    }
    // A Windows environment reference (`%APPDATA%\\x`).
    if let Some(rest) = text.strip_prefix('%') {
        if let Some(end) = rest.find('%') {
            if end > 0
                && rest[..end]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'_')
            {
                return true;
            }
        }
    }
    // A relative path to a file (`custom_admin/form.html`, `keys/dev.pem`).
    if text.contains('/')
        && text.split('/').all(|seg| {
            seg.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b))
        })
    {
        return true;
    }
    if text.starts_with("data:") || is_named_digest(text) {
        return true;
    }
    is_uuid(text) || is_hex_digest(text)
}

/// Whether a string literal that code gives to a password-, secret- or token-named name is
/// plainly no credential: a stand-in (`changeme`, `<token>`, `${X}`, `xxxxxxxx`), a checksummed
/// token whose checksum fails, a `data:` URI, a password hash, a UUID or a URL without
/// `user:password@`. Weak words (`hunter2`, `default`) are still credentials here: unlike the
/// generic secret detector, the name already says what the value is.
#[must_use]
pub fn is_not_credential_literal(value: &[u8]) -> bool {
    if is_stand_in(value) || is_failed_checksum_token(value) {
        return true;
    }
    let Ok(text) = std::str::from_utf8(value) else {
        return false;
    };
    if text.starts_with("data:") || is_password_hash(text) || is_uuid(text) {
        return true;
    }
    text.split_once("://")
        .is_some_and(|(_, rest)| !rest.split('/').next().unwrap_or(rest).contains('@'))
}

/// A digest named by its algorithm: `sha1-2fd4...`, `sha512-<base64>` (lock files, SRI).
#[must_use]
pub fn is_named_digest(text: &str) -> bool {
    ["md5-", "sha1-", "sha224-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| text.len() > p.len() && text[..p.len()].eq_ignore_ascii_case(p))
}

/// Whether `text` is a stored password hash (Django's `algorithm$iterations$salt$hash`, crypt's `$2b$`,
/// `$argon2id$`, ...): sensitive, but not a credential anyone can log in with.
#[must_use]
pub fn is_password_hash(text: &str) -> bool {
    const SCHEMES: &[&str] = &[
        "pbkdf2_sha256$",
        "pbkdf2_sha1$",
        "argon2$",
        "bcrypt$",
        "bcrypt_sha256$",
        "scrypt$",
        "md5$",
        "sha1$",
        "$2a$",
        "$2b$",
        "$2y$",
        "$argon2",
        "$5$",
        "$6$",
        "$pbkdf2",
    ];
    SCHEMES.iter().any(|s| text.starts_with(s))
}

/// Whether `value` is shaped like a checksummed token (GitHub's, npm's) whose checksum is wrong: a made-up
/// or mistyped token, which the specific pattern already declined to report.
#[must_use]
pub fn is_failed_checksum_token(value: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_"];
    value.len() == 40
        && PREFIXES.iter().any(|p| value.starts_with(p))
        && value[4..].iter().all(u8::is_ascii_alphanumeric)
        && !super::validate::Validator::GithubChecksum.check(value)
}

/// Whether `text` is a UUID in its 8-4-4-4-12 hex form.
#[must_use]
pub fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn is_hex_digest(text: &str) -> bool {
    matches!(text.len(), 32 | 40 | 64)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_template_is_a_stand_in_and_a_brace_in_a_value_is_not() {
        for v in [
            "{pw}",
            "{{ db_password }}",
            "${DB_PASSWORD}",
            "%(pw)s",
            "{0}",
        ] {
            assert!(is_stand_in(v.as_bytes()), "{v}");
        }
        for v in ["Pa{ss}w0rd9x", "{vki9JTFmEYlTlCZixjz0jr5QxEXl}", "{}"] {
            assert!(!is_stand_in(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn a_0xff_byte_in_a_value_does_not_overflow() {
        // Found by the fuzz harness (tests/fuzz-corpus/matcher/placeholder-0xff): the
        // ascending-run check added 1 to a 0xff byte and panicked on overflow.
        assert!(!is_placeholder(b"replace\xffh-youatr-key"));
        assert!(!is_placeholder(b"\xfe\xff\xff\xff\xff\xff\xff\xff"));
    }

    #[test]
    fn credential_literals_keep_weak_words_and_drop_stand_ins() {
        for v in ["hunter2", "default", "s3cr3t", "Tr0ub4dor&3"] {
            assert!(!is_not_credential_literal(v.as_bytes()), "{v}");
        }
        for v in [
            "changeme",
            "<your-password>",
            "${DB_PASSWORD}",
            "data:text/plain;base64,aGk=",
            "https://example.com/login",
            "123e4567-e89b-12d3-a456-426614174000",
        ] {
            assert!(is_not_credential_literal(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        for v in [
            "changeme",
            "xxxxxxxxxxxx",
            "<your-token>",
            "${API_TOKEN}",
            "{{ secret }}",
            "os.environ['X']",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaa",
            "12345678",
            "abcdefgh",
            "$DB_PASSWORD",
            // Regression: a `generic-secret-sample` warning in botocore's escaped JSON
            // examples (a zero UUID under `Token`).
            "00000000-0000-4000-8000-000000000000",
        ] {
            assert!(is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn real_looking_values_are_not_placeholders() {
        for v in [
            "q8Zt3LkP0vW2xR7mN5bY",
            "hunter2hunter2",
            "s3cr3t-V4lue!",
            "PROD_DB_2024",
            "0101-2020-3131",
        ] {
            assert!(!is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn generic_rejects_plain_non_secrets() {
        for v in [
            "access_token",
            "my-secret-name",
            "settings.SECRET_KEY",
            "API_TOKEN_NAME",
            "get_password()",
            "/etc/app/secret.txt",
            "https://example.org/path",
            "123e4567-e89b-12d3-a456-426614174000",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "data:image/png;base64,iVBOR",
            "sha512-AbCdEf==",
            "Password",
            "pbkdf2_sha256$600000$Qm9vZ3Rv$c2FsdGVkaGFzaA==",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", // pyguard: allow[password-hash]
            "ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IM",
            "some:password",
            "Bad-Token",
            "Orange-2",
            "%HOMEPATH%\\x",
            "custom_admin/password_change_form.html",
            "1bcdefghij2bcdefghij3bcdefghijABCD",
        ] {
            assert!(is_not_generic_secret(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn generic_keeps_real_secrets() {
        // Built at run time so that the dogfood scan of this repository stays clean.
        let url = format!("postgres://app:{}@db:5432/app", "Hx8kP2mQ");
        for v in ["q8Zt3LkP0vW2xR7mN5bY", "Tr0ub4dor&3xK9", &url] {
            assert!(!is_not_generic_secret(v.as_bytes()), "{v}");
        }
    }
}
