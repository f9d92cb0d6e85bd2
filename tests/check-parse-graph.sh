#!/bin/sh
# The parse files form a one-way graph: no #include circle among libtmdk's
# headers, and no circle of calls among the files that turn bytes into
# documents (parse.c at the top; the container artifact.c, detection and the
# parsers below it; the helpers they share at the bottom). A function defined
# in one file and named in another is an edge; a circle fails the test and is
# printed. Needs python3 (skipped without it).
set -u
src=${TMDK_SRCDIR:-.}
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
exec python3 - "$src/libtmdk" <<'EOF'
import os, re, sys

lib = sys.argv[1]
PARSE = re.compile(r'^(parse|artifact|detect|dockerfile_\w+|yaml_\w+|normalize_\w+|text_map|utf8|node|arena|file)\.[ch]$')

def strip(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    s = re.sub(r'//[^\n]*', ' ', s)
    s = re.sub(r'"(\\.|[^"\\\n])*"', '""', s)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", s)

names = sorted(f for f in os.listdir(lib) if f.endswith(('.c', '.h')) and f != 'builtin_catalog.c')
raw = {f: open(os.path.join(lib, f), encoding='utf-8', errors='replace').read() for f in names}
code = {f: strip(s) for f, s in raw.items()}

def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
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
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in nodes:
        if v not in index:
            visit(v)
    return out

failed = 0

# 1. #include among the library's own headers and sources.
inc = {f: {h for h in re.findall(r'^\s*#\s*include\s+"([^"]+)"', raw[f], re.M) if h in raw} for f in names}
for comp in cycles(names, inc):
    print('FAIL: #include circle: ' + ' '.join(comp))
    failed = 1

# 2. Calls among the parse files.
sources = [f for f in names if f.endswith('.c')]
defs = {}
for f in sources:
    for m in re.finditer(r'^(?!static\b)[A-Za-z_][\w \t*]*?\b(tmdk_\w+)\s*\([^;{]*\)\s*\{', code[f], re.M):
        defs[m.group(1)] = f
calls = {}
for f in sources:
    calls[f] = {defs[n] for n in re.findall(r'\b(tmdk_\w+)\b', code[f]) if n in defs and defs[n] != f}
parse_files = [f for f in sources if PARSE.match(f)]
if 'parse.c' not in parse_files or 'artifact.c' not in parse_files:
    print('FAIL: parse.c or artifact.c not found in ' + lib)
    failed = 1
sub = {f: calls[f] & set(parse_files) for f in parse_files}
for comp in cycles(parse_files, sub):
    print('FAIL: call circle among the parse files: ' + ' '.join(comp))
    for f in comp:
        print('    %s -> %s' % (f, ' '.join(sorted(sub[f] & set(comp)))))
    failed = 1
if calls.get('artifact.c', set()) & (set(parse_files) - {'artifact.c', 'arena.c', 'node.c', 'file.c', 'utf8.c'}):
    print('FAIL: artifact.c (the container) calls a parser: ' + ' '.join(sorted(calls['artifact.c'])))
    failed = 1
if not failed:
    print('ok: no #include circle in libtmdk/, no call circle among %d parse files' % len(parse_files))
sys.exit(failed)
EOF
