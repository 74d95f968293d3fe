#!/usr/bin/env python3
"""Runs the shell steps of the CI recipes (action.yml, ci/gitlab/pyguard.yml) as GitHub Actions
and GitLab CI would, against a temp repository, with the pyguard wheel from DIST_DIR (offline).

The repository has three commits: clean, a secret, clean. Each recipe must find the secret when
it scans every ref, find nothing in a pull/merge request whose base already holds the secret
(only the request's commits are scanned), and find it again when the request adds it. The
`uses:` step (upload-sarif) is GitHub's own and is not run; the SARIF it would upload is read.

    python scripts/test-ci.py DIST_DIR      (needs PyYAML; .ci/run provides it)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KEY = "AKIA" + "Q7RMW3XT5PLK2JHN"  # made up; assembled so that this file holds none


def fail(msg):
    sys.exit(f"test-ci: FAIL: {msg}")


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(path):
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch", "main")
    commits = []
    for name, text in [("README.md", "hello\n"), ("settings.py", f'KEY = "{KEY}"\n'), ("app.py", "print(1)\n")]:
        (path / name).write_text(text)
        git(path, "add", name)
        git(path, "commit", "--quiet", "-m", f"add {name}")
        commits.append(git(path, "rev-parse", "HEAD"))
    return commits


def sarif_rule_ids(path):
    doc = json.loads(Path(path).read_text())
    return sorted({r["ruleId"] for run in doc["runs"] for r in run["results"]})


def expand(value, inputs, github):
    """Evaluates the only expressions the action uses: ${{ inputs.X }} and ${{ github.X }}."""
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr.startswith("github."):
            return github.get(expr[len("github."):], "")
        fail(f"action.yml: unexpected expression in a run step's env: {expr}")
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_action(repo, tmp, wheel, github, env):
    """Runs action.yml's run steps in order as a runner would; returns (scan exit, failed step)."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs["wheel"] = str(wheel)
    runner_temp = Path(tempfile.mkdtemp(dir=tmp))
    path_file, output_file = runner_temp / "path", runner_temp / "output"
    path_file.touch()
    outputs = {}
    for step in action["runs"]["steps"]:
        if "uses" in step:
            continue
        cond = step.get("if", "")
        if "fail-on-findings" in cond and outputs.get("exit-code") != "1":
            continue
        output_file.write_text("")
        step_env = dict(env, RUNNER_TEMP=str(runner_temp), GITHUB_PATH=str(path_file),
                        GITHUB_OUTPUT=str(output_file), GITHUB_WORKSPACE=str(repo))
        extra = [l for l in path_file.read_text().splitlines() if l]
        step_env["PATH"] = os.pathsep.join(extra[::-1] + [env["PATH"]])
        for k, v in step.get("env", {}).items():
            step_env[k] = expand(v, inputs, github)
        assert step["shell"] == "bash"
        # GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
        script = runner_temp / "step.sh"
        script.write_text(step["run"])
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                           cwd=repo, env=step_env, capture_output=True, text=True)
        for line in output_file.read_text().splitlines():
            k, _, v = line.partition("=")
            outputs[k] = v
        if r.returncode != 0:
            return outputs.get("exit-code"), step["name"], r
    return outputs.get("exit-code"), None, None


def run_gitlab(repo, tmp, wheel, ci_vars, env):
    """Runs the `.pyguard` job's script as a GitLab runner would (one bash, stop at a failure)."""
    tpl = yaml.safe_load((ROOT / "ci/gitlab/pyguard.yml").read_text())
    job = tpl[".pyguard"]
    job_env = dict(env, CI_PROJECT_DIR=str(repo), **{k: str(v) for k, v in job["variables"].items()})
    job_env.update(PYGUARD_WHEEL=str(wheel), **ci_vars)
    script = Path(tempfile.mkdtemp(dir=tmp)) / "job.sh"
    script.write_text("set -eo pipefail\n" + "\n".join(job["script"]) + "\n")
    r = subprocess.run(["bash", str(script)], cwd=repo, env=job_env, capture_output=True, text=True)
    return r


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/test-ci.py DIST_DIR")
    wheels = list(Path(sys.argv[1]).resolve().glob("pyguard_cli-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one pyguard_cli wheel in {sys.argv[1]}")
    cargo_version = re.search(r'^version = "(.*)"', (ROOT / "Cargo.toml").read_text(), re.M).group(1)
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    if action["inputs"]["version"]["default"] != cargo_version:
        fail(f"action.yml installs pyguard-cli {action['inputs']['version']['default']}, Cargo.toml says {cargo_version}")
    gitlab = yaml.safe_load((ROOT / "ci/gitlab/pyguard.yml").read_text())
    if gitlab[".pyguard"]["variables"]["PYGUARD_VERSION"] != cargo_version:
        fail("ci/gitlab/pyguard.yml does not install Cargo.toml's version")

    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        home = tmp / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PIP_", "VIRTUAL_ENV"))}
        env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1", PIP_NO_INDEX="1",
                   PIP_FIND_LINKS=str(wheels[0].parent), GIT_AUTHOR_NAME="CI", GIT_AUTHOR_EMAIL="ci@example.com",
                   GIT_COMMITTER_NAME="CI", GIT_COMMITTER_EMAIL="ci@example.com")
        os.environ.clear()
        os.environ.update(env)
        repo = tmp / "repo"
        clean, secret, head = make_repo(repo)

        # (name, GitHub event values, GitLab variables, expected exit code)
        cases = [
            ("push: every ref", {}, {}, 1),
            ("request that adds the secret", {"event.pull_request.base.sha": clean, "event.pull_request.head.sha": head},
             {"CI_MERGE_REQUEST_DIFF_BASE_SHA": clean, "CI_COMMIT_SHA": head}, 1),
            ("request after the secret", {"event.pull_request.base.sha": secret, "event.pull_request.head.sha": head},
             {"CI_MERGE_REQUEST_DIFF_BASE_SHA": secret, "CI_COMMIT_SHA": head}, 0),
        ]
        for name, github, ci_vars, want in cases:
            code, failed, r = run_action(repo, tmp, wheels[0], github, env)
            if code != str(want):
                fail(f"action, {name}: scan exit {code}, expected {want}\n{r.stdout if r else ''}{r.stderr if r else ''}")
            want_failed = "Fail on findings" if want == 1 else None
            if failed != want_failed:
                fail(f"action, {name}: failed step {failed!r}, expected {want_failed!r}")
            ids = sarif_rule_ids(repo / "pyguard.sarif")
            if ("aws-access-key-id" in ids) != (want == 1):
                fail(f"action, {name}: SARIF rules {ids}")
            print(f"-- action, {name}: exit {code}, SARIF rules {ids}")
            (repo / "pyguard.sarif").unlink()

            r = run_gitlab(repo, tmp, wheels[0], ci_vars, env)
            if r.returncode != want:
                fail(f"gitlab, {name}: exit {r.returncode}, expected {want}\n{r.stdout}{r.stderr}")
            ids = sarif_rule_ids(repo / "pyguard.sarif")
            if ("aws-access-key-id" in ids) != (want == 1):
                fail(f"gitlab, {name}: SARIF rules {ids}")
            print(f"-- gitlab, {name}: exit {r.returncode}, SARIF rules {ids}")
            (repo / "pyguard.sarif").unlink()
            shutil.rmtree(repo / ".pyguard-venv")
    print("test-ci: ok")


if __name__ == "__main__":
    main()
