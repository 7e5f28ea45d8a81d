"""The Dockerfile and the Apptainer definition build by running steps CI runs too.

No container engine runs where CI does, so an image build is never exercised there; what is
exercised is each of its steps: every command a recipe runs must be a project script that CI
runs (.ci/run and scripts/test.sh, followed through the scripts they call), or `cmake --install`
of a build directory such a script produces. A recipe that calls a script CI never runs, or a
script that does not exist, or an ad-hoc apt-get, fails here.
"""
import re
import shlex
from pathlib import Path

import pytest

from release_lib import REPO

# Build directories and the scripts that produce them (cmake --install is allowed on these).
BUILD_DIRS = {"build/portable": "scripts/build_release.sh", "build/release": "scripts/build.sh"}


def scripts_ci_runs() -> set[str]:
    """Every scripts/*.sh reachable from .ci/run through the scripts it calls."""
    seen, todo = set(), [".ci/run"]
    while todo:
        text = (REPO / todo.pop()).read_text()
        for script in re.findall(r"(?<![\w/.])(scripts/[\w.-]+\.sh)\b", text):
            if script not in seen and (REPO / script).is_file():
                seen.add(script)
                todo.append(script)
    return seen


def joined_lines(text: str) -> list[str]:
    """Logical lines: comments dropped, backslash continuations joined."""
    out, current = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") and not current:
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        out.append(current + line)
        current = ""
    if current:
        out.append(current)
    return out


def check_command(command: str, where: str) -> None:
    """One shell command of a recipe: a script CI runs, cmake --install of a CI build, or cd."""
    ci_scripts = scripts_ci_runs()
    for part in re.split(r"&&|;", command):
        words = shlex.split(part)
        while words and (re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0])
                         or words[0].startswith("--mount=")):
            words.pop(0)  # VAR=value prefixes and RUN's --mount flags
        if not words or words[0] == "cd":
            continue
        program = words[0]
        if program.startswith("scripts/"):
            assert (REPO / program).is_file(), f"{where}: {program} does not exist"
            assert program in ci_scripts, f"{where}: CI never runs {program}"
        elif program == "cmake" and words[1:2] == ["--install"]:
            build = words[2].rstrip("/")
            assert build in BUILD_DIRS, f"{where}: cmake --install of {build}, not a CI build"
            producer = BUILD_DIRS[build]
            assert producer in ci_scripts, f"{where}: CI never runs {producer}"
            assert build in (REPO / producer).read_text() or build == "build/release", producer
        else:
            pytest.fail(f"{where}: '{part.strip()}' is not a step CI runs")


def test_ci_runs_the_build_scripts_the_recipes_need():
    assert {"scripts/install_deps.sh", "scripts/build_release.sh",
            "scripts/build.sh"} <= scripts_ci_runs()


def test_dockerfile_runs_only_ci_steps():
    text = (REPO / "Dockerfile").read_text()
    lines = joined_lines(text)
    froms = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert len(froms) >= 2, "the Dockerfile is multi-stage"
    assert all(f.startswith("debian:bookworm") for f in froms), froms
    runs = [line[len("RUN "):] for line in lines if line.startswith("RUN ")]
    assert runs, "no RUN instruction"
    for command in runs:
        check_command(command, "Dockerfile")
    invoked = " ".join(runs)
    for needed in ("scripts/install_deps.sh", "scripts/build_release.sh", "cmake --install"):
        assert needed in invoked, f"the Dockerfile does not run {needed}"
    for line in lines:
        if line.startswith("COPY ") and "--from=" not in line:
            for src in line.split()[1:-1]:
                assert (REPO / src).exists(), f"Dockerfile copies {src}, which does not exist"
    entrypoints = [line for line in lines if line.startswith("ENTRYPOINT ")]
    assert entrypoints == ['ENTRYPOINT ["storage-scanner"]'], entrypoints


def apptainer_sections(text: str) -> list[dict]:
    """Stages of a definition file: {'header': {...}, '%post': [...], '%files': [...], ...}."""
    stages, section = [], None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("Bootstrap:"):
            stages.append({"header": {}})
            section = None
        if line.startswith("%"):
            section = line.split()[0] + (" from" if " from " in line else "")
            stages[-1].setdefault(section, [])
        elif section is None:
            key, _, value = line.partition(":")
            stages[-1]["header"][key.strip()] = value.strip()
        else:
            stages[-1][section].append(line.strip())
    return stages


def test_apptainer_definition_runs_only_ci_steps():
    stages = apptainer_sections((REPO / "storage-scanner.def").read_text())
    assert len(stages) >= 2, "the definition is multi-stage"
    for stage in stages:
        assert stage["header"].get("Bootstrap") == "docker"
        assert stage["header"].get("From", "").startswith("debian:bookworm"), stage["header"]
    build = stages[0]
    for entry in build.get("%files", []):
        src = entry.split()[0]
        assert list(REPO.glob(src)), f"%files copies {src}, which does not exist"
    post = joined_lines("\n".join(build["%post"]))
    for command in post:
        check_command(command, "storage-scanner.def %post")
    invoked = " ".join(post)
    for needed in ("scripts/install_deps.sh", "scripts/build_release.sh", "cmake --install"):
        assert needed in invoked, f"%post does not run {needed}"
    assert any("storage-scanner" in line for line in stages[-1].get("%runscript", []))


def test_recipes_install_what_cmake_install_puts_in_the_prefix():
    # Both copy the install prefix whole, so the user scripts and the man page come along.
    docker = (REPO / "Dockerfile").read_text()
    assert re.search(r"COPY --from=build /opt/storage-scanner/? /usr/local/?", docker)
    definition = (REPO / "storage-scanner.def").read_text()
    assert "/opt/storage-scanner /opt/storage-scanner" in definition
    assert Path(REPO / "cmake" / "install_rules.cmake").is_file()
