"""``--profile``: where a measure's CPU went, so a figure below its target comes with its bound.

pyinstrument samples the benchmark process's main thread (every asyncio task: the consumer's,
the relay's), which is where ingest and rebuild do their work. Work handed to another thread
shows as waiting: the relay reads and translates its next page in a worker thread, so its
profile shows mostly the wait for that thread; py-spy (``--threads``) sees both. The
commands and latency measures run the services as separate processes; profile those with
py-spy against the process (``py-spy record --pid``). The full profile is written beside the
results; the measure's notes get a summary: own time by package, then the costliest functions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

INTERVAL_SECONDS = 0.001
_SITE = re.compile(r"site-packages/([A-Za-z0-9_]+)")
_OWN = re.compile(r"/(?:services/[a-z]+|libs/[a-z]+|contracts)/src/([A-Za-z0-9_]+)/")
_STDLIB = re.compile(r"/lib/python3\.\d+/([A-Za-z0-9_]+)")


@dataclass
class Profile:
    path: Path | None = None
    by_package: list[tuple[str, float]] = field(default_factory=list)
    by_function: list[tuple[str, float]] = field(default_factory=list)

    def note(self, root: Path) -> str:
        packages = ", ".join(f"{name} {share:.0%}" for name, share in self.by_package[:8])
        functions = "; ".join(f"{name} {share:.0%}" for name, share in self.by_function[:6])
        where = f" Full profile: `{self.path.relative_to(root)}`." if self.path else ""
        return (f"Profile of the timed part (pyinstrument, wall time of this process's main "
                "thread; work in other threads shows as waiting; profiling slows the figure): "
                f"own time by package: {packages}. Costliest functions (own time): {functions}.{where}")


class Section:
    """Handed to a measure, which wraps its timed part in ``with section():``; profiles that part
    when enabled (a measure's setup and its baseline stay out of the profile)."""

    def __init__(self, enabled: bool, path: Path) -> None:
        self.enabled, self.path = enabled, path
        self.profile = Profile()

    @contextmanager
    def __call__(self) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        profiler = Profiler(interval=INTERVAL_SECONDS, async_mode="disabled")
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            self._summarise(profiler)

    def _summarise(self, profiler: Profiler) -> None:
        session = profiler.last_session
        root = session.root_frame() if session is not None else None
        if root is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(profiler.output_text(unicode=True, show_all=False))
        packages: Counter[str] = Counter()
        functions: Counter[str] = Counter()
        _own_times(root, packages, functions)
        total = sum(packages.values()) or 1.0
        self.profile = Profile(self.path, [(k, v / total) for k, v in packages.most_common()],
                               [(k, v / total) for k, v in functions.most_common()])


IDLE = {"poll", "select", "epoll.poll", "kqueue.control"}


def _own_times(frame: Any, packages: Counter[str], functions: Counter[str],
               owner: Any = None) -> None:
    """Own time per package and function. A built-in (C) function is charged to the package of
    the Python code that called it (``validate_json`` to pydantic, ``send`` to aiokafka), and
    the event loop's wait for sockets is its own line: idle, not work."""
    builtin = (frame.file_path or "").startswith("<")
    if not builtin and not frame.is_synthetic:
        owner = frame
    own = frame.time - sum(child.time for child in frame.children)
    if own > 0 and owner is not None:
        if owner.function in IDLE and (builtin or "selectors" in (owner.file_path or "")):
            packages["idle (waiting on sockets)"] += own
        else:
            packages[package_of(owner.file_path or "")] += own
        name = frame.function if not frame.is_synthetic else owner.function
        functions[f"`{name}` ({owner.file_path_short}:{owner.line_no})"] += own
    for child in frame.children:
        _own_times(child, packages, functions, owner)


def package_of(path: str) -> str:
    """The package a source file belongs to: a dependency, one of ours, or the standard library."""
    if path.startswith("<frozen"):
        return "stdlib (frozen)"
    for pattern, label in ((_SITE, "{}"), (_OWN, "{}"), (_STDLIB, "stdlib {}")):
        found = pattern.search(path)
        if found:
            return label.format(found.group(1))
    if "/bench/" in path:
        return "bench"
    return "other"
