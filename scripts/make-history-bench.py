#!/usr/bin/env python3
"""Builds a git history shaped like a real project's, for `scripts/bench-history.sh`.

Real projects' histories are tens of thousands of small commits, hundreds of refs (release tags,
long-lived and feature branches), merge commits, renames and deletions. This script writes one
such history from real source (an unpacked sdist from PyPI, Django by default) with
`git fast-import`, deterministically (a seeded generator; synthetic dates):

* files appear over time and are written a few lines per commit until complete, then edited
  line by line (so most commits are small diffs of real code, as in a real history);
* about 40% of commits are on feature branches that fork from the trunk and come back with a
  merge commit; some branches stay unmerged, some merged ones keep their ref;
* a release tag every ~75 trunk commits (annotated and lightweight);
* renames (a file or a whole directory moves), deletions and re-additions;
* a handful of planted, made-up credentials in known commits, so that a scanner's result on
  the history can be checked (each one's path and commit subject is printed at the end).

usage: scripts/make-history-bench.py OUT_DIR [--source TREE] [--commits N] [--seed S]

OUT_DIR becomes a bare repository. Without --source, the Django 5.1.4 sdist is fetched once
with `pip download` (PyPI) into ${PYGUARD_BENCH_CACHE:-~/.cache/pyguard-bench}.
Python 3 stdlib and git only.
"""
import argparse
import os
import random
import subprocess
import sys
import tarfile

DEFAULT_SDIST = "django==5.1.4"


def fetch_source(cache):
    """Unpacks the default sdist into the cache (once) and returns the tree's path."""
    root = os.path.join(cache, "django-5.1.4")
    tree = os.path.join(root, "Django-5.1.4")
    if os.path.isdir(tree):
        return tree
    os.makedirs(root, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    DEFAULT_SDIST, "-d", root], check=True)
    sdist = next(f for f in os.listdir(root) if f.endswith(".tar.gz"))
    with tarfile.open(os.path.join(root, sdist)) as t:
        t.extractall(root, filter="data")
    return tree


def read_tree(tree, limit_bytes=256 * 1024):
    """Text files of the tree as {relative path: [lines as bytes]}, in a stable order."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            try:
                data = open(full, "rb").read()
            except OSError:
                continue
            if len(data) > limit_bytes or b"\0" in data[:8192]:
                continue
            rel = os.path.relpath(full, tree).replace(os.sep, "/")
            files[rel] = data.splitlines(keepends=True) or [b"\n"]
    return files


class Planted:
    """Made-up credentials, assembled at run time so this script holds none."""

    def __init__(self, rng):
        self.rng = rng

    def aws_key_id(self):
        return "AKIA" + "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))

    def private_key(self):
        body = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                       for _ in range(64 * 12))
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        kind = "RSA PRIVATE" + " KEY"
        return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (kind, "\n".join(lines), kind)


class Writer:
    """Emits a fast-import stream."""

    def __init__(self, out):
        self.out = out
        self.mark = 0

    def next_mark(self):
        self.mark += 1
        return self.mark

    def data(self, payload):
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(self, ref, who, when, message, parents, changes):
        mark = self.next_mark()
        self.out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        stamp = b"%s %d +0000\n" % (who.encode(), when)
        self.out.write(b"author " + stamp + b"committer " + stamp)
        self.data(message.encode())
        if parents:
            self.out.write(b"from :%d\n" % parents[0])
            for p in parents[1:]:
                self.out.write(b"merge :%d\n" % p)
        for op, path, content in changes:
            if op == "D":
                self.out.write(b"D %s\n" % path.encode())
            else:
                self.out.write(b"M 100644 inline %s\n" % path.encode())
                self.data(content)
        return mark

    def tag(self, name, mark, who, when, message):
        self.out.write(b"tag %s\nfrom :%d\ntagger %s %d +0000\n" % (name.encode(), mark, who.encode(), when))
        self.data(message.encode())

    def reset(self, ref, mark):
        self.out.write(b"reset %s\nfrom :%d\n\n" % (ref.encode(), mark))


class Branch:
    """A line of development: its files (path -> lines, copied on write) and its tip."""

    def __init__(self, name, files, progress, tip):
        self.name = name
        self.files = dict(files)
        self.progress = dict(progress)
        self.tip = tip
        self.touched = set()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--source", help="a source tree (default: the Django 5.1.4 sdist from PyPI)")
    ap.add_argument("--commits", type=int, default=24000)
    ap.add_argument("--seed", type=int, default=20261203)
    a = ap.parse_args()
    if os.path.exists(a.out):
        sys.exit("make-history-bench: %s already exists" % a.out)
    cache = os.environ.get("PYGUARD_BENCH_CACHE", os.path.expanduser("~/.cache/pyguard-bench"))
    tree = a.source or fetch_source(cache)
    source = read_tree(tree)
    paths = list(source)
    rng = random.Random(a.seed)
    rng.shuffle(paths)
    planted = Planted(random.Random(a.seed + 1))

    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", a.out], check=True)
    fi = subprocess.Popen(["git", "-C", a.out, "fast-import", "--quiet", "--depth=50"],
                          stdin=subprocess.PIPE)
    w = Writer(fi.stdin)
    authors = ["Dev %02d <dev%02d@example.org>" % (i, i) for i in range(40)]
    when = 1_400_000_000
    unborn = list(reversed(paths))  # files not yet in the tree, next one last
    renamed = {}  # original path -> current path on the trunk
    plant_at = {int(a.commits * f) for f in (0.07, 0.21, 0.38, 0.55, 0.74, 0.93)}
    planted_log = []
    counts = {"commits": 0, "merges": 0, "tags": 0, "renames": 0, "deletes": 0}

    def content(lines, k):
        return b"".join(lines[:k])

    def make_commit(br, subject, extra_parent=None):
        """Applies one random small change to branch `br` and commits it."""
        nonlocal when
        changes = []
        n_files = 1 if rng.random() < 0.75 else rng.randint(2, 5)
        for _ in range(n_files):
            roll = rng.random()
            growing = [p for p in list(br.progress)[-40:] if br.progress[p] < len(br.files[p])]
            if unborn and (roll < 0.10 or not br.files):
                path = unborn.pop()
                lines = source[path]
                k = len(lines) if len(lines) < 60 else rng.randint(20, 150)
                br.files[path] = lines
                br.progress[path] = min(k, len(lines))
            elif growing and roll < 0.65:
                path = rng.choice(growing)
                br.progress[path] = min(len(br.files[path]), br.progress[path] + rng.randint(3, 40))
            elif br.files and roll < 0.985:
                path = rng.choice(list(br.files))
                lines = list(br.files[path])
                k = br.progress[path]
                i = rng.randrange(max(1, k))
                if rng.random() < 0.3 and k > 1:
                    del lines[i]
                    br.progress[path] = k - 1
                else:
                    line = lines[i].rstrip(b"\r\n")
                    lines[i] = line + (b"  # r%d\n" % counts["commits"] if path.endswith(".py") else b" \n")
                br.files[path] = lines
            elif br.files and roll < 0.995 and br.name == "main":
                old = rng.choice(list(br.files))
                parts = old.split("/")
                new = "/".join(parts[:-1] + ["moved_" + parts[-1]]) if len(parts) > 1 else "moved_" + old
                if new in br.files:
                    continue
                br.files[new] = br.files.pop(old)
                br.progress[new] = br.progress.pop(old)
                changes.append(("D", old, None))
                br.touched.add(old)
                path = new
                counts["renames"] += 1
            elif br.files and br.name == "main":
                path = rng.choice(list(br.files))
                del br.files[path]
                del br.progress[path]
                changes.append(("D", path, None))
                br.touched.add(path)
                counts["deletes"] += 1
                continue
            else:
                continue
            changes.append(("M", path, content(br.files[path], br.progress[path])))
            br.touched.add(path)
        if counts["commits"] in plant_at:
            secret = planted.private_key() if len(planted_log) % 2 else "AWS_ACCESS_KEY_ID = \"%s\"\n" % planted.aws_key_id()
            path = "deploy/settings_%d.py" % len(planted_log)
            br.files[path] = [secret.encode()]
            br.progress[path] = 1
            changes.append(("M", path, secret.encode()))
            br.touched.add(path)
            planted_log.append((path, subject))
        if not changes:
            path = rng.choice(list(br.files))
            br.files[path] = br.files[path] + [b"\n"]
            br.progress[path] = len(br.files[path])
            changes.append(("M", path, content(br.files[path], br.progress[path])))
        when += rng.randint(60, 7200)
        parents = [br.tip] if br.tip else []
        if extra_parent:
            parents.append(extra_parent)
        br.tip = w.commit("refs/heads/" + br.name, rng.choice(authors), when, subject + "\n", parents, changes)
        counts["commits"] += 1

    trunk = Branch("main", {}, {}, None)
    feature = 0
    trunk_commits = 0
    while counts["commits"] < a.commits:
        if trunk_commits and rng.random() < 0.06:
            feature += 1
            br = Branch("feature/%04d" % feature, trunk.files, trunk.progress, trunk.tip)
            for i in range(rng.randint(2, 30)):
                make_commit(br, "feature %d: step %d" % (feature, i + 1))
            for _ in range(rng.randint(0, 4)):
                make_commit(trunk, "trunk change %d" % trunk_commits)
                trunk_commits += 1
            if rng.random() < 0.85:
                # The merge takes the branch's version of every path the branch touched.
                changes = []
                for path in sorted(br.touched):
                    if path in br.files:
                        trunk.files[path] = br.files[path]
                        trunk.progress[path] = br.progress[path]
                        changes.append(("M", path, content(br.files[path], br.progress[path])))
                    elif path in trunk.files:
                        del trunk.files[path]
                        del trunk.progress[path]
                        changes.append(("D", path, None))
                when += 60
                trunk.tip = w.commit("refs/heads/main", rng.choice(authors), when,
                                     "Merge branch 'feature/%04d'\n" % feature, [trunk.tip, br.tip], changes)
                counts["commits"] += 1
                counts["merges"] += 1
                if rng.random() < 0.6:
                    w.out.write(b"reset refs/heads/%s\n\n" % br.name.encode())
        else:
            make_commit(trunk, "trunk change %d" % trunk_commits)
            trunk_commits += 1
            if trunk_commits % 75 == 0:
                r = trunk_commits // 75
                name = "v%d.%d.%d" % (1 + r // 40, (r // 10) % 4, r % 10)
                if rng.random() < 0.5:
                    w.tag(name, trunk.tip, rng.choice(authors), when, "Release %s\n" % name)
                else:
                    w.reset("refs/tags/" + name, trunk.tip)
                counts["tags"] += 1
            if trunk_commits % 2000 == 0:
                w.reset("refs/heads/stable/%d.x" % (trunk_commits // 2000), trunk.tip)
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("make-history-bench: git fast-import failed")
    subprocess.run(["git", "-C", a.out, "repack", "-a", "-d", "-q"], check=True)
    refs = subprocess.run(["git", "-C", a.out, "for-each-ref", "--format=x"], capture_output=True,
                          text=True, check=True).stdout.count("\n")
    print("%s: %d commits (%d merges), %d refs (%d tags), %d renames, %d deletions, %d source files"
          % (a.out, counts["commits"], counts["merges"], refs, counts["tags"], counts["renames"],
             counts["deletes"], len(source)))
    for path, subject in planted_log:
        print("planted: %s in commit %r" % (path, subject))


if __name__ == "__main__":
    main()
