#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The mutation list of `make mutate` (tests/mutations).

mutate.py check LIST TREE          every mutation parses and its text occurs
                                   exactly once in its file; exit 1 otherwise
mutate.py ids LIST [ONLY]          print "ID FILE GLOB" per mutation (ONLY: a
                                   comma-separated list of IDs to keep)
mutate.py apply LIST ID TREE       apply one mutation to TREE's working tree
mutate.py table LIST RESULTS OUT   write the results table (markdown) to OUT;
                                   exit 1 unless every mutation was caught
                                   or is listed as equivalent

RESULTS holds "ID<TAB>RESULT<TAB>DETAIL" lines, RESULT one of caught,
missed, invalid.
"""
import os
import sys


def parse(path):
    muts, cur, errors = [], None, []
    for n, raw in enumerate(open(path), 1):
        line = raw.rstrip('\n')
        if line.startswith('#') or not line.strip():
            continue
        if line.startswith('== '):
            parts = [p.strip() for p in line[3:].split('|')]
            if len(parts) != 3 or not all(parts):
                errors.append(f'{path}:{n}: want "== ID | FILE | GLOB"')
                cur = None
                continue
            cur = {'id': parts[0], 'file': parts[1], 'glob': parts[2],
                   'why': '', 'equivalent': '', 'old': [], 'new': [], 'line': n}
            muts.append(cur)
            continue
        if cur is None:
            errors.append(f'{path}:{n}: text outside a mutation')
            continue
        if line.startswith('why:'):
            cur['why'] = line[4:].strip()
        elif line.startswith('equivalent:'):
            cur['equivalent'] = line[11:].strip()
        elif line.startswith('-'):
            if cur['new']:
                errors.append(f'{path}:{n}: "-" after "+" ({cur["id"]})')
            cur['old'].append(line[1:].strip())
        elif line.startswith('+'):
            cur['new'].append(line[1:].strip())
        else:
            errors.append(f'{path}:{n}: unknown line {line!r}')
    seen = set()
    for m in muts:
        if m['id'] in seen:
            errors.append(f'{path}:{m["line"]}: duplicate id {m["id"]}')
        seen.add(m['id'])
        if not m['old']:
            errors.append(f'{path}:{m["line"]}: {m["id"]} has no "-" line')
        if not m['why']:
            errors.append(f'{path}:{m["line"]}: {m["id"]} has no "why:"')
    return muts, errors


def find(m, tree):
    """The (index, lines) of the one place m's old text is in its file."""
    p = os.path.join(tree, m['file'])
    try:
        lines = open(p).read().split('\n')
    except OSError as e:
        return None, None, f'{m["id"]}: {e}'
    k = len(m['old'])
    hits = [i for i in range(len(lines) - k + 1)
            if all(lines[i + j].strip() == m['old'][j] for j in range(k))]
    if len(hits) != 1:
        return None, None, f'{m["id"]}: its text occurs {len(hits)} times in {m["file"]}, not once'
    return hits[0], lines, None


def cmd_check(listing, tree):
    muts, errors = parse(listing)
    for m in muts:
        _, _, err = find(m, tree)
        if err:
            errors.append(err)
    for e in errors:
        print(f'mutate: {e}')
    if not muts:
        print(f'mutate: {listing} lists no mutation')
        return 1
    return 1 if errors else 0


def cmd_ids(listing, only=None):
    muts, errors = parse(listing)
    if errors:
        return 1
    keep = set(only.split(',')) if only else None
    for m in muts:
        if keep is None or m['id'] in keep:
            print(m['id'], m['file'], m['glob'])
    return 0


def cmd_apply(listing, ident, tree):
    muts, _ = parse(listing)
    m = next((x for x in muts if x['id'] == ident), None)
    if m is None:
        print(f'mutate: no mutation {ident}')
        return 1
    i, lines, err = find(m, tree)
    if err:
        print(f'mutate: {err}')
        return 1
    first = lines[i]
    indent = first[:len(first) - len(first.lstrip())]
    lines[i:i + len(m['old'])] = [indent + t for t in m['new']]
    with open(os.path.join(tree, m['file']), 'w') as f:
        f.write('\n'.join(lines))
    return 0


def cmd_table(listing, results, out):
    muts, _ = parse(listing)
    got = {}
    for line in open(results):
        parts = line.rstrip('\n').split('\t')
        if len(parts) >= 2:
            got[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else '')
    rows, bad = [], 0
    counts = {'caught': 0, 'equivalent': 0, 'missed': 0, 'invalid': 0, 'not run': 0}
    for m in muts:
        res, detail = got.get(m['id'], ('not run', ''))
        shown = res
        if res == 'missed' and m['equivalent']:
            shown = 'equivalent'
            detail = m['equivalent']
        elif res == 'missed':
            shown = '**MISSED**'
        if res == 'caught' and m['equivalent']:
            detail += ' (listed as equivalent: the listing is wrong)'
            bad = 1
        key = 'equivalent' if shown == 'equivalent' else res
        counts[key] = counts.get(key, 0) + 1
        if res in ('missed', 'invalid', 'not run') and shown != 'equivalent':
            bad = 1
        rows.append(f'| `{m["id"]}` | `{os.path.basename(m["file"])}` | {m["why"]} | {shown} | {detail} |')
    summary = ', '.join(f'{v} {k}' for k, v in counts.items() if v)
    with open(out, 'w') as f:
        f.write('| mutation | file | the bug it models | result | caught by |\n')
        f.write('| --- | --- | --- | --- | --- |\n')
        f.write('\n'.join(rows) + '\n')
        f.write(f'\n{len(muts)} mutations: {summary}.\n')
    print(f'mutate: {len(muts)} mutations: {summary}')
    return bad


def main():
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == 'check':
        return cmd_check(a[1], a[2])
    if len(a) >= 2 and a[0] == 'ids':
        return cmd_ids(a[1], a[2] if len(a) > 2 else None)
    if len(a) == 4 and a[0] == 'apply':
        return cmd_apply(a[1], a[2], a[3])
    if len(a) == 4 and a[0] == 'table':
        return cmd_table(a[1], a[2], a[3])
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
