#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bump: start the next version of the series. Increments
# series/VERSION and adds a "vN:" change log entry to the note of every
# patch (series/notes/, below the --- line), to be edited before sending;
# make test checks that every patch has one once VERSION > 1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
old=$(cat "$top/series/VERSION")
new=$((old + 1))
echo "$new" > "$top/series/VERSION"
mkdir -p "$top/series/notes"
for p in $(series_patches); do
	name=$(basename "$p" .patch)
	note=$top/series/notes/${name#[0-9][0-9][0-9][0-9]-}.txt
	{
		echo "v$new:"
		echo "- no changes"
		[ -s "$note" ] && { echo; cat "$note"; }
	} > "$note.new"
	mv "$note.new" "$note"
done
echo "series: now v$new; edit the v$new: entries in series/notes/, then make export"
