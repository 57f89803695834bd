"""Source checks CI runs (scripts/check-sources.sh):

  platform SOURCE_DIRS...   every import of a platform C module (Glibc, Musl, Darwin, …) and every
                            name qualified by one sits in an `#if canImport(ThatModule)` branch,
                            and every `#if` chain with a Linux branch has a Darwin (or `#else`) one:
                            the code builds on macOS by construction.
  docs SYMBOL_GRAPH_DIR [MODULE...]
                            every public declaration in our modules' symbol graphs has a `///`
                            comment, unless it implements a requirement of a protocol (its
                            documentation is the protocol's); each of our MODULEs (the folders of
                            Sources/) has a graph.
  lambda DESCRIBE_JSON      the Lambda bootstrap (`gatehouse-lambda`, from `swift package describe
                            --type json`) depends on nothing that links full Foundation: not
                            SQLite, the local pool or GRDB, and no source of its targets imports
                            Foundation without preferring FoundationEssentials (full Foundation
                            brings ICU, which needs a newer libstdc++ than provided.al2023 has).

Each prints what it finds, one per line, and exits 1 when it finds anything."""

import json
import pathlib
import re
import sys

PLATFORM_MODULES = ("Glibc", "Musl", "Darwin", "WinSDK", "Android", "Bionic")
OUR_MODULES = ("GatehouseCore", "GatehouseEdge", "GatehouseAWS", "GatehouseSessions", "GatehouseSessionsSQLite",
               "GatehouseHTTP", "GatehouseComposition", "GatehouseLambda", "LocalPool", "GatehouseAuth")


def platform(paths):
    problems = []
    for root in paths:
        for file in sorted(pathlib.Path(root).rglob("*.swift")):
            problems += platform_problems(file)
    return problems


def platform_problems(file):
    problems = []
    # A stack of #if chains; each is a list of its branches' conditions ("else" for #else).
    chains = []
    for number, line in enumerate(file.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#if "):
            chains.append([stripped[4:]])
        elif stripped.startswith("#elseif "):
            chains[-1].append(stripped[8:])
        elif stripped == "#else":
            chains[-1].append("else")
        elif stripped.startswith("#endif"):
            chain = chains.pop()
            linux = any(re.search(r"canImport\((Glibc|Musl)\)", branch) for branch in chain)
            darwin = any("canImport(Darwin)" in branch or branch == "else" for branch in chain)
            if linux and not darwin:
                problems.append(f"{file}:{number}: an #if chain with a Glibc/Musl branch and no Darwin (or #else) branch")
        else:
            current = chains[-1][-1] if chains else ""
            for module in PLATFORM_MODULES:
                imported = re.match(rf"(@\w+\s+)*(public |internal |package )?import {module}\b", stripped)
                qualified = re.search(rf"(?<![\w.]){module}\.\w", stripped) and not stripped.startswith("//")
                if (imported or qualified) and f"canImport({module})" not in current:
                    problems.append(f"{file}:{number}: {module} used outside an #if canImport({module}) branch")
    return problems


def docs(graph_dir, expected=()):
    problems = []
    written = {path.name.split(".")[0].split("@")[0] for path in pathlib.Path(graph_dir).glob("*.symbols.json")}
    for module in sorted(set(expected) & set(OUR_MODULES) - written):
        problems.append(f"{module}: no symbol graph was written (did it build?)")
    for path in sorted(pathlib.Path(graph_dir).glob("*.symbols.json")):
        module = path.name.split(".")[0].split("@")[0]
        if module not in OUR_MODULES:
            continue
        graph = json.loads(path.read_text())
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            if symbol.get("docComment") or symbol.get("sourceOrigin"):
                continue
            # Compiler-made members (memberwise and RawRepresentable inits, Codable's) have no
            # source location; enum cases of a documented enum read as their type's.
            location = symbol.get("location")
            if not location:
                continue
            name = ".".join(symbol["pathComponents"])
            where = location["uri"].removeprefix("file://")
            problems.append(f"{where}:{location['position']['line'] + 1}: {module}.{name} ({symbol['kind']['displayName']}) has no /// comment")
    return problems


LAMBDA_FORBIDDEN = ("GatehouseSessionsSQLite", "LocalPool", "GRDB")
FULL_FOUNDATION = re.compile(r"^\s*(?:(?:public|package|internal|@preconcurrency)\s+)*import\s+Foundation\s*$")


def lambda_closure(describe_path, executable="gatehouse-lambda"):
    package = json.loads(pathlib.Path(describe_path).read_text())
    root = pathlib.Path(package.get("path", "."))
    targets = {target["name"]: target for target in package["targets"]}
    problems, seen, queue = [], set(), [(executable, executable)]
    while queue:
        name, via = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in LAMBDA_FORBIDDEN:
            problems.append(f"{executable} depends on {name} (through {via})")
        target = targets.get(name)
        if target is None:
            continue
        for product in target.get("product_dependencies", []):
            if product in LAMBDA_FORBIDDEN:
                problems.append(f"{executable} depends on {product} (through {name})")
        queue += [(dependency, name) for dependency in target.get("target_dependencies", [])]
        for source in target.get("sources", []):
            file = root / target["path"] / source
            if not file.suffix == ".swift" or not file.exists():
                continue
            text = file.read_text()
            for number, line in enumerate(text.splitlines(), 1):
                if FULL_FOUNDATION.match(line) and "import FoundationEssentials" not in text:
                    problems.append(f"{file}:{number}: full Foundation imported in {name}, which the Lambda bootstrap links")
    return problems


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "platform":
        found = platform(arguments)
    elif command == "lambda":
        found = lambda_closure(arguments[0])
    else:
        found = docs(arguments[0], arguments[1:])
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
