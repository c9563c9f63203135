#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make coverage's host side (scripts/coverage.sh).

covreport.py decode LOG OBJDIR GCDA...
    Write the .gcda files that tools/gcov-init.c printed on the console
    (LOG) into OBJDIR, next to their .gcno files. Exit 1 if the copy is not
    whole: a "cannot" line, no "done" line, a file whose size or CRC32 is
    not what its "end" line says, a path outside OBJDIR, or one of the
    expected GCDA paths (relative to OBJDIR) missing.

covreport.py report [options] SRC...
    Run gcov on each SRC (a path in the tree) with the counters in OBJDIR,
    keep the lines the series adds or changes in it (git diff -U0
    BASE..HEAD) that gcov counts as executable, and print per file: those
    lines, how many ran, the branches on them that were taken, and every
    line that never ran, with its reason from the reasons file where it
    has one. Writes the table to --out and the report under the marker of
    --doc. Exit 1 if gcov fails or finds no counters, if no added
    executable line is found at all, or if an entry of the reasons file
    names no unreached line (a stale reason).

Reasons file: one entry a line, "FILE REGEX | reason": FILE is the path in
the tree, REGEX (Python, no spaces; \\s for one) is searched in
"FUNCTION: TEXT" of each unreached added line of that file, FUNCTION being
the function gcov puts the line in and TEXT the line without its leading
and trailing blanks. '#' starts a comment line.
"""
import argparse
import base64
import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

LINE = re.compile(r'^gcov-init: (begin|data|end|done|cannot|copying)\b ?(.*)$')


def decode(log, objdir, expected):
    prefix = os.path.realpath(objdir).lstrip('/') + '/'
    ok = True
    done = None
    cur = None
    written = set()
    for raw in open(log, 'rb'):
        line = raw.decode('ascii', 'replace').rstrip('\r\n').rstrip('\r')
        m = LINE.match(line)
        if not m:
            continue
        kind, rest = m.groups()
        if kind == 'cannot':
            print(f'coverage: the guest says: {line}')
            ok = False
        elif kind == 'begin':
            if cur is not None:
                print(f'coverage: {cur[0]} has no end line')
                ok = False
            cur = (rest, [])
        elif kind == 'data':
            if cur is None:
                print('coverage: a data line outside a file')
                ok = False
            else:
                cur[1].append(rest)
        elif kind == 'end':
            parts = rest.split()
            if cur is None or len(parts) != 3 or parts[0] != cur[0]:
                print(f'coverage: unexpected end line: {line}')
                ok = False
                cur = None
                continue
            name, size, crc = parts
            try:
                data = base64.b64decode(''.join(cur[1]), validate=True)
            except ValueError:
                data = None
            cur = None
            if data is None or len(data) != int(size) or '%08x' % zlib.crc32(data) != crc:
                print(f'coverage: {name}: corrupt copy (size or CRC32 does not match)')
                ok = False
                continue
            if not name.startswith(prefix) or '..' in name.split('/'):
                print(f'coverage: {name} is not in {objdir}')
                ok = False
                continue
            rel = name[len(prefix):]
            with open(os.path.join(objdir, rel), 'wb') as f:
                f.write(data)
            written.add(rel)
        elif kind == 'done':
            done = int(rest) if rest.isdigit() else -1
    if cur is not None:
        print(f'coverage: {cur[0]} has no end line')
        ok = False
    if done is None:
        print('coverage: the guest did not finish copying the counters (no "gcov-init: done")')
        ok = False
    elif done != len(written):
        print(f'coverage: the guest copied {done} files, {len(written)} arrived whole')
        ok = False
    for e in expected:
        if e not in written:
            print(f'coverage: no counters for {e}')
            ok = False
    print(f'coverage: {len(written)} .gcda files from the guest')
    return 0 if ok else 1


def added_lines(tree, base, src):
    """Line numbers (new side) the series adds or changes in src."""
    out = subprocess.run(['git', '-C', tree, 'diff', '-U0', '--no-color', f'{base}..HEAD', '--', src],
                         check=True, capture_output=True, text=True).stdout
    lines = set()
    for m in re.finditer(r'^@@ -\S+ \+(\d+)(?:,(\d+))? @@', out, re.M):
        start, n = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
        lines.update(range(start, start + n))
    return lines


def run_gcov(gcov, tree, objdir, src, work):
    """gcov's JSON for src: {line: (count, [branch counts])}, and its
    functions as (first line, last line, name)."""
    obj = os.path.join(objdir, os.path.dirname(src))
    stem = os.path.splitext(os.path.basename(src))[0]
    for ext in ('.gcno', '.gcda'):
        if not os.path.isfile(os.path.join(obj, stem + ext)):
            raise RuntimeError(f'{src}: no {stem}{ext} in {obj}')
    r = subprocess.run([gcov, '--json-format', '--branch-probabilities', '--branch-counts',
                        '--object-directory', obj,
                        os.path.join(tree, src)], cwd=work, capture_output=True, text=True)
    if r.returncode != 0 or re.search(r'cannot open|stamp mismatch|version|overflow|corrupt',
                                      r.stderr, re.I):
        raise RuntimeError(f'{src}: gcov failed ({r.returncode}): {r.stderr.strip()}')
    path = os.path.join(work, stem + '.gcov.json.gz')
    doc = json.load(gzip.open(path, 'rt'))
    os.unlink(path)
    want = os.path.realpath(os.path.join(tree, src))
    cwd = doc.get('current_working_directory', '')
    for f in doc['files']:
        if os.path.realpath(os.path.join(cwd, f['file'])) != want:
            continue
        res = {}
        for ln in f['lines']:
            n = ln['line_number']
            count, br = res.get(n, (0, []))
            res[n] = (max(count, ln['count']), br + [b['count'] for b in ln.get('branches', [])])
        funcs = [(fn['start_line'], fn['end_line'], fn['name']) for fn in f.get('functions', [])]
        return res, funcs
    raise RuntimeError(f'{src}: gcov has no lines of it (files: {[f["file"] for f in doc["files"]]})')


def enclosing(funcs, text, n):
    """The innermost function of gcov's list that holds line n; for a
    function gcov does not list (inlined everywhere), the definition above
    line n in the source (kernel style: its head starts the line)."""
    best = None
    for first, last, name in funcs:
        if first <= n <= last and (best is None or first > best[0]):
            best = (first, name)
    if best:
        return best[1]
    for i in range(n - 2, -1, -1):
        line = text[i]
        if line.startswith('}'):
            break
        m = re.match(r'^[A-Za-z_][\w\s*]*?\b([A-Za-z_]\w*)\s*\(', line)
        if m and not line.rstrip().endswith(';'):
            return m.group(1)
    return '?'


def read_reasons(path):
    out = []
    for n, line in enumerate(open(path), 1):
        s = line.strip()
        if not s or s.startswith('#'):
            continue
        m = re.match(r'^(\S+)\s+(\S+)\s+\|\s*(\S.*)$', s)
        if not m:
            raise SystemExit(f'{path}:{n}: not "FILE REGEX | reason": {s}')
        out.append({'file': m.group(1), 're': re.compile(m.group(2)), 'src': m.group(2),
                    'reason': m.group(3).strip(), 'where': f'{os.path.basename(path)}:{n}', 'used': 0})
    return out


def pct(a, b):
    return f'{100.0 * a / b:.1f}%' if b else 'n/a'


def report(a):
    reasons = read_reasons(a.reasons)
    os.makedirs(a.work, exist_ok=True)
    rows = []
    unreached = []
    tot = [0, 0, 0, 0, 0, 0, 0]
    failed = False
    for src in a.srcs:
        text = open(os.path.join(a.tree, src), errors='replace').read().split('\n')
        added = added_lines(a.tree, a.base, src)
        try:
            cov, funcs = run_gcov(a.gcov, a.tree, a.obj, src, a.work)
        except RuntimeError as e:
            print(f'coverage: {e}')
            failed = True
            continue
        execl = sorted(n for n in added if n in cov)
        reached = [n for n in execl if cov[n][0] > 0]
        brs = [c for n in execl for c in cov[n][1]]
        taken = sum(1 for c in brs if c > 0)
        missed = [n for n in execl if cov[n][0] == 0]
        with_reason = 0
        for n in missed:
            line = text[n - 1].strip() if n <= len(text) else ''
            func = enclosing(funcs, text, n)
            why = None
            for r in reasons:
                if r['file'] == src and r['re'].search(f'{func}: {line}'):
                    r['used'] += 1
                    why = r['reason']
                    break
            with_reason += why is not None
            unreached.append((src, n, func, line, why))
        rows.append((src, len(added), len(execl), len(reached), taken, len(brs), with_reason,
                     len(missed) - with_reason))
        for i, v in enumerate(rows[-1][1:]):
            tot[i] += v
    lines = ['| file | added lines | executable | reached | lines % | branches taken | branches % '
             '| unreached: reason | unreached: none |',
             '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    for src, ad, ex, re_, tk, br, wr, nr in rows + [('**total**',) + tuple(tot)]:
        lines.append(f'| {src} | {ad} | {ex} | {re_} | {pct(re_, ex)} | {tk}/{br} | {pct(tk, br)} '
                     f'| {wr} | {nr} |')
    table = '\n'.join(lines) + '\n'
    ulist = []
    for src, n, func, line, why in unreached:
        code = line.replace('`', "'")
        ulist.append(f'- `{src}:{n}` ({func}): `{code}`: ' + (f'{why}' if why else '**no reason**'))
    unl = '\n'.join(ulist) + '\n' if ulist else 'None.\n'
    stale = [r for r in reasons if not r['used']]
    with open(a.out, 'w') as f:
        f.write(table + '\n' + unl)
    print(table)
    print('Unreached added lines:')
    print(unl)
    if stale:
        for r in stale:
            print(f'coverage: {r["where"]}: "{r["file"]} {r["src"]}" names no unreached line (stale reason)')
        failed = True
    if tot[1] == 0:
        print('coverage: no added executable line found: nothing was measured')
        failed = True
    if failed:
        return 1
    doc = a.doc
    old = open(doc).read() if os.path.exists(doc) else ''
    head, sep, _ = old.partition('<!-- report -->')
    if not sep:
        head = '# Coverage\n\n'
    gen = f"""<!-- report -->
Produced by `make coverage` on {datetime.date.today()}: the series on
{a.kernel}, {a.compiler}, {a.gcov_version}; KUnit run with
`{a.cmdline}`, its suites: {a.suites}. Lines are those the series adds or
changes in each file (`git diff -U0 series-base..HEAD`) that gcov counts
as executable; branches are gcov's, on those lines. Commands, in
`build/cov/`: `{a.build_cmd}`, then
`{os.path.basename(a.gcov)} --json-format --branch-probabilities --branch-counts --object-directory OBJ/DIR SRC`
for each file.

{table}
### Unreached lines

Each with its reason from `configs/coverage-reasons`, or **no reason**
where none is known.

{unl}"""
    with open(doc, 'w') as f:
        f.write(head + gen)
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'decode':
        if len(sys.argv) < 4:
            raise SystemExit(__doc__)
        return decode(sys.argv[2], sys.argv[3], sys.argv[4:])
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument('cmd', choices=['report'])
    for opt in ('tree', 'base', 'obj', 'gcov', 'reasons', 'out', 'doc', 'work', 'kernel', 'compiler',
                'gcov-version', 'cmdline', 'suites', 'build-cmd'):
        p.add_argument('--' + opt, required=True)
    p.add_argument('srcs', nargs='+')
    return report(p.parse_args())


if __name__ == '__main__':
    sys.exit(main())
