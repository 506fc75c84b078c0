"""The package graph: the layers in .importlinter hold, and no import closes a new cycle
between packages. ``UNTANGLING`` lists the imports that still sit on a cycle (issue 24
unties them): a new one fails here, and one untied must leave the list, so it only
shrinks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]

# importer -> imported, both packages of frontdesk, where the imported reaches back.
UNTANGLING = {
    ("agents", "websites"),
    ("conversations", "messages"),
    ("conversations", "routing"),
    ("http", "ws"),
    ("messages", "conversations"),
    ("messages", "routing"),
    ("routing", "conversations"),
    ("routing", "messages"),
    ("websites", "agents"),
    ("ws", "http"),
}


def imports_on_cycles() -> set[tuple[str, str]]:
    graph = grimp.build_graph("frontdesk")
    packages = sorted({module.split(".")[1] for module in graph.modules if module.count(".") >= 1})
    imports = {
        importer: {
            imported
            for imported in packages
            if imported != importer
            and graph.direct_import_exists(
                importer=f"frontdesk.{importer}", imported=f"frontdesk.{imported}", as_packages=True
            )
        }
        for importer in packages
    }

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in imports[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    reach = {package: reachable(package) for package in packages}
    return {(a, b) for a in packages for b in imports[a] if a in reach[b]}


def test_no_import_closes_a_new_cycle_and_the_list_of_old_ones_is_true() -> None:
    found = imports_on_cycles()
    assert found - UNTANGLING == set(), "these imports close a new cycle between packages"
    assert UNTANGLING - found == set(), "untied: take these off UNTANGLING"


def test_the_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
