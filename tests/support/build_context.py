"""What a Docker build context holds: the repository's files that a ``.dockerignore`` lets
through, read the way BuildKit reads it (moby's patternmatcher), so a test can check that
every path a Dockerfile copies reaches the builder, not merely that it exists on disk.

The rules, as the builder applies them: one pattern a line, ``#`` comments and blank lines
skipped, ``!`` re-includes; ``*`` and ``?`` stay within one path segment and ``**`` spans any
number of them; a pattern matching a directory matches everything under it; the last pattern
that matches a path decides whether it is in the context.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path


def _regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def rules(ignore_file: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """(re-includes, pattern) for each rule, in order."""
    found = []
    for raw in ignore_file.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        pattern = line[1:].strip() if include else line
        found.append((include, _regex(pattern.strip("/").removeprefix("./"))))
    return found


def in_context(path: str, ignore: list[tuple[bool, re.Pattern[str]]]) -> bool:
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]  # the path and its parents
    kept = True
    for include, pattern in ignore:
        if any(pattern.match(candidate) for candidate in candidates):
            kept = include
    return kept


def tracked_files(root: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                            check=True).stdout
    return listed.splitlines()


def context(root: Path, ignore_file: Path, files: Iterable[str] | None = None) -> set[str]:
    ignore = rules(ignore_file)
    return {path for path in (files if files is not None else tracked_files(root))
            if in_context(path, ignore)}
