//! Jupyter notebooks (`.ipynb`): turns a notebook's JSON into one chunk per cell source and one
//! per text output, so that findings carry the cell number and the line within the cell.
//!
//! Code cells are matched as Python (their glob path ends in `.py`, so `*.py` patterns and a
//! later Python lexer apply to them); markdown and raw cells, stream output, `text/plain`
//! results and tracebacks are matched as plain text, and so is every other text an output,
//! a cell or the notebook holds: rich outputs (HTML, JSON, markdown), an error's name and
//! value, cell and notebook metadata (widget state included) and non-image attachments, as
//! `key: value` lines. Images (base64) and execution counts are not scanned. This module does not decide what a secret is.

use serde_json::Value;

use crate::source::{Chunk, Extract, Provenance};

/// Whether `path` names a notebook.
#[must_use]
pub fn is_notebook(path: &str) -> bool {
    // Compared as bytes: slicing the str could split a multi-byte character.
    let b = path.as_bytes();
    b.len() > 6 && b[b.len() - 6..].eq_ignore_ascii_case(b".ipynb")
}

/// The chunks of a notebook: `cell N` for the source of the N-th cell (1-based, counting every
/// cell), `cell N output` for the text outputs of a cell joined in order. Returns `None` when
/// the bytes are not a notebook (not JSON, or no `cells` list): the caller scans them as text.
#[must_use]
pub fn chunks(path: &str, bytes: &[u8], provenance: &Provenance) -> Option<Vec<Chunk<'static>>> {
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    let cells = doc.get("cells")?.as_array()?;
    let mut out = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let n = i + 1;
        let code = cell.get("cell_type").and_then(Value::as_str) == Some("code");
        if let Some(source) = cell.get("source").map(multiline) {
            if !source.is_empty() {
                let glob_path = code.then(|| format!("{path}.py"));
                out.push(part(
                    path,
                    format!("cell {n}"),
                    glob_path,
                    source,
                    provenance,
                ));
            }
        }
        let mut text = String::new();
        for output in cell
            .get("outputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let data = output.get("data");
            for field in [
                output.get("text"),
                data.and_then(|d| d.get("text/plain")),
                output.get("traceback"),
            ]
            .into_iter()
            .flatten()
            {
                push_line(&mut text, &multiline(field));
            }
            // Every other field that can hold text: rich outputs (HTML, JSON, markdown), an
            // error's name and value, output metadata. Images are data, not text.
            for (mime, value) in data.and_then(Value::as_object).into_iter().flatten() {
                if mime != "text/plain" && !is_image(mime) {
                    strings(value, "", &mut text);
                }
            }
            for key in ["ename", "evalue", "metadata"] {
                if let Some(v) = output.get(key) {
                    strings(v, "", &mut text);
                }
            }
        }
        if !text.is_empty() {
            out.push(part(
                path,
                format!("cell {n} output"),
                None,
                text,
                provenance,
            ));
        }
        // Cell metadata and attachments (non-image ones) can carry tokens too.
        let mut meta = String::new();
        if let Some(m) = cell.get("metadata") {
            strings(m, "", &mut meta);
        }
        for (_, by_mime) in cell
            .get("attachments")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (mime, value) in by_mime.as_object().into_iter().flatten() {
                if !is_image(mime) {
                    strings(value, "", &mut meta);
                }
            }
        }
        if !meta.is_empty() {
            out.push(part(
                path,
                format!("cell {n} metadata"),
                None,
                meta,
                provenance,
            ));
        }
    }
    // Notebook metadata, widget state included.
    let mut meta = String::new();
    if let Some(m) = doc.get("metadata") {
        strings(m, "", &mut meta);
    }
    if !meta.is_empty() {
        out.push(part(path, "metadata".into(), None, meta, provenance));
    }
    Some(out)
}

/// Whether a MIME type is a (binary, base64) image; SVG is text.
fn is_image(mime: &str) -> bool {
    mime.starts_with("image/") && mime != "image/svg+xml"
}

/// Appends `piece` and a line break after it when it lacks one.
fn push_line(text: &mut String, piece: &str) {
    text.push_str(piece);
    if !piece.ends_with('\n') {
        text.push('\n');
    }
}

/// Appends every string in `v`, one per line, each after its key (`key: value`) so that
/// patterns keyed on a name (`password: ...`) see it; a list of strings is one text.
fn strings(v: &Value, key: &str, text: &mut String) {
    match v {
        Value::String(s) if key.is_empty() => push_line(text, s),
        Value::String(s) => push_line(text, &format!("{key}: {s}")),
        Value::Array(items) if items.iter().all(Value::is_string) && !items.is_empty() => {
            strings(&Value::String(multiline(v)), key, text);
        }
        Value::Array(items) => items.iter().for_each(|i| strings(i, key, text)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, k, text)),
        _ => {}
    }
}

/// nbformat stores multi-line text as a list of lines (each keeping its `\n`) or one string;
/// tracebacks are a list of lines without newlines.
fn multiline(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let mut s = String::new();
            let lines: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            for (i, line) in lines.iter().enumerate() {
                s.push_str(line);
                if i + 1 < lines.len() && !line.ends_with('\n') {
                    s.push('\n');
                }
            }
            s
        }
        _ => String::new(),
    }
}

fn part(
    path: &str,
    label: String,
    glob_path: Option<String>,
    text: String,
    provenance: &Provenance,
) -> Chunk<'static> {
    let mut chunk = Chunk::new(path, text.into_bytes(), provenance.clone());
    chunk.extract = Some(Extract {
        label,
        glob_path,
        at: None,
        from_lines: None,
    });
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["one\n", "two\n"]},
    {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]}, "metadata": {}},
    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["Traceback", "  line 1"]}
   ],
   "source": ["import os\n", "x = 1"]}
 ],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5
}"##;

    #[test]
    fn cells_and_text_outputs_become_labelled_chunks() {
        let chunks = chunks("nb.ipynb", NB.as_bytes(), &Provenance::File).unwrap();
        let labels: Vec<_> = chunks
            .iter()
            .map(|c| c.extract.as_ref().unwrap().label.as_str())
            .collect();
        assert_eq!(labels, ["cell 1", "cell 2", "cell 2 output"]);
        assert_eq!(&*chunks[1].bytes, b"import os\nx = 1");
        let glob = chunks[1].extract.as_ref().unwrap().glob_path.as_deref();
        assert_eq!(glob, Some("nb.ipynb.py"));
        assert_eq!(chunks[0].extract.as_ref().unwrap().glob_path, None);
        let out = String::from_utf8_lossy(&chunks[2].bytes);
        assert_eq!(out, "one\ntwo\n<Figure>\nTraceback\n  line 1\nE\nv\n");
        assert!(!out.contains("iVBOR"), "images are not scanned");
    }

    #[test]
    fn rich_outputs_metadata_and_attachments_are_scanned() {
        // Tokens hid in every output but `stream` and in metadata (issue 16).
        let nb = r#"{
 "cells": [
  {"cell_type": "markdown", "metadata": {"tags": ["t-in-cell-meta"]}, "source": "x",
   "attachments": {"a.txt": {"text/plain": "t-in-attachment"}, "b.png": {"image/png": "iVBOR"}}},
  {"cell_type": "code", "metadata": {}, "source": "y", "outputs": [
    {"output_type": "execute_result", "data": {"text/html": ["<b>", "t-in-html</b>"],
     "application/json": {"api_key": "t-in-json"}, "text/markdown": "t-in-md"}, "metadata": {}},
    {"output_type": "error", "ename": "KeyError", "evalue": "t-in-error", "traceback": []}
  ]}
 ],
 "metadata": {"widgets": {"state": {"m": {"token": "t-in-widget"}}}}, "nbformat": 4
}"#;
        let chunks = chunks("nb.ipynb", nb.as_bytes(), &Provenance::File).unwrap();
        let all: String = chunks
            .iter()
            .map(|c| String::from_utf8_lossy(&c.bytes).into_owned())
            .collect();
        for t in [
            "t-in-cell-meta",
            "t-in-attachment",
            "t-in-html</b>",
            "api_key: t-in-json",
            "t-in-md",
            "t-in-error",
            "token: t-in-widget",
        ] {
            assert!(all.contains(t), "{t} missing from {all}");
        }
        assert!(!all.contains("iVBOR"), "images are not scanned");
    }

    #[test]
    fn non_notebook_json_is_left_to_the_caller() {
        assert!(chunks("x.ipynb", b"not json", &Provenance::File).is_none());
        assert!(chunks("x.ipynb", b"{\"a\": 1}", &Provenance::File).is_none());
        assert!(is_notebook("dir/Analysis.IPYNB"));
        assert!(!is_notebook("ipynb"));
        // Regression: a name ending in a multi-byte character six bytes from the end panicked.
        assert!(!is_notebook("static/⊗.txt"));
    }
}
