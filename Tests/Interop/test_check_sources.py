"""The source checks CI runs (scripts/check_sources.py): platform imports only inside their own
`#if canImport` branch with a Darwin branch beside every Linux one, and every public declaration
of our modules documented."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = [sys.executable, str(ROOT / "scripts" / "check_sources.py")]


def run(*args):
    return subprocess.run([*CHECK, *map(str, args)], capture_output=True, text=True)


def test_guarded_imports_pass_and_unguarded_ones_are_named(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "Good.swift").write_text(
        "#if canImport(Glibc)\nimport Glibc\n#elseif canImport(Musl)\nimport Musl\n#elseif canImport(Darwin)\nimport Darwin\n#endif\n"
        "// Glibc.write in a comment is fine\n")
    assert run("platform", good).returncode == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "Bad.swift").write_text(
        "import Glibc\nlet x = Glibc.write(2, nil, 0)\n#if canImport(Glibc)\nimport Glibc\n#endif\n")
    result = run("platform", bad)
    assert result.returncode == 1
    assert "Bad.swift:1: Glibc used outside" in result.stdout
    assert "Bad.swift:2: Glibc used outside" in result.stdout
    assert "Bad.swift:5: an #if chain with a Glibc/Musl branch and no Darwin" in result.stdout


def test_undocumented_public_declarations_are_named(tmp_path):
    def symbol(name, doc=None, access="public"):
        entry = {"accessLevel": access, "pathComponents": ["Thing", name], "kind": {"displayName": "Instance Method"},
                 "location": {"uri": "file:///src/Thing.swift", "position": {"line": 9, "character": 4}}}
        if doc:
            entry["docComment"] = {"lines": [{"text": doc}]}
        return entry
    graph = {"symbols": [symbol("documented()", "Does it."), symbol("hidden()", access="internal"), symbol("bare()")]}
    (tmp_path / "GatehouseCore.symbols.json").write_text(json.dumps(graph))
    (tmp_path / "SomeDependency.symbols.json").write_text(json.dumps({"symbols": [symbol("theirs()")]}))
    result = run("docs", tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip().splitlines() == ["/src/Thing.swift:10: GatehouseCore.Thing.bare() (Instance Method) has no /// comment"]


def test_the_lambda_bootstrap_may_not_reach_full_foundation(tmp_path):
    (tmp_path / "Sources" / "Lean").mkdir(parents=True)
    (tmp_path / "Sources" / "Lean" / "Lean.swift").write_text(
        "#if canImport(FoundationEssentials)\nimport FoundationEssentials\n#else\nimport Foundation\n#endif\n")
    (tmp_path / "Sources" / "Heavy").mkdir(parents=True)
    (tmp_path / "Sources" / "Heavy" / "Heavy.swift").write_text("public import Foundation\n")

    def target(name, targets=(), products=(), sources=()):
        return {"name": name, "path": f"Sources/{name}", "target_dependencies": list(targets),
                "product_dependencies": list(products), "sources": list(sources)}

    def describe(*targets):
        path = tmp_path / "package.json"
        path.write_text(json.dumps({"path": str(tmp_path), "targets": list(targets)}))
        return path

    lean = describe(target("gatehouse-lambda", ["Lean"]), target("Lean", sources=["Lean.swift"]),
                    target("Heavy", ["LocalPool"], ["GRDB"], ["Heavy.swift"]))
    assert run("lambda", lean).returncode == 0
    heavy = describe(target("gatehouse-lambda", ["Lean"]), target("Lean", ["Heavy"], sources=["Lean.swift"]),
                     target("Heavy", ["LocalPool"], ["GRDB"], ["Heavy.swift"]), target("LocalPool"))
    result = run("lambda", heavy)
    assert result.returncode == 1
    assert sorted(result.stdout.strip().splitlines()) == sorted([
        "gatehouse-lambda depends on GRDB (through Heavy)",
        "gatehouse-lambda depends on LocalPool (through Heavy)",
        f"{tmp_path}/Sources/Heavy/Heavy.swift:1: full Foundation imported in Heavy, which the Lambda bootstrap links",
    ])


def test_a_module_without_a_symbol_graph_is_named(tmp_path):
    (tmp_path / "GatehouseCore.symbols.json").write_text(json.dumps({"symbols": []}))
    assert run("docs", tmp_path, "GatehouseCore", "gatehouse").returncode == 0
    result = run("docs", tmp_path, "GatehouseCore", "GatehouseEdge", "gatehouse")
    assert result.returncode == 1
    assert result.stdout.strip() == "GatehouseEdge: no symbol graph was written (did it build?)"
