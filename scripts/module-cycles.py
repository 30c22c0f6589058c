#!/usr/bin/env python3
"""Find import cycles between the modules (files) of a Rust crate.

Usage: scripts/module-cycles.py CRATE_DIR [--graph]

Every file under CRATE_DIR/src is one module (`a/b.rs` and `a/b/mod.rs` are `a::b`, `lib.rs`
is the crate root). A module depends on another when its code names an item of it: a `use`
of `crate::`, `super::` or `self::` paths, or such a path written inline. A name that a
module only re-exports (`pub use child::Name` in a `mod.rs` or `lib.rs`) is followed to the
module that defines it, and the re-export itself is no dependency: a parent re-exporting its
children's items is the facade, not a use. Code under `#[cfg(test)]` at the end of a file is
left out. Each strongly connected component of more than one module is printed with the
edges between its members (file and line of each); the exit status is 1 if there is any.
"""

import os
import re
import sys

USE_RE = re.compile(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]*);", re.S)
INLINE_RE = re.compile(r"\b((?:crate|super|self)(?:\s*::\s*(?:super|[A-Za-z_][A-Za-z0-9_]*))+)")
COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
STRING_RE = re.compile(r'"(?:\\.|[^"\\])*"')


def module_of(rel):
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def strip(text):
    # Cut the trailing test module, then comments and string literals (keeping line breaks).
    m = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod\s+\w+\s*\{", text, re.M)
    if m:
        text = text[: m.start()]
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))
    text = COMMENT_RE.sub(blank, text)
    return STRING_RE.sub(blank, text)


def expand(tree):
    """Expand a use tree (`a::{b, c::{d as e, self}}`) into lists of path segments."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        # Split s at top-level commas.
        depth, start, items = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(s[start:i])
                start = i + 1
        items.append(s[start:])
        for item in items:
            if not item:
                continue
            brace = item.find("{")
            if brace >= 0:
                head = [p for p in item[:brace].split("::") if p]
                walk(prefix + head, item[brace + 1 : item.rindex("}")])
            else:
                item = item.split("as")[0] if re.search(r"\bas\b", item) else item
                segs = [p for p in re.split(r"::", item) if p]
                segs = [p for p in segs if p != "self"] if segs[-1:] == ["self"] else segs
                out.append(prefix + segs)

    walk([], tree)
    return out


def main():
    crate = sys.argv[1]
    show_graph = "--graph" in sys.argv
    src = os.path.join(crate, "src")
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(".rs"):
                full = os.path.join(root, n)
                rel = os.path.relpath(full, src)
                files[module_of(rel)] = full
    modules = set(files)

    # Re-exports of facade files: module -> {name: target absolute path}.
    reexports = {m: {} for m in modules}
    texts = {}
    for m, path in files.items():
        with open(path, encoding="utf-8") as f:
            texts[m] = strip(f.read())
        for um in USE_RE.finditer(texts[m]):
            if not um.group(1):
                continue
            for segs in expand(um.group(2)):
                absolute = absolutize(m, segs)
                if absolute is not None and segs[-1] != "*":
                    reexports[m][segs[-1]] = absolute

    def resolve(path, seen=()):
        # Longest module prefix, then follow a re-exported name.
        for k in range(len(path), -1, -1):
            if tuple(path[:k]) in modules:
                mod, rest = tuple(path[:k]), path[k:]
                break
        else:
            return None
        if rest and rest[0] in reexports[mod] and (mod, rest[0]) not in seen:
            target = reexports[mod][rest[0]]
            return resolve(list(target) + rest[1:], seen + ((mod, rest[0]),))
        return mod

    edges = {}
    for m in modules:
        text = texts[m]
        facade = files[m].endswith(("mod.rs", "lib.rs"))
        uses = []
        for um in USE_RE.finditer(text):
            line = text.count("\n", 0, um.start()) + 1
            if um.group(1) and facade:
                continue
            uses += [(segs, line) for segs in expand(um.group(2))]
        masked = USE_RE.sub(lambda u: re.sub(r"[^\n]", " ", u.group(0)), text)
        for im in INLINE_RE.finditer(masked):
            line = masked.count("\n", 0, im.start()) + 1
            uses.append(([s for s in re.split(r"\s*::\s*", im.group(1))], line))
        for segs, line in uses:
            absolute = absolutize(m, segs)
            if absolute is None:
                continue
            target = resolve(list(absolute))
            if target is None or target == m or is_ancestor(m, target) and not absolute[len(target):]:
                continue
            edges.setdefault(m, {}).setdefault(target, []).append(line)

    if show_graph:
        for m in sorted(edges):
            for t in sorted(edges[m]):
                print(f"{fmt(m)} -> {fmt(t)}")

    cycles = [c for c in tarjan(modules, edges) if len(c) > 1]
    for comp in cycles:
        members = set(comp)
        print("cycle: " + ", ".join(sorted(fmt(c) for c in comp)))
        for m in sorted(comp):
            for t, lines in sorted(edges.get(m, {}).items()):
                if t in members:
                    where = ", ".join(str(x) for x in sorted(set(lines)))
                    print(f"  {fmt(m)} -> {fmt(t)}  ({os.path.relpath(files[m])}:{where})")
    if not cycles:
        print(f"{crate}: {len(modules)} modules, no import cycles")
    return 1 if cycles else 0


def absolutize(m, segs):
    if not segs:
        return None
    if segs[0] == "crate":
        return tuple(segs[1:])
    if segs[0] in ("super", "self"):
        base = list(m)
        i = 0
        while i < len(segs) and segs[i] in ("super", "self"):
            if segs[i] == "super":
                if not base:
                    return None
                base.pop()
            i += 1
        return tuple(base + segs[i:])
    return None  # an external crate, a prelude name or a child module declared in this file


def is_ancestor(m, t):
    return len(t) < len(m) and m[: len(t)] == t


def fmt(m):
    return "crate::" + "::".join(m) if m else "crate"


def tarjan(nodes, edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
