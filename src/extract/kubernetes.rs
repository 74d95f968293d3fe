//! Kubernetes `Secret` manifests: their `data:` values are base64, so a token in them is
//! invisible to a text scan. This module finds the `data:` entries of every `kind: Secret`
//! document in a YAML file and turns each decoded value into a chunk pinned to the line of its
//! key in the manifest.
//!
//! `stringData:` is plain text and is already covered by the normal scan of the file. The
//! reading is line-based (top-level `kind:` and `data:` keys, one level of entries below
//! `data:`), which is how manifests are written; it needs no YAML parser and keeps exact line
//! numbers. Lists of Secrets (`kind: List`, `items:`) and flow mappings (`data: {a: b}`) are not
//! decoded. This module does not decide what a secret is.

use crate::rules::validate::base64_decode;
use crate::source::{Chunk, Extract, Provenance};

/// Whether `path` may hold Kubernetes manifests (`.yaml`, `.yml`).
#[must_use]
pub fn is_manifest(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// One `data:` entry of a Secret: its key, its 1-based line and value column, its base64 text.
struct Entry {
    key: String,
    line: u32,
    column: u32,
    value: String,
}

/// The decoded `data:` values of every `kind: Secret` document in `bytes`, one chunk each.
/// A value that is not valid base64 is skipped (the normal scan still sees it as text).
#[must_use]
pub fn decoded_values(path: &str, bytes: &[u8], provenance: &Provenance) -> Vec<Chunk<'static>> {
    if memchr::memmem::find(bytes, b"Secret").is_none() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let end = (start + 1..lines.len())
            .find(|&i| lines[i].starts_with("---"))
            .unwrap_or(lines.len());
        let doc = &lines[start..end];
        if doc.iter().any(|l| top_level(l, "kind") == Some("Secret")) {
            for e in data_entries(doc, start) {
                if let Some(chunk) = decode(path, &e, provenance) {
                    out.push(chunk);
                }
            }
        }
        start = end;
    }
    out
}

/// The value of a top-level `key: value` line, unquoted, without a trailing comment.
fn top_level<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    let value = rest.split(" #").next().unwrap_or(rest).trim();
    Some(unquote(value))
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v)
}

/// The entries directly below a top-level `data:` key; `offset` is the document's first line.
fn data_entries(doc: &[&str], offset: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    let Some(data) = doc.iter().position(|l| top_level(l, "data") == Some("")) else {
        return out;
    };
    let mut indent = None;
    let mut i = data + 1;
    while i < doc.len() {
        let line = doc[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth == 0 {
            break;
        }
        let level = *indent.get_or_insert(depth);
        i += 1;
        if depth != level {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            continue;
        };
        let value_trim = value.trim();
        let mut text = unquote(value_trim.split(" #").next().unwrap_or("").trim()).to_string();
        let quoted = usize::from(value_trim.starts_with(['"', '\'']));
        let mut column = line.len() - value.trim_start().len() + 1 + quoted;
        let key_line = offset + i;
        if text.starts_with('|') || text.starts_with('>') {
            // A block scalar: base64 folded over the following, deeper lines.
            text.clear();
            column = 0;
            while i < doc.len() {
                let l = doc[i];
                let t = l.trim_start();
                if !t.is_empty() && l.len() - t.len() <= level {
                    break;
                }
                text.push_str(t.trim_end());
                i += 1;
            }
        }
        out.push(Entry {
            key: unquote(key.trim()).to_string(),
            line: key_line as u32,
            column: column.max(depth + 1) as u32,
            value: text,
        });
    }
    out
}

/// A chunk holding the decoded value. A one-line value of a plain key is presented as
/// `key: "value"` so that detectors keyed on names (`password`, `api_key`) see the key; a file
/// (a key with a dot: `.env`, `config.json`) or a multi-line value is scanned as it is, matched
/// under the key's name when the key looks like a file name.
fn decode(path: &str, e: &Entry, provenance: &Provenance) -> Option<Chunk<'static>> {
    let raw = base64_decode(e.value.as_bytes()).filter(|r| !r.is_empty())?;
    let body = raw.strip_suffix(b"\n").unwrap_or(&raw);
    let file_like = e.key.contains('.');
    let bytes = if file_like || body.contains(&b'\n') || body.contains(&b'"') {
        raw
    } else {
        let mut line = format!("{}: \"", e.key).into_bytes();
        line.extend_from_slice(body);
        line.extend_from_slice(b"\"\n");
        line
    };
    let mut chunk = Chunk::new(path, bytes, provenance.clone());
    chunk.extract = Some(Extract {
        label: format!("data.{}", e.key),
        glob_path: file_like.then(|| e.key.clone()),
        at: Some((e.line, e.column)),
    });
    Some(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
data:
  plain: aGVsbG8=
---
apiVersion: v1
kind: Secret
metadata:
  name: app
type: Opaque
data:
  # comment
  password: aHVudGVyMi1Yazk=
  \"config.env\": |
    QVBJX1RPS0VOPWFi
    Yw==
  broken: not*base64
stringData:
  plain: text
";

    #[test]
    fn only_secret_data_values_are_decoded_with_key_lines() {
        let chunks = decoded_values("k8s/secret.yaml", MANIFEST.as_bytes(), &Provenance::File);
        let got: Vec<_> = chunks
            .iter()
            .map(|c| {
                let e = c.extract.as_ref().unwrap();
                (
                    e.label.clone(),
                    e.at,
                    String::from_utf8_lossy(&c.bytes).into_owned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "data.password".to_string(),
                    Some((13, 13)),
                    "password: \"hunter2-Xk9\"\n".to_string()
                ),
                (
                    "data.config.env".to_string(),
                    Some((14, 3)),
                    "API_TOKEN=abc".to_string()
                ),
            ]
        );
        let glob = chunks[1].extract.as_ref().unwrap().glob_path.as_deref();
        assert_eq!(glob, Some("config.env"));
    }

    #[test]
    fn files_without_secrets_yield_nothing() {
        assert!(decoded_values("a.yaml", b"kind: Deployment\n", &Provenance::File).is_empty());
        let flow = "kind: Secret\ndata: {a: aGVsbG8=}\n";
        assert!(decoded_values("a.yaml", flow.as_bytes(), &Provenance::File).is_empty());
        assert!(is_manifest("deploy/Secret.YML"));
    }
}
