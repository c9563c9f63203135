#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make series: one mbox per series of series/SERIES, build/DIR-vN.mbox,
# for git send-email. Each message is addressed with get_maintainer.pl
# (the lists To, the people Cc; the cover letter gets the union of its
# series), threaded under its cover letter (Message-Id, In-Reply-To),
# with every header on one line (b4 and Python's email package refuse
# folded ones), and signed by the sender: the From: header and the
# Signed-off-by: trailer of the identity the series was exported with
# become `git config user.name` and `user.email` of whoever runs this.
# `git am` of the mboxes on a fresh base, in order, reproduces the series
# tree, as does `b4 am` of each (make test checks both).
#
# The sender must be a real identity: an unset one, or one in a reserved
# or no-reply domain (the placeholder the series is kept with), is
# refused. DRY_RUN=1 writes the mboxes anyway, for the round-trip checks;
# they are not for sending.
#
# TREE= the tree whose MAINTAINERS to use (default build/linux).
# OUT= the directory for the mboxes (default build/).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
tree=${TREE:-$top/build/linux}
version=$(cat "$top/series/VERSION")
outdir=${OUT:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

name=$(git -C "$top" config user.name || true)
email=$(git -C "$top" config user.email || true)
# placeholder NAME EMAIL: true if the identity cannot sign a patch.
placeholder() {
	[ -n "$1" ] && [ -n "$2" ] || return 0
	case "${2##*@}" in
	"$2" | *.example | example.com | example.net | example.org | *.invalid | *.test | \
	localhost | *.localhost | *.local) return 0 ;;
	esac
	case "$2" in *noreply* | *no-reply*) return 0 ;; esac
	return 1
}
if placeholder "$name" "$email"; then
	if [ "${DRY_RUN:-0}" != 1 ]; then
		echo "series: '$name <$email>' cannot sign these patches (Developer's Certificate" >&2
		echo "of Origin): set git config user.name and user.email to your own identity," >&2
		echo "or use DRY_RUN=1 for mboxes that are not for sending" >&2
		exit 1
	fi
	echo "series: dry run as '$name <$email>': not for sending"
fi

# build/linux is made as `make` makes it (it may not exist yet, after a
# fresh clone or when only make test has run).
[ -n "${TREE:-}" ] || ensure_tree

# addresses KIND PATCH: the lists (KIND=l) or the people (KIND=p) for PATCH.
# By file only: the K: keyword patterns match words anywhere in a patch
# (a comment of the drm_pagemap test that names PREEMPT_RT would Cc the
# real-time maintainers and list).
addresses() {
	local opts=(--no-m --no-r --l)
	[ "$1" = p ] && opts=(--m --r --no-l)
	(cd "$tree" && scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-keywords \
		--no-rolestats --no-multiline --separator $'\n' --no-tree \
		"${opts[@]}" "$2" 2>/dev/null) | { grep -v '^$' || true; } | sort -u
}

stamp=$(date -u +%Y%m%d%H%M%S)
mkdir -p "$outdir"
while read -r d _; do
	mapfile -t patches < <(series_patches "$d")
	: > "$tmp/all.l"
	: > "$tmp/all.p"
	for p in "${patches[@]}"; do
		b=$(basename "$p")
		addresses l "$p" > "$tmp/$b.l"
		addresses p "$p" > "$tmp/$b.p"
		cat "$tmp/$b.l" >> "$tmp/all.l"
		cat "$tmp/$b.p" >> "$tmp/all.p"
	done
	sort -u "$tmp/all.l" -o "$tmp/all.l"
	sort -u "$tmp/all.p" -o "$tmp/all.p"
	# Every patch goes to all the series' lists, so that each list sees
	# the whole series; Cc the people get_maintainer.pl names for it,
	# the sender excepted.
	for p in "${patches[@]}"; do
		cp "$tmp/all.l" "$tmp/$(basename "$p").l"
	done
	cp "$tmp/all.l" "$tmp/0000-cover-letter.patch.l"
	cp "$tmp/all.p" "$tmp/0000-cover-letter.patch.p"
	out=$outdir/$d-v$version.mbox
	python3 - "$out" "$tmp" "$name" "$email" "$stamp.$d.v$version" \
		"$top/series/$d/0000-cover-letter.patch" "${patches[@]}" <<'PY'
import re, sys
out, tmp, name, email, mid, *msgs = sys.argv[1:]
domain = email.split('@', 1)[1]
sender = f'{name} <{email}>'

def unfold(head):
    return re.sub(r'\n[ \t]+', ' ', head)

def addr(path):
    return [a.strip() for a in open(path) if a.strip()]

res = []
for k, path in enumerate(msgs):
    text = open(path).read()
    # git format-patch's mbox separator; each message gets its own below.
    text = re.sub(r'\AFrom 0{40} .*\n', '', text)
    head, body = text.split('\n\n', 1)
    lines = unfold(head).split('\n')
    author = next(l[6:] for l in lines if l.startswith('From: '))
    base = path.rsplit('/', 1)[1]
    to = addr(f'{tmp}/{base}.l')
    cc = [a for a in addr(f'{tmp}/{base}.p') if email not in a]
    hdr = []
    for l in lines:
        if l.startswith('From: '):
            l = 'From: ' + sender
        if l.startswith('Subject: '):
            if to:
                hdr.append('To: ' + ', '.join(to))
            if cc:
                hdr.append('Cc: ' + ', '.join(cc))
        hdr.append(l)
    hdr.append(f'Message-Id: <{mid}.{k}@{domain}>')
    if k:
        hdr.append(f'In-Reply-To: <{mid}.0@{domain}>')
        hdr.append(f'References: <{mid}.0@{domain}>')
    # The trailers of the exported identity are the sender's: above the
    # --- line only, the notes below it are not signed.
    cut = body.find('\n---\n')
    top_, rest = (body, '') if cut < 0 else (body[:cut], body[cut:])
    top_ = top_.replace('Signed-off-by: ' + author, 'Signed-off-by: ' + sender)
    if k and 'Signed-off-by: ' + sender not in top_:
        sys.exit(f'{base}: no Signed-off-by: of the sender')
    res.append('From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n'
               + '\n'.join(hdr) + '\n\n' + (top_ + rest).rstrip('\n') + '\n')
open(out, 'w').write('\n'.join(res))
PY
	echo "series: ${out#$top/} ($(grep -c '^From 0000000000000000000000000000000000000000' "$out") messages)"
	echo "  To (lists):"
	sed 's/^/    /' "$tmp/all.l"
	echo "  Cc (people):"
	sed 's/^/    /' "$tmp/all.p"
done < <(series_list)
