#!/usr/bin/env python3
"""Check the coverage matrices (patterns/COVERAGE*.md).

Every table whose header is exactly
  | peer | rule id | what it checks | tmdk pattern(s) or out of scope |
is read row by row. A row must have four non-empty cells; the fourth is either
a comma-separated list of backticked pattern ids, each of which must exist in
the catalog, or `out of scope: <reason>` with a reason. A "totals" table
(header `| peer | rules | in scope | covered | out of scope |`), when a file has
one, must agree with that file's rows.

usage: coverage-matrix.py IDS_FILE MATRIX.md...   (IDS_FILE: one pattern id a line)
Prints the totals per peer; exits 1 on the first file with problems (all
problems listed), 2 on bad usage.
"""
import re
import sys

HEADER = ["peer", "rule id", "what it checks", "tmdk pattern(s) or out of scope"]
TOTALS = ["peer", "rules", "in scope", "covered", "out of scope"]
ID = re.compile(r"^`([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)`$")


def cells(line):
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        return None
    # a pipe inside backticks or escaped as \| is not a separator
    out, cur, tick, i = [], "", False, 1
    body = line[1:-1]
    while i - 1 < len(body):
        c = body[i - 1]
        if c == "\\" and i < len(body) and body[i] == "|":
            cur += "|"
            i += 2
            continue
        if c == "`":
            tick = not tick
        if c == "|" and not tick:
            out.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    out.append(cur.strip())
    return out


def is_rule(row):
    return all(re.fullmatch(r":?-{3,}:?", c) for c in row)


def check(path, ids, problems, totals):
    rows = []
    stated = {}
    table = None
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        row = cells(line)
        if row is None:
            table = None
            continue
        if table is None:
            low = [c.lower() for c in row]
            table = "rows" if low == HEADER else "totals" if low == TOTALS else "other"
            continue
        if is_rule(row) or table == "other":
            continue
        where = "%s:%d" % (path, n)
        if table == "totals":
            if len(row) != 5 or not all(c.isdigit() for c in row[1:]):
                problems.append("%s: a totals row needs a peer and four numbers" % where)
            else:
                stated[row[0]] = tuple(int(c) for c in row[1:])
            continue
        if len(row) != 4:
            problems.append("%s: %d cells, expected 4" % (where, len(row)))
            continue
        peer, rule, what, cover = row
        for name, value in (("peer", peer), ("rule id", rule), ("what it checks", what)):
            if not value:
                problems.append("%s: empty %s" % (where, name))
        if cover.lower().startswith("out of scope:"):
            if not cover.split(":", 1)[1].strip():
                problems.append("%s: %s %s is out of scope without a reason" % (where, peer, rule))
            rows.append((peer, False))
            continue
        named = [c.strip() for c in cover.split(",")] if cover else []
        if not named:
            problems.append("%s: %s %s names no pattern and no reason" % (where, peer, rule))
            continue
        for item in named:
            m = ID.match(item)
            if not m:
                problems.append("%s: %r is neither a backticked pattern id nor 'out of scope: reason'" % (where, item))
            elif m.group(1) not in ids:
                problems.append("%s: %s %s names the unknown pattern %s" % (where, peer, rule, m.group(1)))
        rows.append((peer, True))
    if not rows:
        problems.append("%s: no coverage rows (header must be: | %s |)" % (path, " | ".join(HEADER)))
    counted = {}
    for peer, covered in rows:
        c = counted.setdefault(peer, [0, 0, 0, 0])
        c[0] += 1
        c[1 if covered else 3] += 1
        c[2] += 1 if covered else 0
    for peer, want in stated.items():
        got = tuple(counted.get(peer, [0, 0, 0, 0]))
        if got != want:
            problems.append("%s: totals for %s say %s, the rows give %s (rules, in scope, covered, out of scope)"
                            % (path, peer, want, got))
    for peer in counted:
        if stated and peer not in stated:
            problems.append("%s: no totals row for %s" % (path, peer))
    for peer, c in counted.items():
        t = totals.setdefault(peer, [0, 0, 0, 0])
        for k in range(4):
            t[k] += c[k]


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    ids = {l.strip() for l in open(argv[1]) if l.strip()}
    if not ids:
        print("%s: no pattern ids" % argv[1], file=sys.stderr)
        return 2
    problems, totals = [], {}
    for path in argv[2:]:
        check(path, ids, problems, totals)
    print("%-24s %6s %9s %8s %13s" % ("peer", "rules", "in scope", "covered", "out of scope"))
    for peer, (r, i, c, o) in sorted(totals.items()):
        print("%-24s %6d %9d %8d %13d" % (peer, r, i, c, o))
    for p in problems:
        print("error: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
