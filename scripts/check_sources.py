"""Source checks CI runs (scripts/check-sources.sh):

  platform SOURCE_DIRS...   every import of a platform C module (Glibc, Musl, Darwin, …) and every
                            name qualified by one sits in an `#if canImport(ThatModule)` branch,
                            and every `#if` chain with a Linux branch has a Darwin (or `#else`) one:
                            the code builds on macOS by construction.
  docs SYMBOL_GRAPH_DIR     every public declaration in our modules' symbol graphs has a `///`
                            comment, unless it implements a requirement of a protocol (its
                            documentation is the protocol's).

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


def docs(graph_dir):
    problems = []
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


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    found = platform(arguments) if command == "platform" else docs(arguments[0])
    for problem in found:
        print(problem)
    sys.exit(1 if found else 0)
