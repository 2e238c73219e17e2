"""The architecture holds: services never import each other, the chassis knows no service,
domains stay plain Python. The contracts live in pyproject.toml ([tool.importlinter])."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is not installed in this environment"
    return subprocess.run([lint, "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True, text=True)


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Services never import each other KEPT" in result.stdout


def test_a_service_importing_another_is_caught(tmp_path):
    """The contract is not vacuous: a cross-service import in a copy of the tree breaks it."""
    for package in ("libs/chassis/crm_chassis", "services/contacts/crm_contacts", "services/notifications/crm_notifications", "services/gateway/crm_gateway", "services/sales/crm_sales"):
        shutil.copytree(ROOT / package, tmp_path / Path(package).name, ignore=shutil.ignore_patterns("__pycache__"))
    offender = tmp_path / "crm_notifications" / "service_layer" / "handlers.py"
    offender.write_text("import crm_contacts.domain.model\n" + offender.read_text())
    config = tmp_path / "pyproject.toml"
    config.write_text((ROOT / "pyproject.toml").read_text())
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--config", str(config), "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)},
    )
    assert result.returncode != 0
    assert "Services never import each other BROKEN" in result.stdout
