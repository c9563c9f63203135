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

allow.py --fixes ALLOWLIST PATCHFILE
A patch whose message (above its --- line) Cc's stable@vger.kernel.org must
carry a Fixes: tag in the form checkpatch requires (12 or more hex digits,
then the subject in ("...")), or the allow-list must allow checkpatch's
MISSING_FIXES_TAG warning for it, with the reason. Exit 1 otherwise.
"""
import fnmatch
import re
import sys

FINDING = re.compile(r'^\S.*?:\d+: (ERROR|WARNING|CHECK):')
TOTAL = re.compile(r'^total: (\d+) errors, (\d+) warnings, (?:(\d+) checks, )?\d+ lines checked$')

MISSING_FIXES = "The commit message has 'stable@', perhaps it also needs a 'Fixes:' tag"


def read_allow(allow):
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
    return entries


def fixes(allow, path):
    name = path.rsplit('/', 1)[-1]
    text = open(path, errors='replace').read()
    # The message: after the headers, up to the --- line (the notes and
    # the diffstat below it are not part of the commit).
    body = text.split('\n\n', 1)[1] if '\n\n' in text else text
    body = re.split(r'^---$', body, maxsplit=1, flags=re.M)[0]
    stable = re.search(r'^Cc:.*\bstable@vger\.kernel\.org\b', body, re.M | re.I)
    if not stable:
        return 0
    tags = re.findall(r'^Fixes:(.*)$', body, re.M)
    good = [t for t in tags if re.fullmatch(r' [0-9a-f]{12,40} \(".+"\)', t)]
    for t in tags:
        if t not in good:
            print(f'{name}: malformed Fixes: tag (want 12+ hex digits and ("subject")):{t}')
    if good and len(good) == len(tags):
        return 0
    if tags:
        return 1
    allowed = [g for g, t, r in read_allow(allow)
               if fnmatch.fnmatch(name, g) and t == 'WARNING' and r.search(MISSING_FIXES)]
    if allowed:
        print(f'info: {name}: Cc: stable without Fixes:, allowed by {allow.rsplit("/", 1)[-1]} with its reason')
        return 0
    print(f'{name}: Cc: stable but no Fixes: tag, and {allow} gives no reason for it '
          f'(an entry "GLOB WARNING MESSAGE-REGEX | reason" for MISSING_FIXES_TAG)')
    return 1


args = sys.argv[1:]
if args[:1] == ['--fixes']:
    sys.exit(fixes(args[1], args[2]))
rc = None
if args[:1] == ['--rc']:
    rc = int(args[1])
    args = args[2:]
allow, patch = args
entries = read_allow(allow)

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
