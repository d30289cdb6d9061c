#!/usr/bin/env python3
"""Check the include graph of emu/ and peripherals/ against the layers of docs/architecture.md.

A module is a .c file with its .h (cpu.c + cpu.h = module core/cpu). Rules:
  1. A module includes only modules of its own layer or of a lower one.
  2. No cycle among the modules of emu/ (inside a layer too). (peripherals/ is one composite: soc.h
     holds every model's state and each model reaches its siblings through it.)
Exit 0 when both hold; otherwise print every offending include and exit 1.
Usage: tools/check_layers.py [SOURCE_DIR]
"""
import os
import re
import sys

# Lowest first. peripherals/ sits on emu/base only: the models never see the machine.
LAYERS = ["emu/base", "peripherals", "emu/core", "emu/board", "emu/machine", "emu/report", "emu/debug",
          "emu/scenario", "emu"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules(root):
    """{module: (layer index, [source files])} for every .c/.h under the layers."""
    mods = {}
    for level, layer in enumerate(LAYERS):
        folder = os.path.join(root, layer)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext not in (".c", ".h"):
                continue
            key = layer + "/" + stem
            mods.setdefault(key, (level, []))[1].append(os.path.join(folder, name))
    return mods


def edges(root, mods):
    by_header = {}
    for key, (_, files) in mods.items():
        for f in files:
            if f.endswith(".h"):
                by_header[os.path.basename(f)] = key
    out = {key: set() for key in mods}
    for key, (_, files) in mods.items():
        for f in files:
            with open(f, encoding="utf-8", errors="replace") as fh:
                for inc in INCLUDE.findall(fh.read()):
                    target = by_header.get(os.path.basename(inc))
                    if target and target != key:
                        out[key].add(target)
    return out


def find_cycle(graph):
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    mods = modules(root)
    graph = edges(root, mods)
    bad = 0
    for src in sorted(graph):
        for dst in sorted(graph[src]):
            if mods[dst][0] > mods[src][0]:
                print(f"layer violation: {src} ({LAYERS[mods[src][0]]}) includes {dst} ({LAYERS[mods[dst][0]]}), a higher layer")
                bad += 1
    emu_graph = {k: {d for d in v if d.startswith("emu/")} for k, v in graph.items() if k.startswith("emu/")}
    cycle = find_cycle(emu_graph)
    if cycle:
        print("include cycle: " + " -> ".join(cycle))
        bad += 1
    nedges = sum(len(v) for v in graph.values())
    if bad:
        print(f"{bad} problem(s) in {len(mods)} modules, {nedges} includes")
        return 1
    print(f"layers ok: {len(mods)} modules, {nedges} includes, no cycle, every include points down or sideways")
    return 0


if __name__ == "__main__":
    sys.exit(main())
