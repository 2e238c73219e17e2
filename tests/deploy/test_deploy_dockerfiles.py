"""Static checks of services/<name>/Dockerfile (no Docker needed).

Each image must build from the repository root, run as a numeric non-root user and
start the service's console script, which must be declared in its pyproject.toml.
"""
from __future__ import annotations

import glob
import json
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("contacts", "notifications", "sales", "gateway")
BASE_IMAGE = "python:3.11-slim"

pytestmark = pytest.mark.parametrize("service", SERVICES)


def exec_form(args: str) -> list[str]:
    try:
        value = json.loads(args)
    except json.JSONDecodeError:
        value = None
    assert isinstance(value, list) and value and all(isinstance(v, str) for v in value), (
        f"expected a non-empty exec-form JSON array, got: {args}"
    )
    return value


def split_flags(args: str) -> tuple[dict[str, str], list[str]]:
    """Splits `--flag=value ... operands` (shell or JSON form) of COPY/ADD/RUN."""
    flags, operands = {}, []
    if args.lstrip().startswith("["):
        return flags, exec_form(args)
    for token in args.split():
        if token.startswith("--") and not operands:
            key, _, value = token[2:].partition("=")
            flags[key] = value
        else:
            operands.append(token)
    return flags, operands


def test_copy_sources_exist(service, dockerfiles):
    stages = dockerfiles[service]
    seen_stages: list[str] = []
    copies = 0
    for index, stage in enumerate(stages):
        for keyword, args in stage.instructions:
            if keyword not in ("COPY", "ADD"):
                continue
            flags, operands = split_flags(args)
            assert len(operands) >= 2, f"{keyword} {args}: needs source(s) and a destination"
            if "from" in flags:
                assert flags["from"] in seen_stages, f"COPY --from={flags['from']}: no such stage"
                continue
            copies += 1
            for source in operands[:-1]:
                assert not source.startswith(("/", "..", "http://", "https://")), (
                    f"{keyword} source {source} is outside the build context (the repository root)"
                )
                assert glob.glob(str(REPO_ROOT / source)), (
                    f"services/{service}/Dockerfile copies {source}, which is not in the repository"
                )
        seen_stages += [stage.name or "", str(index)]
    assert copies, "the Dockerfile copies nothing from the build context"


def test_builder_installs_the_packages_in_order_with_constraints(service, dockerfiles):
    builder = dockerfiles[service][0]
    installs = [run for run in builder.all("RUN") if "pip install" in run]
    assert installs, "the builder stage has no `pip install`"
    tokens = split_flags(installs[-1])[1]
    assert "constraints.txt" in tokens, "pip install must use `-c constraints.txt`"
    assert tokens[tokens.index("constraints.txt") - 1] in ("-c", "--constraint"), tokens
    packages = [t.rstrip("/") for t in tokens if t.startswith("./")]
    assert packages == ["./proto", "./libs/chassis", f"./services/{service}"], packages


def test_final_stage_is_slim_runtime_without_build_steps(service, dockerfiles):
    stages = dockerfiles[service]
    assert len(stages) >= 2, "expected a multi-stage build (builder + runtime)"
    final = stages[-1]
    assert final.base == BASE_IMAGE, f"final stage is based on {final.base}, expected {BASE_IMAGE}"
    copied_from = [split_flags(c)[0].get("from") for c in final.all("COPY")]
    assert any(copied_from), "the final stage must copy the virtualenv from the builder stage"
    for run in final.all("RUN"):
        assert "pip install" not in run and "apt-get install" not in run, (
            f"the final stage installs packages (`{run}`); do that in the builder"
        )


def test_final_stage_runs_as_numeric_non_root_user(service, dockerfiles):
    final = dockerfiles[service][-1]
    users = final.all("USER")
    assert users, "the final stage sets no USER, so the container would run as root"
    user, _, group = users[-1].partition(":")
    assert user.isdigit() and int(user) > 0, f"USER {users[-1]}: use a numeric, non-zero UID"
    assert not group or (group.isdigit() and int(group) > 0), f"USER {users[-1]}: use a numeric GID"


def test_entrypoint_is_the_declared_console_script(service, dockerfiles):
    final = dockerfiles[service][-1]
    entrypoints, cmds = final.all("ENTRYPOINT"), final.all("CMD")
    command = exec_form(entrypoints[-1]) if entrypoints else []
    # The manifests only pass `args`, so the console script must be the ENTRYPOINT.
    assert command[:1] == [f"crm-{service}"], f"ENTRYPOINT must be [\"crm-{service}\"], got {command}"
    assert cmds and exec_form(cmds[-1]) == ["serve"], "the default command must be `serve`"

    pyproject = REPO_ROOT / "services" / service / "pyproject.toml"
    assert pyproject.is_file(), f"{pyproject.relative_to(REPO_ROOT)} does not exist"
    project = tomllib.loads(pyproject.read_text()).get("project", {})
    assert project.get("name", "").lower().replace("_", "-") == f"crm-{service}"
    scripts = project.get("scripts", {})
    assert f"crm-{service}" in scripts, (
        f"{pyproject.relative_to(REPO_ROOT)} [project.scripts] does not declare crm-{service} "
        f"(declared: {sorted(scripts)})"
    )
