//! The key-name model of the generic detector: whether a name (a variable, a dict or YAML key,
//! an environment variable, a flag, an XML element) says that its value is a credential, and
//! how strongly.
//!
//! Names are split into words whatever their case style (`DB_PASSWORD`, `dbPassword`,
//! `db-password`, `spring.datasource.password`, `mailerliteSECRET`), so that a name that starts,
//! ends or contains a secret word is recognised. This module judges names only; the value is
//! judged by `rules::literal`.

/// How strongly a name says that its value is a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyClass {
    /// A bare `key` or `access`: only a random-looking value is a credential there.
    Key,
    /// `secret`, `token`, `api_key`, `auth`, `credential`, `private_key`, `access_key`: a
    /// credential-shaped value is a credential.
    Secret,
    /// `password`, `passwd`, `pwd`, `passphrase`: any literal is a password, weak ones too.
    Password,
}

/// Secret words recognised inside a name written in one piece (`dbpassword`, `authtoken`).
const JOINED: &[(&str, KeyClass)] = &[
    ("password", KeyClass::Password),
    ("passwd", KeyClass::Password),
    ("passphrase", KeyClass::Password),
    ("passwort", KeyClass::Password),
    ("secret", KeyClass::Secret),
    ("token", KeyClass::Secret),
    ("apikey", KeyClass::Secret),
    ("accesskey", KeyClass::Secret),
    ("privatekey", KeyClass::Secret),
    ("credential", KeyClass::Secret),
    ("authkey", KeyClass::Secret),
    ("signingkey", KeyClass::Secret),
    ("encryptionkey", KeyClass::Secret),
    ("masterkey", KeyClass::Secret),
];

/// Whole words (after splitting) that mark a secret name.
const WORDS: &[(&str, KeyClass)] = &[
    ("pwd", KeyClass::Password),
    ("pass", KeyClass::Password),
    ("pw", KeyClass::Password),
    ("auth", KeyClass::Secret),
    ("creds", KeyClass::Secret),
    ("cred", KeyClass::Secret),
    ("key", KeyClass::Key),
    ("access", KeyClass::Key),
    ("apikey", KeyClass::Secret),
];

/// A last word that makes the name describe the secret rather than hold it
/// (`password_length`, `token_url`, `SECRET_KEY_FILE`).
const META_LAST: &[&str] = &[
    "name",
    "names",
    "file",
    "filename",
    "files",
    "path",
    "paths",
    "dir",
    "url",
    "urls",
    "uri",
    "endpoint",
    "length",
    "len",
    "size",
    "type",
    "types",
    "field",
    "fields",
    "hint",
    "label",
    "prompt",
    "regex",
    "pattern",
    "policy",
    "format",
    "template",
    "header",
    "magic",
    "headers",
    "param",
    "params",
    "ttl",
    "timeout",
    "expiry",
    "expires",
    "expiration",
    "count",
    "min",
    "max",
    "env",
    "var",
    "variable",
    "prefix",
    "suffix",
    "id",
    "ids",
    "version",
    "algorithm",
    "alg",
    "method",
    "mode",
    "kind",
    "scheme",
    "class",
    "location",
    "provider",
    "manager",
    "service",
    "validator",
    "validators",
    "generator",
    "backend",
    "backends",
    "handler",
    "storage",
    "required",
    "enabled",
    "disabled",
    "set",
    "changed",
    "reset",
    "strength",
    "rules",
    "index",
    "position",
    "offset",
    "limit",
    "lifetime",
    "age",
    "usage",
    "source",
    "input",
    "output",
    "error",
    "errors",
    "message",
    "msg",
    "text",
    "title",
    "description",
    "desc",
    "help",
    "placeholder",
    "mask",
    "masked",
    "secure",
    "confirm",
    "confirmation",
    "view",
    "views",
    "form",
    "widget",
    "page",
    "link",
    "button",
    "id",
    "cls",
    "store",
    "length",
    "lengths",
    "chars",
    "charset",
    "complexity",
    "hash",
    "hashes",
    "hasher",
    "hashers",
    "salt",
    "encoder",
    "decoder",
    "parser",
    "serializer",
    "response",
    "request",
    "query",
    "test",
    "tests",
    "spec",
    "fixture",
    "mock",
    "example",
    "callback",
    "func",
    "fn",
    "function",
    "cmd",
    "command",
    "arn",
    "ref",
    "reference",
    "env_var",
    "option",
    "options",
    "flag",
    "flags",
    "setting",
    "settings",
    "config",
    "state",
    "status",
    "exists",
    "present",
    "missing",
    "invalid",
    "valid",
    "match",
    "matches",
    "event",
    "events",
    "log",
    "logs",
    "level",
    "list",
    "map",
    "dict",
    "keys",
    "tokens",
    "secrets",
    "passwords",
    "schema",
    "model",
    "column",
    "table",
    "attr",
    "attribute",
    "property",
    "prop",
    "annotation",
    "tag",
    "tags",
    "ttl_seconds",
    "seconds",
    "minutes",
    "hours",
    "days",
    "bytes",
    "bits",
    "pairs",
    "pair",
    "generation",
    "rotation",
    "interval",
    "lookup",
    "cache",
];

/// A first word that makes the name a question or an action (`is_password_set`,
/// `reset_password`, `get_token`).
const ACTION_FIRST: &[&str] = &[
    "is",
    "has",
    "use",
    "uses",
    "enable",
    "disable",
    "require",
    "requires",
    "show",
    "hide",
    "get",
    "fetch",
    "load",
    "read",
    "check",
    "validate",
    "verify",
    "forgot",
    "forget",
    "change",
    "update",
    "create",
    "delete",
    "remove",
    "generate",
    "gen",
    "make",
    "build",
    "parse",
    "send",
    "request",
    "refresh_if",
    "should",
    "can",
    "allow",
    "no",
    "num",
    "min",
    "max",
    "len",
    "count",
    "test",
    "mock",
    "fake",
    "dummy",
    "sample",
    "example",
    "default_if",
    "rotate",
    "revoke",
    "encode",
    "decode",
    "encrypt",
    "decrypt",
    "hash",
    "store",
    "save",
    "set",
    "handle",
    "on",
    "reset",
    "prompt",
    "ask",
    "input",
    "print",
    "log",
    "format",
    "extract",
    "find",
    "lookup",
];

/// A word before `key` that makes it a data-structure key, not a credential
/// (`primary_key`, `sort_key`, `public_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "public",
    "pub",
    "primary",
    "foreign",
    "sort",
    "cache",
    "partition",
    "hash",
    "lookup",
    "dict",
    "map",
    "group",
    "row",
    "cursor",
    "registry",
    "idempotency",
    "s3",
    "object",
    "bucket",
    "item",
    "field",
    "column",
    "table",
    "index",
    "unique",
    "composite",
    "natural",
    "surrogate",
    "dedup",
    "routing",
    "shard",
    "sharding",
    "message",
    "translation",
    "i18n",
    "locale",
    "lang",
    "label",
    "config",
    "setting",
    "settings",
    "dom",
    "react",
    "list",
    "the",
    "a",
    "this",
    "hot",
    "shortcut",
    "keyboard",
    "music",
    "musical",
    "foreign",
    "parent",
    "child",
    "host",
    "ssh",
    "gpg",
    "pgp",
    "fingerprint",
    "cert",
    "certificate",
    "ca",
    "result",
    "input",
    "output",
    "next",
    "more",
    "limit",
    "search",
    "filter",
    "query",
    "meta",
    "metadata",
    "name",
    "display",
    "api_version",
    "version",
    "cache_",
    "storage",
    "redis",
    "file",
    "context",
];

/// Words of a name: split on punctuation, on lower-to-upper case changes and before the last
/// capital of a run of capitals followed by a lower-case letter (`HTTPServer` -> http, server),
/// lower-cased.
#[must_use]
pub fn words(name: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| name[j]);
        let next = name.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if b.is_ascii_uppercase() => {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(char::from(b.to_ascii_lowercase()));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The class of a name, or `None` when it does not name a credential.
#[must_use]
pub fn classify(name: &[u8]) -> Option<KeyClass> {
    if name.is_empty() || name.len() > 120 {
        return None;
    }
    let words = words(name);
    let (first, last) = (words.first()?, words.last()?);
    if words.len() > 1 && ACTION_FIRST.contains(&first.as_str()) {
        return None;
    }
    if words.len() > 1 && META_LAST.contains(&last.as_str()) {
        return None;
    }
    let joined: String = words.concat();
    if joined.contains("tokeniz")
        || joined.contains("secretary")
        || joined.contains("csrftoken")
        || joined.contains("tokentype")
        || joined.contains("passthrough")
        || joined.contains("bypass")
        || joined.contains("author")
        || joined.contains("keyword")
    {
        return None;
    }
    let mut best: Option<KeyClass> = None;
    for (word, class) in JOINED {
        if joined.contains(word) {
            best = best.max(Some(*class));
        }
    }
    for (i, w) in words.iter().enumerate() {
        for (word, class) in WORDS {
            if w == word {
                let qualified_key = *class == KeyClass::Key
                    && i > 0
                    && KEY_QUALIFIERS.contains(&words[i - 1].as_str());
                if !qualified_key {
                    best = best.max(Some(*class));
                }
            }
        }
        // A name that ends in `key` written in one piece (`sslmatekey`, `ioKEY` split apart is
        // covered above): `apikey`-like joins are in JOINED.
        if i + 1 == words.len() && w.len() > 3 && w.ends_with("key") && best.is_none() {
            best = Some(KeyClass::Key);
        }
    }
    best
}

/// Last words that make a name an identifier's (`client_id`, `requestId`, `tenant_uuid`,
/// `deviceGUID`): a value there may be random, but it names something rather than unlocks it.
const IDENTIFIER_LAST: &[&str] = &["id", "ids", "uuid", "uuids", "guid", "guids", "identifier"];

/// Whether `name` is an identifier's name (`client_id`, `allowlisted_id`, `requestId`,
/// `*_uuid`, `*_guid`). A name that is a credential's too is not: Vault's `secret_id` is the
/// password of an `AppRole`, and `id_token` ends in `token`.
#[must_use]
pub fn names_identifier(name: &[u8]) -> bool {
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    let before = words.len().checked_sub(2).map(|i| words[i].as_str());
    IDENTIFIER_LAST.contains(&last.as_str())
        && !matches!(before, Some("secret" | "password" | "passwd" | "private"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_case_style() {
        assert_eq!(words(b"DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words(b"dbPassword"), ["db", "password"]);
        assert_eq!(words(b"db-password"), ["db", "password"]);
        assert_eq!(
            words(b"spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(words(b"HTTPServerKey"), ["http", "server", "key"]);
        assert_eq!(words(b"mailerliteSECRET"), ["mailerlite", "secret"]);
    }

    #[test]
    fn secret_names_in_every_style() {
        for (name, class) in [
            ("PASSWORD", KeyClass::Password),
            ("DB_PASSWORD", KeyClass::Password),
            ("dbPassword", KeyClass::Password),
            ("spring.datasource.password", KeyClass::Password),
            ("MYSQL_PWD", KeyClass::Password),
            ("passwd", KeyClass::Password),
            ("SECRET_KEY", KeyClass::Secret),
            ("mailerliteSECRET", KeyClass::Secret),
            ("api_key", KeyClass::Secret),
            ("apiKey", KeyClass::Secret),
            ("X-Api-Key", KeyClass::Secret),
            ("ATLASSIAN_API_TOKEN", KeyClass::Secret),
            ("client_secret", KeyClass::Secret),
            ("aws_secret_access_key", KeyClass::Secret),
            ("GCP_CREDENTIALS", KeyClass::Secret),
            ("auth", KeyClass::Secret),
            ("privateKey", KeyClass::Secret),
            ("sslmate_key", KeyClass::Key),
            ("IO_KEY", KeyClass::Key),
            ("owmkey", KeyClass::Key),
        ] {
            assert_eq!(classify(name.as_bytes()), Some(class), "{name}");
        }
    }

    #[test]
    fn identifier_names_in_every_style() {
        for name in [
            "client_id",
            "allowlisted_id",
            "requestId",
            "REQUEST_ID",
            "tenant_uuid",
            "deviceGUID",
            "x-request-id",
            "id",
        ] {
            assert!(names_identifier(name.as_bytes()), "{name}");
        }
        for name in [
            "secret_id",
            "id_token",
            "client_secret",
            "idempotency_key",
            "paid",
        ] {
            assert!(!names_identifier(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn names_that_describe_a_secret_are_not_secret_names() {
        for name in [
            "password_length",
            "PASSWORD_MIN_LENGTH",
            "token_url",
            "SECRET_KEY_FILE",
            "is_password_set",
            "reset_password",
            "tokenizer",
            "primary_key",
            "public_key",
            "sort_key",
            "author",
            "username",
            "AUTH_PASSWORD_VALIDATORS",
            "password_hint",
            "keyword",
        ] {
            assert_eq!(classify(name.as_bytes()), None, "{name}");
        }
    }
}
