/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included by scripts/sparse-wrap.sh into every file it gives sparse, and
 * only there (the compiler never sees it): sparse prints this warning
 * when it starts on the file, which proves it ran.
 */
#warning "sparse-canary: sparse is checking this file"
