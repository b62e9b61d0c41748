#!/usr/bin/env python3
"""Where a wasm module's bytes are, by the crate each function comes from.

Reads a module that kept its name section (wasm-bindgen --keep-debug, wasm-opt -g) and
prints its sections (bytes, gzip -9 bytes) and its code by group. A component's view
is inlined into Yew's `CompStateInner<COMP>::view`, so it counts as "component views",
apart from Yew's own runtime.
    python3 scripts/wasm-sizes.py module.wasm
"""
import collections
import gzip
import re
import sys

SECTIONS = {10: "code", 11: "data"}
# First match wins: the group a function's name puts it in.
GROUPS = [
    ("component views (Yew)", r"CompStateInner<COMP> as yew::html::component::lifecycle::Stateful>::view"),
    ("console (rds_backup_web)", r"rds_backup_web"),
    ("core (rds_backup_core)", r"rds_backup_core"),
    ("Yew runtime", r"\byew\b|implicit_clone"),
    ("serde, serde_json", r"serde"),
    ("JS glue (wasm-bindgen, js-sys, web-sys, gloo)", r"wasm_bindgen|js_sys|web_sys|gloo|externref|closure\d+ externref"),
    ("hashing (sha2, hmac, sm3)", r"sha2|hmac|sm3|digest"),
    ("Rust core, alloc, std", r"\bcore\b|\balloc\b|\bstd\b|dlmalloc|hashbrown"),
]


def leb(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def name(b, i):
    n, i = leb(b, i)
    return b[i:i + n].decode("utf-8", "replace"), i + n


def read(path):
    d = open(path, "rb").read()
    if d[:4] != b"\0asm":
        sys.exit(f"{path}: not a wasm module")
    i, sections, imported, bodies, names = 8, [], 0, [], {}
    while i < len(d):
        sid = d[i]
        size, start = leb(d, i + 1)
        end = start + size
        sections.append((sid, d[start:end]))
        if sid == 2:
            j = start
            count, j = leb(d, j)
            for _ in range(count):
                _, j = name(d, j)
                _, j = name(d, j)
                kind = d[j]
                j += 1
                if kind == 0:
                    _, j = leb(d, j)
                    imported += 1
                elif kind == 1:
                    j += 1
                    flags, j = leb(d, j)
                    _, j = leb(d, j)
                    if flags & 1:
                        _, j = leb(d, j)
                elif kind == 2:
                    flags, j = leb(d, j)
                    _, j = leb(d, j)
                    if flags & 1:
                        _, j = leb(d, j)
                else:
                    j += 2
        elif sid == 10:
            j = start
            count, j = leb(d, j)
            for _ in range(count):
                n, j = leb(d, j)
                bodies.append(d[j:j + n])
                j += n
        elif sid == 0:
            title, j = name(d, start)
            if title == "name":
                while j < end:
                    sub = d[j]
                    n, j = leb(d, j + 1)
                    if sub == 1:
                        k = j
                        count, k = leb(d, k)
                        for _ in range(count):
                            index, k = leb(d, k)
                            names[index], k = name(d, k)
                    j += n
        i = end
    return sections, [(names.get(imported + k, "?"), body) for k, body in enumerate(bodies)], names


def module_of(body, names):
    """The console module a view calls most: a guess at its component (the bytes are
    scanned for call instructions, not decoded)."""
    seen = collections.Counter()
    for at in range(len(body) - 1):
        if body[at] == 0x10:
            try:
                callee, _ = leb(body, at + 1)
            except IndexError:
                continue
            callee = names.get(callee, "")
            if "drop_in_place" in callee or "Clone>::clone" in callee:
                continue
            m = re.search(r"rds_backup_web::((?:components::)?[a-z0-9_]+)", callee)
            if m:
                seen[m.group(1)] += 1
    return seen.most_common(1)[0][0] if seen else "?"


def main():
    sections, functions, names = read(sys.argv[1])
    print("| section | bytes | gzip -9 bytes |")
    print("|---|---|---|")
    for sid, body in sections:
        if sid in SECTIONS:
            print(f"| {SECTIONS[sid]} | {len(body)} | {len(gzip.compress(body, 9))} |")
    print()
    groups = collections.OrderedDict((g, [0, 0]) for g, _ in GROUPS)
    groups["other"] = [0, 0]
    views = []
    for fname, body in functions:
        group = next((g for g, pattern in GROUPS if re.search(pattern, fname)), "other")
        groups[group][0] += len(body)
        groups[group][1] += 1
        if group == GROUPS[0][0]:
            views.append((len(body), module_of(body, names)))
    total = sum(b for b, _ in groups.values())
    print("| code by group | functions | bytes | share |")
    print("|---|---|---|---|")
    for g, (b, n) in groups.items():
        print(f"| {g} | {n} | {b} | {100 * b / max(total, 1):.0f}% |")
    print(f"| all | {len(functions)} | {total} | |")
    views.sort(reverse=True)
    print()
    print("largest component views, bytes (the console module each calls most): "
          + ", ".join(f"{b} ({m})" for b, m in views[:8]))


if __name__ == "__main__":
    main()
