#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read a KUnit console log: results per suite, completion, and splats.

ktap.py table LOG [SUITE...]        print a table of suites; exit 1 if a suite
                                    failed, a named suite (exact name) is
                                    missing, or the run did not complete
ktap.py complete LOG                exit 1 unless the run completed
ktap.py required LOG SUITE FILE     exit 1 unless every case FILE lists for
                                    SUITE ran and passed (a skip fails)
ktap.py cases LOG RUN FILE [SUITE...]
                                    exit 1 unless each SUITE (default: all that
                                    FILE lists) ran exactly the cases FILE lists
                                    for it, each passed or skipped with the
                                    reason FILE allows in RUN (kunit,
                                    kunit-upstream, debug-kunit)
ktap.py lockdep LOG [--report]      exit 1 unless lockdep was on at boot and
                                    nothing in the log turned it off; with
                                    --report, the guest's own account at the end
                                    (lockdep-state: debug_locks=1) must say on
ktap.py splats LOG                  print one signature (kind @ site) per splat
ktap.py newsplats LOG BASE_SIGS     print splats of LOG not in BASE_SIGS, exit 1 if any
ktap.py kmemleak LOG [ALLOW]        print kmemleak reports, exit 1 if any (but
                                    those ALLOW allows, with a reason), or if
                                    the report is missing or could not be read
ktap.py testsplats LOG              print splats from the start of KUnit on, exit 1 if any;
                                    splats of the boot before it are listed, not counted

A run is complete when the top-level KTAP plan (1..N) has all of its N
results and the guest powered off after the last one: the kernel command
line echoed at boot proves nothing.
"""
import re
import sys

PREFIX = re.compile(r'^\[\s*\d+\.\d+\]\s?')
RESULT = re.compile(r'^(\s*)(not ok|ok) (\d+) (\S+)(?:\s*#\s*(\S+)\s*(.*?))?\s*$')
PLAN = re.compile(r'^1\.\.(\d+)\s*$')
POWER_OFF = 'reboot: Power down'

# A splat's kind, from its first line. The site comes from the message when
# it names one (file:line, "in func"), else from the report that follows.
KINDS = [
    (re.compile(r'WARNING: (possible .*|inconsistent lock state|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning|Nested lock was not taken|circular locking|'
                r'\S+-safe -> \S+-unsafe lock order detected|chain_key collision|bad contention detected|\S+/\d+ still has locks held)'),
     lambda m: 'LOCKDEP ' + re.sub(r'\S+/\d+ still', 'TASK still', m.group(1))),
    (re.compile(r'WARNING: (?:CPU: \d+ PID: \d+ )?.*?\b(\S+\.[ch]:\d+)'), lambda m: 'WARNING'),
    (re.compile(r'(DEBUG_LOCKS_WARN_ON)\(.*\)'), lambda m: m.group(1)),
    # An uninitialized lock: lockdep reports it and turns itself off.
    (re.compile(r'INFO: trying to register (non-static key)'), lambda m: 'LOCKDEP ' + m.group(1)),
    (re.compile(r'BUG: (KASAN: [\w-]+) in ([\w.]+)'), lambda m: 'BUG ' + m.group(1)),
    (re.compile(r'BUG: ([^:]*?)(?: at | for |:|$)'), lambda m: 'BUG ' + re.sub(r'0x[0-9a-f]+|\d+', 'N', m.group(1)).strip()),
    # RCU CPU and task stalls, of any flavour: "rcu: INFO: rcu_sched
    # detected stalls on CPUs/tasks:", "rcu: INFO: rcu_preempt
    # self-detected stall on CPU", "... detected expedited stalls ...",
    # "INFO: rcu_tasks detected stalls on tasks:".
    (re.compile(r'INFO: (rcu\w*) (?:self-)?detected (?:expedited )?stalls?\b'), lambda m: 'RCU stall'),
    (re.compile(r'INFO: task \S+:\d+ blocked for more than'), lambda m: 'HUNG task'),
    (re.compile(r'(unreferenced object) 0x'), lambda m: 'KMEMLEAK ' + m.group(1)),
    (re.compile(r'(Kernel panic - not syncing: .*)'), lambda m: re.sub(r'\d+', 'N', m.group(1))),
    (re.compile(r'(general protection fault|Oops:)'), lambda m: m.group(1)),
    (re.compile(r'ODEBUG: (\w+ \w+) .*object type: (\S+)'), lambda m: 'ODEBUG ' + m.group(1) + ' ' + m.group(2)),
]
SITE_IN_MSG = [
    re.compile(r'\b([\w/.-]+\.[ch]:\d+)'),
    re.compile(r'BUG: KASAN: [\w-]+ in ([\w.]+)'),
]
FRAME = re.compile(r'^\s*(\?\s+)?([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+')
AT = re.compile(r'\bat: ([A-Za-z_][\w.]*)\+0x')
RIP = re.compile(r'^RIP: [0-9a-f]+:([A-Za-z_][\w.]*)\+0x')
# Frames that say how a report was raised or how a task waits, not where.
GENERIC = re.compile(
    r'^(dump_stack|show_stack|__dump_stack|__warn|warn_|report_bug|handle_bug|exc_|asm_exc|'
    r'__schedule|schedule|io_schedule|__mutex_lock|mutex_lock|__rwsem|rwsem_|down_|up_|_raw_|'
    r'lock_acquire|__lock_acquire|lock_release|lockdep_|register_lock_class|print_|check_|validate_chain|'
    r'__might|might_|__kasan|kasan_|kmem_cache|__kmalloc|kmalloc|__kfree|kfree|debug_|__debug|'
    r'wait_for_|__wait|wait_|__flush_work|flush_work|__cancel_work|cancel_|panic|'
    r'kunit_|kthread|ret_from_fork|worker_thread|process_one_work|do_syscall|entry_SYSCALL|'
    r'complete|__refcount|refcount_|rcu_|__rcu)')


def lines(path):
    with open(path, errors='replace') as f:
        for line in f:
            yield PREFIX.sub('', line.rstrip('\r\n'))


def parse(path):
    """Return [(suite, result, passed, failed, skipped, cases, why)] for
    top-level suites; cases maps a case name to PASS, FAIL or SKIP, why a
    skipped case to its reason (what follows "# SKIP").

    KTAP: a suite's cases report at an indent of four spaces, its own result
    line has none; parameterised sub-cases (deeper) are summed up by their
    case line.
    """
    suites = []
    cases = {}
    why = {}
    for line in lines(path):
        m = RESULT.match(line)
        if not m:
            continue
        indent, res, _, name, directive, reason = m.groups()
        kind = 'SKIP' if directive == 'SKIP' else ('PASS' if res == 'ok' else 'FAIL')
        if len(indent) == 0:
            n = {k: sum(1 for v in cases.values() if v == k) for k in ('PASS', 'FAIL', 'SKIP')}
            suites.append((name, kind, n['PASS'], n['FAIL'], n['SKIP'], cases, why))
            cases = {}
            why = {}
        elif len(indent) == 4:
            cases[name] = kind
            if kind == 'SKIP':
                why[name] = reason or ''
    return suites


def completed(path):
    """(True, '') if the top-level plan has all its results and the guest
    powered off after the last; else (False, why)."""
    plan = None
    results = 0
    off_after = False
    for line in lines(path):
        if plan is None:
            m = PLAN.match(line)
            if m:
                plan = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m and m.group(1) == '':
            results += 1
            off_after = False
        elif line.startswith(POWER_OFF):
            off_after = True
    if plan is None:
        return False, 'KUnit never started (no top-level KTAP plan)'
    if results < plan:
        return False, f'the run stopped after {results} of {plan} suites'
    if not off_after:
        return False, 'the guest did not power off after the last suite'
    return True, ''


def block_site(block):
    """Where a report points: a lockdep "at:" line, RIP, or the first frame
    of its trace that is not generic."""
    for line in block:
        m = AT.search(line)
        if m:
            return m.group(1)
    for line in block:
        m = RIP.match(line.strip())
        if m and not GENERIC.match(m.group(1)):
            return m.group(1)
    for line in block:
        m = FRAME.match(line)
        if m and not m.group(1) and not GENERIC.match(m.group(2)):
            return m.group(2)
    return '?'


def splats(path, since=None, until='kmemleak-init: report begins'):
    """Splat signatures, "KIND @ SITE"; with since, only from that line on;
    never in the kmemleak report, which the kmemleak command judges."""
    text = []
    started = since is None
    for line in lines(path):
        if line.startswith(until):
            break
        if not started:
            started = line.startswith(since)
            continue
        text.append(line)
    heads = []
    for i, line in enumerate(text):
        for rx, kind in KINDS:
            m = rx.search(line)
            if m:
                heads.append((i, kind(m), line))
                break
    out = []
    for k, (i, kind, line) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else len(text)
        site = None
        # A WARNING names its WARN_ON() and KASAN the faulting function;
        # other messages name a generic place (might_sleep() in the
        # allocator, say): their trace says where.
        if kind == 'WARNING' or kind.startswith('BUG KASAN'):
            for rx in SITE_IN_MSG:
                m = rx.search(line)
                if m:
                    site = m.group(1)
                    break
        if site is None:
            site = block_site(text[i + 1:min(end, i + 80)])
        out.append(f'{kind} @ {site}')
    return out


def cmd_table(path, names):
    rows = [s for s in parse(path) if not names or s[0] in names]
    w = max([len(r[0]) for r in rows] + [5])
    print(f"{'suite':<{w}}  result  pass  fail  skip")
    for name, st, p, f, s, _, _ in rows:
        print(f"{name:<{w}}  {st:<6}  {p:>4}  {f:>4}  {s:>4}")
    bad = 0
    seen = {r[0] for r in rows}
    for n in names:
        if n not in seen:
            print('missing suite:', n)
            bad = 1
    if not rows:
        print('no suite in the log')
        bad = 1
    if any(r[1] == 'FAIL' for r in rows):
        bad = 1
    ok, why = completed(path)
    if not ok:
        print('the run did not complete:', why)
        bad = 1
    return bad


def cmd_required(path, suite, listing):
    want = []
    for line in open(listing):
        line = line.split('#', 1)[0].split()
        if len(line) == 2 and line[0] == suite:
            want.append(line[1])
    got = {s[0]: s[5] for s in parse(path)}
    if suite not in got:
        print(f'required: suite {suite} did not run')
        return 1
    bad = 0
    for case in want:
        st = got[suite].get(case)
        if st != 'PASS':
            print(f'required case {suite}.{case}: {st or "did not run"}')
            bad = 1
    print(f'info: {suite}: {len(want)} required cases checked')
    return bad


RUNS = ('kunit', 'kunit-upstream', 'debug-kunit')


def read_cases(listing):
    """The expected cases of configs/series-cases: ({suite: [case...]},
    {(run, suite, case): skip message}, [format errors])."""
    want, skips, errors = {}, {}, []
    for n, raw in enumerate(open(listing), 1):
        line = raw.split('#', 1)[0].strip() if not raw.lstrip().startswith('skip ') else raw.strip()
        if not line:
            continue
        where = f'{listing}:{n}'
        if line.startswith('skip '):
            parts = [x.strip() for x in line.split('|')]
            head = parts[0].split()
            if len(parts) != 3 or len(head) != 4 or not parts[1] or not parts[2]:
                errors.append(f'{where}: a skip is "skip RUN SUITE CASE | MESSAGE | reason"')
                continue
            _, run, suite, case = head
            if run not in RUNS:
                errors.append(f'{where}: unknown run {run} (one of {", ".join(RUNS)})')
                continue
            skips[(run, suite, case)] = parts[1]
            continue
        f = line.split()
        if len(f) != 2:
            errors.append(f'{where}: an expected case is "SUITE CASE"')
            continue
        want.setdefault(f[0], [])
        if f[1] in want[f[0]]:
            errors.append(f'{where}: {f[0]} {f[1]} listed twice')
        want[f[0]].append(f[1])
    for (run, suite, case) in skips:
        if case not in want.get(suite, []):
            errors.append(f'{listing}: skip of {suite}.{case} in {run}: not an expected case')
    return want, skips, errors


def cmd_cases(path, run, listing, suites):
    """Each suite ran the cases the listing expects, no other; each passed,
    or skipped with the message the listing allows for this run."""
    want, skips, errors = read_cases(listing)
    for e in errors:
        print(e)
    if run not in RUNS:
        print(f'unknown run {run} (one of {", ".join(RUNS)})')
        return 1
    bad = 1 if errors else 0
    got = {s[0]: s for s in parse(path)}
    for suite in suites or list(want):
        if suite not in want:
            print(f'suite {suite}: no expected cases in {listing}')
            bad = 1
            continue
        if suite not in got:
            print(f'suite {suite}: did not run')
            bad = 1
            continue
        cases, why = got[suite][5], got[suite][6]
        passed = skipped = 0
        for case in want[suite]:
            st = cases.get(case)
            if st == 'PASS':
                passed += 1
            elif st == 'SKIP':
                allowed = skips.get((run, suite, case))
                if allowed is not None and allowed == why.get(case, ''):
                    skipped += 1
                    continue
                if allowed is not None:
                    print(f'case {suite}.{case}: skipped in {run} ("{why.get(case, "")}"), '
                          f'{listing} allows only "{allowed}"')
                else:
                    print(f'case {suite}.{case}: skipped in {run} ("{why.get(case, "")}"), '
                          f'not allowed by {listing}')
                bad = 1
            elif st == 'FAIL':
                print(f'case {suite}.{case}: failed')
                bad = 1
            else:
                print(f'case {suite}.{case}: did not run (deleted, renamed or not reached)')
                bad = 1
        for case in cases:
            if case not in want[suite]:
                print(f'case {suite}.{case}: ran but is not in {listing} (add it there)')
                bad = 1
        print(f'info: {suite}: {len(want[suite])} expected cases, {passed} passed, '
              f'{skipped} skipped as {listing.rsplit("/", 1)[-1]} allows in {run}')
    return bad


# What turns lockdep off, as the console shows it: its own reports (each
# ends lockdep for the rest of the run, whatever the site), the messages
# of debug_locks_off() paths, and a taint that makes it unreliable (a
# KASAN report, a bad page, a forced module).
LOCKDEP_BANNER = 'Lock dependency validator: Copyright'
LOCKDEP_OFF = re.compile(
    r'turning off the locking correctness validator|'
    r'Disabling lock debugging due to kernel taint|'
    r'INFO: lockdep is turned off|'
    r'DEBUG_LOCKS_WARN_ON\(|'
    r'INFO: trying to register non-static key|'
    r'BUG: (MAX_\w+ too low|Invalid wait context|looking up invalid subclass|key \S+ has not been registered)')
LOCKDEP_STATE = re.compile(r'^lockdep-state: (.*)$')


def cmd_lockdep(path, report):
    """Lockdep on at boot and still on at the end of the run."""
    lockdep_report = KINDS[0][0]
    banner = False
    suite = '(boot)'
    first = None
    state = None
    text = list(lines(path))
    for n, line in enumerate(text, 1):
        if LOCKDEP_BANNER in line:
            banner = True
        m = re.search(r'# Subtest: (\S+)', line)
        if m:
            suite = m.group(1)
        if first is None and (LOCKDEP_OFF.search(line) or lockdep_report.search(line)):
            first = (n, suite, line.strip())
        m = LOCKDEP_STATE.match(line)
        if m:
            state = m.group(1).strip()
    bad = 0
    if not banner:
        print('lockdep was not on in this run (no "Lock dependency validator" banner at boot)')
        bad = 1
    if first:
        print(f'lockdep was turned off during the run, in suite {first[1]} (line {first[0]}): '
              f'{first[2]}; everything after it ran without lockdep')
        site = block_site(text[first[0]:first[0] + 80])
        if site != '?':
            print(f'  at {site}')
        bad = 1
    if report:
        if state is None:
            print('the guest did not report lockdep\'s state at the end of the run (no lockdep-state: line)')
            bad = 1
        elif state != 'debug_locks=1':
            print(f'lockdep is not on at the end of the run: lockdep-state: {state}')
            bad = 1
    if not bad:
        print('info: lockdep: on from boot to the end of the run' +
              (' (debug_locks=1 in the guest)' if report else ''))
    return bad


def cmd_kmemleak(path, allow=None):
    # Every unreferenced object is a leak, whoever allocated it, but those
    # an allow-list entry names with its reason: "REGEX | reason", REGEX
    # searched in the report of the object (its backtrace).
    entries = []
    if allow:
        for n, raw in enumerate(open(allow), 1):
            raw = raw.strip()
            if not raw or raw.startswith('#'):
                continue
            rx, sep, reason = raw.partition('|')
            if not sep or not reason.strip() or not rx.strip():
                print(f'{allow}:{n}: an entry is "REGEX | reason"')
                return 1
            entries.append(re.compile(rx.strip()))
    text = list(lines(path))
    errors = [l for l in text if l.startswith('kmemleak-init: cannot')]
    for l in errors:
        print(l)
    try:
        b = text.index('kmemleak-init: report begins')
        e = text.index('kmemleak-init: report ends')
    except ValueError:
        print('no complete kmemleak report in the log')
        return 1
    if errors:
        return 1
    blocks, cur = [], []
    for l in text[b + 1:e]:
        if l.startswith('unreferenced object') and cur:
            blocks.append(cur)
            cur = []
        cur.append(l)
    if cur:
        blocks.append(cur)
    blocks = [bl for bl in blocks if bl[0].startswith('unreferenced object')]
    bad = [bl for bl in blocks if not any(r.search(x) for r in entries for x in bl)]
    print(f'kmemleak: {len(blocks)} unreferenced objects, {len(blocks) - len(bad)} of them allowed'
          f'{" by " + allow if allow else ""}: {len(bad)} leaks')
    for bl in bad:
        print('\n'.join(bl))
    return 1 if bad else 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == 'table':
        sys.exit(cmd_table(path, sys.argv[3:]))
    if cmd == 'complete':
        ok, why = completed(path)
        if not ok:
            print('the run did not complete:', why)
        sys.exit(0 if ok else 1)
    if cmd == 'required':
        sys.exit(cmd_required(path, sys.argv[3], sys.argv[4]))
    if cmd == 'cases':
        sys.exit(cmd_cases(path, sys.argv[3], sys.argv[4], sys.argv[5:]))
    if cmd == 'lockdep':
        sys.exit(cmd_lockdep(path, '--report' in sys.argv[3:]))
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
        sys.exit(cmd_kmemleak(path, sys.argv[3] if len(sys.argv) > 3 else None))
    sys.exit(__doc__)


if __name__ == '__main__':
    main()
