#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge checkpatch --terse output against the reviewed allow-list.

allow.py [--rc RC] ALLOWLIST PATCHNAME < checkpatch-output
The allow-list has one entry a line: PATCH-GLOB TYPE MESSAGE-REGEX | reason.
Every entry needs a reason. Findings that no entry allows are printed, and
the exit status is 1 if there is any.

With --rc (checkpatch's exit status), the output must also be that of a
checkpatch that ran: exit 0 with no output, or exit 1 with findings and the
"total:" line that counts them. Anything else (an unknown option, a usage
text, a program that cannot start, a Python traceback from a helper) fails:
a checkpatch that did not run must not read as a clean patch.
"""
import fnmatch
import re
import sys

FINDING = re.compile(r'^\S.*?:\d+: (ERROR|WARNING|CHECK):')
TOTAL = re.compile(r'^total: (\d+) errors, (\d+) warnings, (?:(\d+) checks, )?\d+ lines checked$')

args = sys.argv[1:]
rc = None
if args[:1] == ['--rc']:
    rc = int(args[1])
    args = args[2:]
allow, patch = args
entries = []
for n, line in enumerate(open(allow), 1):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    rule, sep, reason = line.partition('|')
    if not sep or not reason.strip():
        sys.exit(f'{allow}:{n}: an entry needs "| reason"')
    glob, typ, rx = rule.split(None, 2)
    entries.append((glob, typ, re.compile(rx.strip())))

findings, total, other = [], None, []
for line in sys.stdin:
    line = line.rstrip('\n')
    if not line:
        continue
    if FINDING.match(line):
        findings.append(line)
    elif TOTAL.match(line) and total is None:
        m = TOTAL.match(line)
        total = sum(int(x or 0) for x in m.groups())
    else:
        other.append(line)

bad = 0
if rc is not None:
    ran = (rc == 0 and not findings and total is None and not other) or \
          (rc == 1 and findings and total == len(findings) and not other)
    if not ran:
        print(f'{patch}: checkpatch did not run cleanly (exit {rc}, {len(findings)} findings, '
              f'total {total}); its output:')
        for line in (other or findings)[:10]:
            print('   ', line)
        bad = 1
for line in findings:
    ok = any(fnmatch.fnmatch(patch, g) and f' {t}:' in line and r.search(line)
             for g, t, r in entries)
    if not ok:
        print(line)
        bad = 1
sys.exit(bad)
