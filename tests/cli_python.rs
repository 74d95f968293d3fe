//! `pyguard scan` on Python code and dependency manifests: the lexer's mask (no findings in
//! comments and docstrings, matches across bracketed lines), one-step flow, and requirement
//! names and package sources in requirements files, pyproject.toml, setup.cfg, setup.py,
//! Pipfile and conda environments.

use tempfile::TempDir;

use crate::common::{json, pyguard, write_tree};

/// Scans `files` as a tree and returns (exit code, [(pattern id, path, line)]) sorted.
fn scan(files: &[(&str, &str)]) -> (Option<i32>, Vec<(String, String, u64)>) {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), files);
    let out = pyguard()
        .args(["scan", "--format", "json"])
        .current_dir(dir.path())
        .arg(".")
        .output()
        .unwrap();
    let report = json(&out);
    let mut found: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["pattern_id"].as_str().unwrap().to_string(),
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    (out.status.code(), found)
}

fn ids(found: &[(String, String, u64)]) -> Vec<&str> {
    found.iter().map(|f| f.0.as_str()).collect()
}

#[test]
fn sql_injection_is_found_when_the_f_string_is_on_the_next_line() {
    let (code, found) = scan(&[(
        "db.py",
        "def find(cursor, name):\n    cursor.execute(\n        f\"SELECT * FROM users \"\n        f\"WHERE name = '{name}'\"\n    )\n    cursor.execute(\n        \"SELECT * FROM users WHERE name = %s\",\n        (name,),\n    )\n",
    )]);
    // `name` is a parameter of a plain function, not user input that the flow can see: a
    // warning, which does not fail the scan.
    assert_eq!(code, Some(0));
    assert_eq!(found, [("sql-string-formatting".into(), "db.py".into(), 2)]);
}

#[test]
fn code_patterns_do_not_fire_in_comments_docstrings_or_strings_but_secrets_do() {
    // The key is assembled at run time so that this file does not hold one.
    let key = ["q8Zt3LkP0v", "W2xR7mN5bY"].concat();
    let src = format!(
        r#""""Tutorial: never write exec(input()) or eval(sys.argv[1]).

    Nor cursor.execute(f"SELECT * FROM t WHERE id = {{id}}"), nor os.system(cmd),
    nor pickle.loads(data), nor app.run(debug=True).
    Our staging key is api_key: "{key}".
"""
# exec(input())  -- what not to do
HELP = 'eval(input()) is dangerous; so is subprocess.run(cmd, shell=True)'
"#
    );
    let (code, found) = scan(&[("tutorial.py", &src)]);
    assert_eq!(code, Some(1), "{found:?}");
    assert_eq!(ids(&found), ["generic-secret-assignment"], "{found:?}");
    assert_eq!(found[0].2, 5);
}

#[test]
fn one_step_flow_within_a_scope() {
    let src = "import sys\n\ndef run():\n    expr = input('> ')\n    return eval(expr)\n\ndef other(expr):\n    return eval(expr)\n\ncmd = sys.argv[1]; exec(cmd)\n";
    let (code, found) = scan(&[("calc.py", src)]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            ("exec-user-input".into(), "calc.py".into(), 5),
            ("exec-user-input".into(), "calc.py".into(), 8),
            ("exec-user-input".into(), "calc.py".into(), 10),
        ]
    );
    // Only the flows from input() and sys.argv block; `other`'s parameter is unknown.
    let severities = scan_severities(&[("calc.py", src)]);
    assert_eq!(
        severities,
        [
            (5, "error".into()),
            (8, "warning".into()),
            (10, "error".into())
        ]
    );
}

/// Scans `files` and returns [(line, severity)] sorted.
fn scan_severities(files: &[(&str, &str)]) -> Vec<(u64, String)> {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), files);
    let out = pyguard()
        .args(["scan", "--format", "json"])
        .current_dir(dir.path())
        .arg(".")
        .output()
        .unwrap();
    let mut found: Vec<(u64, String)> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn injection_blocks_only_when_user_input_reaches_the_sink() {
    // Issue 13: a constant reaching a sink and a pickle round trip blocked commits.
    let src = "import pickle\nfrom flask import Flask, request\napp = Flask(__name__)\nTABLE = 'users'\n\n\
@app.route('/u/<name>')\ndef user(name):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n\
    cur.execute(f\"SELECT count(*) FROM {TABLE}\")\n    u2 = pickle.loads(pickle.dumps(u1))\n\
    obj = pickle.loads(request.data)\n    with open('model.pkl', 'rb') as f:\n        model = pickle.load(f)\n\
    cmd = 'tar xf ' + request.args['archive']\n    os.system(cmd)\n    os.system('clear')\n";
    assert_eq!(
        scan_severities(&[("app.py", src)]),
        [
            (8, "error".into()),
            (11, "error".into()),
            (13, "warning".into()),
            (15, "error".into()),
            (16, "warning".into()),
        ]
    );
}

#[test]
fn file_reads_reaching_a_sink_are_low_confidence_and_block_only_at_min_confidence_low() {
    // Issue 13: a file read is a taint source, but most programs read their own files (a
    // cache, a version file), so it must not block by default.
    let src = "import pickle, json\nfrom pathlib import Path\n\n\ndef load(path):\n    \
with open(path, 'rb') as f:\n        data = f.read()\n    return pickle.loads(data)\n\n\n\
def run(p):\n    exec(Path(p).read_text())\n\n\ndef cached(key):\n    return pickle.loads(key)\n";
    let findings = |config: &str| {
        let dir = TempDir::new().unwrap();
        write_tree(dir.path(), &[("app.py", src), (".pyguard.yaml", config)]);
        let out = pyguard()
            .args(["scan", "--format", "json", "."])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let found: Vec<(u64, String, String)> = json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["line"].as_u64().unwrap(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["confidence"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (out.status.code(), found)
    };
    let row = |line: u64, severity: &str, confidence: &str| {
        (line, severity.to_string(), confidence.to_string())
    };
    // The file reads are low-confidence warnings; a parameter of no known origin stays a
    // plain (high-confidence) warning.
    assert_eq!(
        findings("min_confidence: medium\n"),
        (
            Some(0),
            vec![
                row(8, "warning", "low"),
                row(12, "warning", "low"),
                row(16, "warning", "high"),
            ]
        )
    );
    assert_eq!(
        findings("min_confidence: low\n"),
        (
            Some(1),
            vec![
                row(8, "error", "low"),
                row(12, "error", "low"),
                row(16, "warning", "high"),
            ]
        )
    );
}

#[test]
fn test_code_lowers_blocking_python_findings_by_a_configurable_rule() {
    let src = "import sys\nexec(sys.argv[1])\n";
    assert_eq!(
        scan_severities(&[("tests/test_cli.py", src), ("cli.py", src)]),
        [(2, "error".into()), (2, "warning".into())]
    );
    // `test_code` in the configuration: here, tests block like any other code.
    assert_eq!(
        scan_severities(&[
            ("tests/test_cli.py", src),
            (".pyguard.yaml", "test_code:\n  severity: error\n"),
        ]),
        [(2, "error".into())]
    );
}

#[test]
fn typosquats_name_the_project_they_imitate_and_markers_are_not_packages() {
    let dir = TempDir::new().unwrap();
    write_tree(
        dir.path(),
        &[(
            "requirements.txt",
            "greenlet>=3; platform_python_implementation == \"CPython\"\ncymysql\nreqest\nflasl\nmumpy\n",
        )],
    );
    let out = pyguard()
        .args(["scan", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = json(&out);
    let names: Vec<(u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["pattern_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names[0].0 == 3 && names[0].1.ends_with("(did you mean `requests`?)"),
        "{names:?}"
    );
    assert!(
        names[1].0 == 4 && names[1].1.ends_with("(did you mean `flask`?)"),
        "{names:?}"
    );
    assert!(
        names[2].0 == 5 && names[2].1.ends_with("(did you mean `numpy`?)"),
        "{names:?}"
    );
}

#[test]
fn django_debug_needs_a_settings_module() {
    let (_, found) = scan(&[
        ("proj/settings/dev.py", "DEBUG = True\n"),
        ("proj/conf.py", "INSTALLED_APPS = []\nDEBUG = True\n"),
        ("proj/views.py", "DEBUG = True\n"),
    ]);
    assert_eq!(
        found,
        [
            ("django-debug-true".into(), "proj/conf.py".into(), 2),
            ("django-debug-true".into(), "proj/settings/dev.py".into(), 1),
        ]
    );
}

#[test]
fn requirements_typosquats_malware_and_abandoned_packages() {
    let (code, found) = scan(&[(
        "requirements.txt",
        "# pinned\nrequests==2.31.0\nreqeusts==2.31.0\nDjango>=4.2\ndjanga\nrequest\npycrypto==2.6.1\npycryptodome\n--extra-index-url https://pkgs.corp.example/simple\n",
    )]);
    assert_eq!(code, Some(1));
    assert_eq!(
        found,
        [
            ("pip-extra-index-url".into(), "requirements.txt".into(), 9),
            ("pycrypto-dependency".into(), "requirements.txt".into(), 7),
            (
                "pypi-malicious-package".into(),
                "requirements.txt".into(),
                6
            ),
            ("pypi-typosquat".into(), "requirements.txt".into(), 3),
            ("pypi-typosquat".into(), "requirements.txt".into(), 5),
        ]
    );
}

#[test]
fn pyproject_setup_cfg_setup_py_and_pipfile_are_parsed_by_section() {
    let (_, found) = scan(&[
        (
            "a/pyproject.toml",
            "[project]\nname = \"reqeusts\"\ndependencies = [\n  \"requests>=2\",\n  \"djanga>=4\",\n]\n[project.optional-dependencies]\ndev = [\"pytets\"]\n[tool.poetry.group.dev.dependencies]\nnumpyy = \"*\"\n[tool.ruff]\nselect = [\"reqeusts\"]\n",
        ),
        (
            "b/setup.cfg",
            "[metadata]\nname = djanga\n[options]\ninstall_requires =\n    requests\n    reqeusts\n",
        ),
        (
            "c/setup.py",
            "setup(\n    name='reqeusts',\n    install_requires=['flask', 'djanga'],\n    extras_require={'numpyy': ['pytets']},\n)\n",
        ),
        (
            "d/Pipfile",
            "[[source]]\nname = \"pypo\"\n[packages]\nreqeusts = \"*\"\n[requires]\npython_version = \"3.12\"\n",
        ),
    ]);
    let got: Vec<(&str, u64)> = found.iter().map(|f| (f.1.as_str(), f.2)).collect();
    assert_eq!(
        got,
        [
            ("a/pyproject.toml", 5),
            ("a/pyproject.toml", 8),
            ("a/pyproject.toml", 10),
            ("b/setup.cfg", 6),
            ("c/setup.py", 3),
            ("c/setup.py", 4),
            ("d/Pipfile", 4),
        ],
        "{found:?}"
    );
    assert!(found.iter().all(|f| f.0 == "pypi-typosquat"));
}

#[test]
fn crypto_import_warns_unless_the_scan_declares_pycryptodome() {
    let app = ("app.py", "from Crypto.Cipher import AES\n");
    let (code, found) = scan(&[app]);
    assert_eq!(code, Some(0), "a warning does not block");
    assert_eq!(ids(&found), ["pycrypto-import"]);
    let (_, found) = scan(&[app, ("requirements.txt", "pycryptodome==3.20\n")]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn warnings_do_not_block_but_are_reported() {
    let (code, found) = scan(&[(
        "client.py",
        "import requests, hashlib\nr = requests.get(url, timeout=5, verify=False)\nh = hashlib.md5(body).hexdigest()\n",
    )]);
    assert_eq!(code, Some(0));
    assert_eq!(ids(&found), ["tls-verify-disabled", "weak-hash"]);
}

/// A finding as (pattern id, path, line, pattern name, severity).
type Named = (String, String, u64, String, String);

/// Scans `files` and returns the exit code and every finding, sorted.
fn scan_named(files: &[(&str, &str)]) -> (Option<i32>, Vec<Named>) {
    let dir = TempDir::new().unwrap();
    write_tree(dir.path(), files);
    let out = pyguard()
        .args(["scan", "--format", "json", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report = json(&out);
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().trim_start_matches("./").to_string();
            (
                s("pattern_id"),
                s("path"),
                f["line"].as_u64().unwrap(),
                s("pattern_name"),
                s("severity"),
            )
        })
        .collect();
    found.sort();
    (out.status.code(), found)
}

#[test]
fn every_manifest_kind_names_the_project_a_typosquat_imitates() {
    // One typosquat in each kind of manifest pip, uv, PDM, Poetry, pipenv and conda read, next
    // to popular and established names (never reported), marker values and URLs (never read as
    // names), and conda entries (another namespace than PyPI's, not judged).
    let (code, found) = scan_named(&[
        ("requirements/base.in", "-c constraints.txt\ncymysql\nreqeusts\n"),
        ("constraints.txt", "urllib3<3\nflasl==1.0\n"),
        (
            "environment.yml",
            "dependencies:\n  - numpyy\n  - conda-forge::djanga\n  - pip:\n    - requests\n    - mumpy\n",
        ),
        (
            "uv/pyproject.toml",
            "[project]\nname = \"reqeusts\"\ndependencies = [\"greenlet>=3; platform_python_implementation == 'CPython'\"]\n[tool.uv]\ndev-dependencies = [\"pytets\"]\nconstraint-dependencies = [\"urllib3<3\"]\noverride-dependencies = [\"djanga==4.2\"]\n",
        ),
        (
            "pdm/pyproject.toml",
            "[tool.pdm.dev-dependencies]\ntest = [\"pytest\", \"pytets\"]\n",
        ),
        (
            "poetry/pyproject.toml",
            "[tool.poetry.group.lint.dependencies]\nnumpyy = \"^1\"\n[tool.poetry.dependencies.djanga]\nversion = \"^4\"\n",
        ),
        ("d/Pipfile", "[packages]\nrequests = \"*\"\nreqeusts = \"*\"\n"),
        (
            "e/setup.py",
            "setup(install_requires=['flask', 'thing @ https://example.org/reqeusts.tar.gz'], extras_require={'x': ['djanga']})\n",
        ),
        (
            "f/setup.cfg",
            "[options]\ninstall_requires =\n    requests; python_version >= \"3.8\"\n    tqmd\n",
        ),
    ]);
    assert_eq!(code, Some(1));
    let got: Vec<(&str, u64, &str)> = found
        .iter()
        .map(|f| {
            let target = f.3.rsplit_once("did you mean `").map_or("", |(_, t)| t);
            (f.1.as_str(), f.2, target.trim_end_matches("`?)"))
        })
        .collect();
    assert_eq!(
        got,
        [
            ("constraints.txt", 2, "flask"),
            ("d/Pipfile", 3, "requests"),
            ("e/setup.py", 1, "django"),
            ("environment.yml", 6, "numpy"),
            ("f/setup.cfg", 4, "tqdm"),
            ("pdm/pyproject.toml", 2, "pytest"),
            ("poetry/pyproject.toml", 2, "numpy"),
            ("poetry/pyproject.toml", 3, "django"),
            ("requirements/base.in", 3, "requests"),
            ("uv/pyproject.toml", 5, "pytest"),
            ("uv/pyproject.toml", 7, "django"),
        ],
        "{found:?}"
    );
    assert!(found
        .iter()
        .all(|f| f.0 == "pypi-typosquat" && f.4 == "error"));
}

#[test]
fn package_sources_are_judged_as_each_installer_uses_them() {
    let (code, found) = scan_named(&[
        (
            "requirements.txt",
            "--index-url https://pypi.corp.example/simple\n\
             --extra-index-url https://pkgs.corp.example/simple\n\
             --extra-index-url https://pypi.org/simple\n\
             --trusted-host pkgs.corp.example\n\
             --find-links http://wheels.corp.example/\n\
             lib @ http://files.corp.example/lib-1.0.tar.gz --hash=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n\
             other @ http://files.corp.example/other-1.0.tar.gz\n",
        ),
        (
            "uv/pyproject.toml",
            "[[tool.uv.index]]\nname = \"corp\"\nurl = \"https://pkgs.corp.example/simple\"\n",
        ),
        (
            "pdm/pyproject.toml",
            "[[tool.pdm.source]]\nname = \"corp\"\nurl = \"https://pkgs.corp.example/simple\"\n",
        ),
        (
            "poetry/pyproject.toml",
            "[[tool.poetry.source]]\nname = \"corp\"\nurl = \"http://pkgs.corp.example/simple\"\npriority = \"explicit\"\n",
        ),
        (
            "p/Pipfile",
            "[[source]]\nname = \"corp\"\nurl = \"https://pkgs.corp.example/simple\"\nverify_ssl = false\n",
        ),
    ]);
    assert_eq!(code, Some(1));
    let got: Vec<(&str, &str, u64, &str)> = found
        .iter()
        .map(|f| (f.0.as_str(), f.1.as_str(), f.2, f.4.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("pip-extra-index-url", "pdm/pyproject.toml", 3, "warning"),
            ("pip-extra-index-url", "requirements.txt", 2, "warning"),
            (
                "pip-index-insecure-http",
                "poetry/pyproject.toml",
                3,
                "error"
            ),
            ("pip-index-insecure-http", "requirements.txt", 5, "error"),
            ("pip-index-insecure-http", "requirements.txt", 7, "error"),
            ("pip-trusted-host", "p/Pipfile", 3, "warning"),
            ("pip-trusted-host", "requirements.txt", 4, "warning"),
        ],
        "{found:?}"
    );
}

#[test]
fn credentials_in_an_index_url_are_found_in_every_manifest_kind() {
    // The generic URL credential detector covers index URLs wherever a manifest names them.
    // The token is assembled at run time so that this file does not hold one.
    let url = format!(
        "https://deploy:{}@pkgs.corp.example/simple",
        ["Zk8qW2", "pL7vR4mX"].concat()
    );
    let files = [
        ("requirements.txt", format!("--index-url {url}\nrequests\n")),
        (
            "uv/pyproject.toml",
            format!("[[tool.uv.index]]\nname = \"corp\"\nurl = \"{url}\"\n"),
        ),
        (
            "poetry/pyproject.toml",
            format!("[[tool.poetry.source]]\nname = \"corp\"\nurl = \"{url}\"\n"),
        ),
        (
            "pdm/pyproject.toml",
            format!("[[tool.pdm.source]]\nname = \"pypi\"\nurl = \"{url}\"\n"),
        ),
        (
            "p/Pipfile",
            format!("[[source]]\nname = \"corp\"\nurl = \"{url}\"\nverify_ssl = true\n"),
        ),
        (
            "environment.yml",
            format!("dependencies:\n  - pip:\n    - --index-url {url}\n"),
        ),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let (code, found) = scan_named(&refs);
    assert_eq!(code, Some(1));
    let mut secret_in: Vec<&str> = found
        .iter()
        .filter(|f| f.0 == "url-basic-auth")
        .map(|f| f.1.as_str())
        .collect();
    secret_in.sort_unstable();
    let mut want: Vec<&str> = files.iter().map(|f| f.0).collect();
    want.sort_unstable();
    assert_eq!(secret_in, want, "{found:?}");
}
