#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's sparse (0.6.4) predates two things 7.3's headers use:
# - __typeof_unqual__: kbuild turns C=1 off silently when the checker
#   cannot parse it. Map it to __typeof__, which is what it degrades to
#   for sparse's purposes.
# - __builtin_strlen() in a constant expression: every MODULE_INFO()
#   (MODULE_LICENSE, MODULE_DESCRIPTION, ...) static_asserts on it, and
#   sparse 0.6.4 reports "bad constant expression" at each of them, in
#   base files and new files alike. The macros are only ever given
#   string literals there, so the literal's size is the same value; gcc
#   still performs the real check when it compiles the file.
# SPARSE_LOG: a file that gets "FILE STATUS" for every file once sparse is
# through with it. Proof that sparse went through FILE, not only that this
# wrapper was invoked: STATUS is sparse's exit status (0 even when it
# reports errors; 126 or 127 when it cannot start, above 128 when it
# crashed), or "silent" when it exited without the warning of the
# #warning in sparse-canary.h, which it includes ahead of everything else
# (that line is not passed on). SPARSE_BIN: another program (the
# self-test's).
err=$(mktemp)
trap 'rm -f "$err"' EXIT
${SPARSE_BIN:-sparse} -include "$(dirname "$0")/sparse-canary.h" \
	-D__typeof_unqual__=__typeof__ '-D__builtin_strlen(s)=(sizeof(s) - 1)' "$@" 2> "$err"
rc=$?
# The canary's warning, and the note before it that says where it comes
# from, are not passed on.
awk '/sparse-canary: sparse is checking this file/ { held = ""; next }
	{ if (held != "") print held; held = "" }
	/^command-line: note: in included file/ { held = $0; next }
	{ print }
	END { if (held != "") print held }' "$err" >&2
if [ -n "${SPARSE_LOG:-}" ]; then
	for a in "$@"; do last=$a; done
	grep -q 'sparse-canary: sparse is checking this file' "$err" || rc=silent
	echo "$last $rc" >> "$SPARSE_LOG"
fi
[ "$rc" = silent ] && exit 1
exit $rc
