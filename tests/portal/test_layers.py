"""The layers of CONTRIBUTING.md are enforced by import-linter (`.importlinter`, run by
`make test`): the real code keeps them, and an import that breaks one fails the check."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = ["villages", "warkop", "payments", "coverage"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_import_from_a_higher_layer_fails(tmp_path):
    """A copy of the code with two offending modules: accounts (a lower layer) importing the
    programme, and the core importing accounts."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static", "data")
    shutil.copytree(ROOT / "portal", tmp_path / "portal", ignore=ignore)
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=ignore)
    (tmp_path / "portal" / "accounts" / "breaks_layer.py").write_text(
        "from portal.programme.models import Programme  # noqa: F401\n"
    )
    (tmp_path / "portal" / "core" / "breaks_core.py").write_text(
        "import portal.accounts.models  # noqa: F401\n"
    )

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 0 kept, 2 broken." in result.stdout
    assert "portal.accounts.breaks_layer -> portal.programme.models" in result.stdout
    assert "portal.core.breaks_core -> portal.accounts.models" in result.stdout
