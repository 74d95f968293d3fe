#!/usr/bin/env bash
# Builds a large git history of real Python from PyPI: every source release (sdist) of one
# project, unpacked and committed in version order, one commit and one tag per release.
# Used by scripts/bench-history.sh where no large public clone can be fetched.
#
# usage: scripts/make-bench-repo.sh OUT_DIR [PROJECT (default sqlalchemy)] [MAX_RELEASES]
#
# The sdists are found through PyPI's simple index (the page pip itself reads) and cached in
# ${PYGUARD_BENCH_CACHE:-$HOME/.cache/pyguard-bench}/PROJECT, so a second run downloads nothing.
# Commit dates are synthetic (one day apart) so that the history is the same on every run.
set -euo pipefail

out=${1:?usage: make-bench-repo.sh OUT_DIR [PROJECT] [MAX_RELEASES]}
project=${2:-sqlalchemy}
max=${3:-0}
cache=${PYGUARD_BENCH_CACHE:-$HOME/.cache/pyguard-bench}/$project
mkdir -p "$cache"
if [ -e "$out" ]; then
    echo "make-bench-repo: $out already exists" >&2
    exit 2
fi

# Download (or reuse) every sdist; print "version<TAB>file" lines in version order.
list=$(python3 - "$project" "$cache" "$max" <<'PY'
import concurrent.futures, hashlib, html.parser, os, re, sys, urllib.request

project, cache, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])

class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))

page = urllib.request.urlopen(f"https://pypi.org/simple/{project}/", timeout=60).read().decode()
parser = Links()
parser.feed(page)
name = re.escape(project).replace("_", "[-_.]")
pat = re.compile(rf"^{name}-(\d+(?:\.\d+)*(?:\.post\d+)?)\.(tar\.gz|zip)$", re.I)
by_version = {}
for href in parser.links:
    url, _, frag = href.partition("#")
    m = pat.match(url.rsplit("/", 1)[-1])
    if not m:
        continue  # wheels, pre-releases, odd names
    version, ext = m.group(1), m.group(2)
    if version not in by_version or ext == "tar.gz":
        by_version[version] = (url, frag.removeprefix("sha256="))

def key(v):
    return tuple(int(p) if p.isdigit() else int(p[4:]) for p in v.split("."))

versions = sorted(by_version, key=key)
if limit:
    versions = versions[-limit:]

def fetch(version):
    url, sha = by_version[version]
    path = os.path.join(cache, url.rsplit("/", 1)[-1])
    if not os.path.exists(path):
        data = urllib.request.urlopen(url, timeout=300).read()
        if sha and hashlib.sha256(data).hexdigest() != sha:
            raise SystemExit(f"checksum mismatch for {url}")
        with open(path + ".part", "wb") as f:
            f.write(data)
        os.replace(path + ".part", path)
    return version, path

with concurrent.futures.ThreadPoolExecutor(6) as pool:
    for version, path in pool.map(fetch, versions):
        print(f"{version}\t{path}")
PY
)

git init -q -b main "$out"
cd "$out"
git config user.name "Bench Builder"
git config user.email "bench@example.invalid"
git config gc.auto 0
day=0
while IFS=$'\t' read -r version file; do
    # Replace the whole tree with this release.
    find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    tmp=$(mktemp -d)
    case $file in
        *.zip) unzip -q "$file" -d "$tmp" ;;
        *) tar --no-same-owner -xzf "$file" -C "$tmp" ;;
    esac
    top=$(find "$tmp" -mindepth 1 -maxdepth 1 | head -n 1)
    cp -R "$top"/. .  # not -a: the archive's owner must not land on the repository
    rm -rf "$tmp"
    git add -A
    date="$(date -u -d "2006-01-01 + $day days" +%Y-%m-%dT12:00:00Z)"
    GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit -q --allow-empty -m "Release $version"
    git tag "rel-$version"
    day=$((day + 1))
done <<<"$list"
git gc -q
echo "make-bench-repo: $out: $(git rev-list --count HEAD) commits, $(git count-objects -vH | grep size-pack)" >&2
