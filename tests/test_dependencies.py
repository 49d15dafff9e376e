"""Apps depend on each other one way only (STYLE 16): the layers contract in pyproject.toml,
checked by import-linter over the real import graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args], cwd=BASE_DIR, capture_output=True, text=True, check=False
    )


def test_no_app_imports_an_app_above_it_and_no_two_apps_import_each_other():
    result = lint_imports()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_check_sees_real_imports(tmp_path):
    """The same graph against the inverted order must break: the check reads actual imports."""
    inverted = tmp_path / "inverted.toml"
    inverted.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["tenants", "relations", "tasks"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "inverted"\ntype = "layers"\nlayers = ["tenants", "relations", "tasks"]\n'
    )

    result = lint_imports("--config", str(inverted))

    assert result.returncode != 0
    assert "tasks is not allowed to import relations" in result.stdout
