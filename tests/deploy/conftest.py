"""Shared fixtures for the deployment tests: rendered kustomize targets and parsed Dockerfiles."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_ROOT = REPO_ROOT / "deploy" / "k8s"
TARGETS = ("base", "overlays/dev", "overlays/production")

KUBECTL_MISSING = "kubectl is not installed; `kubectl kustomize` is needed to render deploy/k8s"


@pytest.fixture(scope="session")
def render():
    """Returns render(target) -> list of objects from `kubectl kustomize deploy/k8s/<target>`."""
    kubectl = shutil.which("kubectl")
    cache: dict[str, list[dict]] = {}

    def _render(target: str) -> list[dict]:
        if kubectl is None:
            pytest.skip(KUBECTL_MISSING)
        if target not in cache:
            proc = subprocess.run(
                [kubectl, "kustomize", str(K8S_ROOT / target)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 0, f"kubectl kustomize {target} failed:\n{proc.stderr}"
            cache[target] = [obj for obj in yaml.safe_load_all(proc.stdout) if obj]
        return cache[target]

    return _render


@pytest.fixture(scope="session", params=TARGETS)
def target(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def objects(render, target) -> list[dict]:
    return render(target)


# --- Dockerfiles -------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def _logical_lines(text: str) -> list[str]:
    """Joins backslash continuations and drops comments and parser directives."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue  # Docker drops comment lines, even inside a continuation
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            lines.append(current.strip())
        current = ""
    if current.strip():
        lines.append(current.strip())
    return lines


def parse_dockerfile(path: Path) -> list[Stage]:
    """Parses a Dockerfile into build stages. Global ARG defaults are substituted into FROM."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text()):
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "FROM":
            parts = args.split()
            parts = [p for p in parts if not p.startswith("--platform")]
            base = re.sub(
                r"\$\{?(\w+)\}?", lambda m: global_args.get(m.group(1), m.group(0)), parts[0]
            )
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name))
        elif not stages:
            if keyword == "ARG":
                key, _, default = args.partition("=")
                global_args[key.strip()] = default.strip()
        else:
            stages[-1].instructions.append((keyword, args))
    return stages


SERVICES = ("contacts", "notifications", "sales", "gateway")


@pytest.fixture(scope="session")
def dockerfiles() -> dict[str, list[Stage]]:
    """services/<name>/Dockerfile parsed into stages, per service."""
    return {name: parse_dockerfile(REPO_ROOT / "services" / name / "Dockerfile") for name in SERVICES}
