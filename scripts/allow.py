#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Filter checkpatch --terse output through the reviewed allow-list.

allow.py ALLOWLIST PATCHNAME < checkpatch-lines
The allow-list has one entry a line: PATCH-GLOB TYPE MESSAGE-REGEX | reason.
Every entry needs a reason. Lines that no entry allows are printed.
"""
import fnmatch
import re
import sys

entries = []
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    rule, sep, reason = line.partition('|')
    if not sep or not reason.strip():
        sys.exit(f'{sys.argv[1]}:{n}: an entry needs "| reason"')
    glob, typ, rx = rule.split(None, 2)
    entries.append((glob, typ, re.compile(rx.strip())))
patch = sys.argv[2]
for line in sys.stdin:
    line = line.rstrip('\n')
    if not line:
        continue
    ok = any(fnmatch.fnmatch(patch, g) and f' {t}:' in line and r.search(line)
             for g, t, r in entries)
    if not ok:
        print(line)
