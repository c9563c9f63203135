#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read a KUnit console log: results per suite, and splats.

ktap.py table LOG [SUITE_GLOB...]   print a table of suites, exit 1 on failure
ktap.py splats LOG                  print one normalised signature per splat
ktap.py newsplats LOG BASE_SIGS     print splats of LOG not in BASE_SIGS, exit 1 if any
ktap.py kmemleak LOG                print kmemleak reports of objects the series allocated, exit 1 if any
ktap.py testsplats LOG              print splats from the start of KUnit on, exit 1 if any;
                                    splats of the boot before it are listed, not counted
"""
import fnmatch
import re
import sys

PREFIX = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(\s*)(not ok|ok) (\d+) (\S+)(?:\s*#\s*(\S+))?')

SPLAT = [
    (re.compile(r'WARNING: (?:CPU: \d+ PID: \d+ )?.*?\b(\S+\.[ch]:\d+)'), lambda m: 'WARNING at ' + m.group(1)),
    (re.compile(r'WARNING: (possible .*|inconsistent lock state|suspicious RCU usage.*|bad unlock balance.*|held lock freed.*|lock held when returning.*|Nested lock was not taken|circular locking.*)'),
     lambda m: 'LOCKDEP ' + m.group(1)),
    (re.compile(r'(DEBUG_LOCKS_WARN_ON\(.*\))'), lambda m: m.group(1)),
    (re.compile(r'BUG: (KASAN: [\w-]+) in ([\w.]+)'), lambda m: 'BUG ' + m.group(1) + ' in ' + m.group(2)),
    (re.compile(r'BUG: (.*)'), lambda m: 'BUG ' + re.sub(r'0x[0-9a-f]+|\d+', 'N', m.group(1))),
    (re.compile(r'INFO: task (\S+):\d+ blocked for more than'), lambda m: 'HUNG ' + m.group(1)),
    (re.compile(r'(unreferenced object) 0x'), lambda m: 'KMEMLEAK ' + m.group(1)),
    (re.compile(r'(Kernel panic - not syncing: .*)'), lambda m: re.sub(r'\d+', 'N', m.group(1))),
    (re.compile(r'(general protection fault|Oops:)'), lambda m: m.group(1)),
    (re.compile(r'ODEBUG: (\w+ \w+) .*object type: (\S+)'), lambda m: 'ODEBUG ' + m.group(1) + ' ' + m.group(2)),
]


def lines(path):
    with open(path, errors='replace') as f:
        for line in f:
            yield PREFIX.sub('', line.rstrip('\r\n'))


def parse(path):
    """Return [(suite, result, passed, failed, skipped)] for top-level suites.

    KTAP: a suite's cases report at an indent of four spaces, its own result
    line has none; parameterised sub-cases (deeper) are summed up by their
    case line.
    """
    suites = []
    counts = {'pass': 0, 'fail': 0, 'skip': 0}
    for line in lines(path):
        m = RESULT.match(line)
        if not m:
            continue
        indent, res, _, name, directive = m.groups()
        kind = 'skip' if directive == 'SKIP' else ('pass' if res == 'ok' else 'fail')
        if len(indent) == 0:
            status = {'skip': 'SKIP', 'pass': 'PASS', 'fail': 'FAIL'}[kind]
            suites.append((name, status, counts['pass'], counts['fail'], counts['skip']))
            counts = {'pass': 0, 'fail': 0, 'skip': 0}
        elif len(indent) == 4:
            counts[kind] += 1
    return suites


def splats(path, since=None, until='kmemleak-init: report begins'):
    """Splat signatures; with since, only from that line on; never in the
    kmemleak report, which the kmemleak command judges."""
    out = []
    started = since is None
    for line in lines(path):
        if line.startswith(until):
            break
        if not started:
            started = line.startswith(since)
            continue
        for rx, sig in SPLAT:
            m = rx.search(line)
            if m:
                out.append(sig(m))
                break
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == 'table':
        globs = sys.argv[3:] or ['*']
        rows = [s for s in parse(path) if any(fnmatch.fnmatch(s[0], g) for g in globs)]
        done = any('reboot: Power down' in l or 'kunit_shutdown' in l for l in lines(path))
        w = max([len(r[0]) for r in rows] + [5])
        print(f"{'suite':<{w}}  result  pass  fail  skip")
        for name, st, p, f, s in rows:
            print(f"{name:<{w}}  {st:<6}  {p:>4}  {f:>4}  {s:>4}")
        bad = [r for r in rows if r[1] == 'FAIL']
        if not rows:
            print('no suite matched', ' '.join(globs))
            sys.exit(1)
        if not done:
            print('the guest did not power off: the run did not complete')
            sys.exit(1)
        sys.exit(1 if bad else 0)
    if cmd == 'splats':
        for s in splats(path):
            print(s)
        return
    if cmd == 'newsplats':
        base = set(l.strip() for l in open(sys.argv[3]))
        new = [s for s in splats(path) if s not in base]
        for s in new:
            print('new splat:', s)
        sys.exit(1 if new else 0)
    if cmd == 'testsplats':
        boot = [x for x in splats(path) if x not in splats(path, 'KTAP version 1')]
        for x in boot:
            print('boot splat before KUnit started (not counted):', x)
        new = splats(path, 'KTAP version 1')
        for x in new:
            print('splat:', x)
        sys.exit(1 if new else 0)
    if cmd == 'kmemleak':
        ours = re.compile(r'xe_autoreset|xe_svm_unmapped|xe_svm_reset|xe_vm_reset_mem_attrs|'
                          r'xe_vma_set_default_mem_attrs|xe_vm_kunit|drm_pagemap|\bar_')
        text = [l for l in lines(path)]
        try:
            b = text.index('kmemleak-init: report begins')
            e = text.index('kmemleak-init: report ends')
        except ValueError:
            sys.exit('no kmemleak report in the log')
        blocks, cur = [], []
        for l in text[b + 1:e]:
            if l.startswith('unreferenced object') and cur:
                blocks.append(cur)
                cur = []
            cur.append(l)
        if cur:
            blocks.append(cur)
        bad = [bl for bl in blocks if any(ours.search(x) for x in bl)]
        print(f'kmemleak: {len(blocks)} unreferenced objects, {len(bad)} allocated by the series')
        for bl in bad:
            print('\n'.join(bl))
        sys.exit(1 if bad else 0)
    sys.exit('usage: ktap.py table|splats|newsplats|kmemleak LOG ...')


if __name__ == '__main__':
    main()
