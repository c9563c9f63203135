#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's sparse (0.6.4) predates __typeof_unqual__, and kbuild turns C=1
# off silently when the checker cannot parse it. Map it to __typeof__,
# which is what it degrades to for sparse's purposes.
exec sparse -D__typeof_unqual__=__typeof__ "$@"
