"""The layering the architecture promises, enforced: import-linter's contracts from the root
pyproject.toml (services independent, contracts and platform free of services, domains free of
frameworks and I/O), and modules small enough to read in one sitting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400
SOURCE_TREES = ["contracts/src", "libs/*/src", "services/*/src"]


def test_every_import_linter_contract_in_pyproject_is_kept() -> None:
    # lint-imports sits next to the interpreter running the tests, i.e. in the project's venv.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)

    assert result.returncode == 0, f"import-linter found broken contracts:\n{result.stdout}{result.stderr}"


def test_no_module_is_longer_than_the_limit() -> None:
    modules = [path for tree in SOURCE_TREES for path in ROOT.glob(f"{tree}/**/*.py")]
    lengths = {path.relative_to(ROOT): len(path.read_text().splitlines()) for path in modules}
    offenders = sorted((f"{path}: {lines} lines" for path, lines in lengths.items()
                        if lines > MAX_MODULE_LINES))

    assert len(modules) > 20, "found suspiciously few modules; has the layout changed?"
    assert not offenders, (
        f"modules longer than {MAX_MODULE_LINES} lines; split them by responsibility:\n"
        + "\n".join(offenders)
    )
