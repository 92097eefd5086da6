"""Each package declares, with a version range, every distribution its code imports (and
nothing it does not), so a package installed on its own is whole. requirements.lock stays the
install source: the Makefile and the image install the packages with --no-deps."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"contracts": "contracts", "libs/statutory": "statutory", "libs/platform": "ect_platform",
            "services/scheduling": "scheduling", "services/reporting": "reporting",
            "services/notifications": "notifications"}
OWN = {"contracts": "ect-contracts", "statutory": "ect-statutory", "ect_platform": "ect-platform",
       "scheduling": "ect-scheduling", "reporting": "ect-reporting", "notifications": "ect-notifications"}
# Needed at run time but never imported by name: PyJWT verifies RS256 with it.
NOT_IMPORTED = {"libs/platform": {"cryptography"}}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement)[0].lower().replace("_", "-")


def declared(package: str) -> dict[str, str]:
    text = (ROOT / package / "pyproject.toml").read_text()
    return {_name(r): r for r in tomllib.loads(text)["project"]["dependencies"]}


def imported(package: str) -> set[str]:
    distributions = importlib.metadata.packages_distributions()
    found: set[str] = set()
    for path in (ROOT / package / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == PACKAGES[package]:
                    continue
                if top in OWN:
                    found.add(OWN[top])
                    continue
                found.update(d.lower().replace("_", "-")
                             for d in _providers(module, distributions.get(top, [top])))
    return found


def _providers(module: str, candidates: list[str]) -> list[str]:
    """The distributions that hold ``module``: for a namespace package several distributions
    share (``opentelemetry``), the one whose files hold its longest part found."""
    if len(set(candidates)) <= 1:
        return candidates
    parts = module.split(".")
    while parts:
        path = "/".join(parts)
        hits = [d for d in set(candidates) if any(
            str(f).startswith(path + "/") or str(f) == path + ".py"
            for f in importlib.metadata.distribution(d).files or ())]
        if hits and len(parts) > 1:
            return hits
        parts.pop()
    return candidates


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_a_package_declares_what_it_imports_and_only_that(package: str) -> None:
    names, used = set(declared(package)), imported(package)
    assert not used - names, f"{package} imports {sorted(used - names)} without declaring them"
    unused = names - used - NOT_IMPORTED.get(package, set())
    assert not unused, f"{package} declares {sorted(unused)} but imports none of them"


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_every_third_party_dependency_has_a_range_the_lock_satisfies(package: str) -> None:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    for name, requirement in declared(package).items():
        if name.startswith("ect-"):
            continue  # the repository's own packages, installed from here
        spec = Requirement(requirement).specifier
        bounds = {s.operator for s in spec}
        assert ">=" in bounds and "<" in bounds, f"{package}: {requirement} needs a lower and an upper bound"
        assert spec.contains(pins[name]), f"{package}: {requirement} excludes the locked {pins[name]}"
