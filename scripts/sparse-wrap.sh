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
# SPARSE_LOG: a file that gets the name of every file checked.
if [ -n "${SPARSE_LOG:-}" ]; then
	for a in "$@"; do last=$a; done
	echo "$last" >> "$SPARSE_LOG"
fi
exec sparse -D__typeof_unqual__=__typeof__ '-D__builtin_strlen(s)=(sizeof(s) - 1)' "$@"
