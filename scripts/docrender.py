#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Are the series' DOC sections on the rendered pages?

docrender.py TREE HTMLDIR TITLE...
docrender.py --words TREE TITLE      print the words looked for

For each TITLE, the "DOC: TITLE" comment in TREE's C sources gives the
opening words of its text; they must be in the text of an HTML page under
HTMLDIR. The title itself is no proof: a `.. kernel-doc:: :doc: TITLE`
directive renders the section's text, not its title, and the copies of the
.rst sources Sphinx keeps (_sources/) hold the title whether or not
anything rendered. Exits 1 if a section is not rendered (or not found).
"""
import html
import os
import re
import subprocess
import sys

WORDS = 8


def doc_words(tree, title):
    """The first WORDS words of the DOC section's text, markup dropped."""
    files = subprocess.run(['git', '-C', tree, 'grep', '-l', '-F', 'DOC: ' + title, '--',
                            '*.c', '*.h'], capture_output=True, text=True).stdout.split()
    for f in files:
        text = open(os.path.join(tree, f), errors='replace').read()
        m = re.search(r'^\s*\*\s*DOC:\s*' + re.escape(title) + r'\s*\n(.*?)\*/', text, re.M | re.S)
        if not m:
            continue
        body = [re.sub(r'^\s*\*\s?', '', l) for l in m.group(1).split('\n')]
        words = ' '.join(l for l in body if l.strip()).split()
        return [re.sub(r'^[%&@`]+|[`]+$', '', w) for w in words[:WORDS]]
    return None


def page_text(path):
    t = re.sub(r'<[^>]+>', ' ', open(path, errors='replace').read())
    return ' '.join(html.unescape(t).split())


def main():
    if sys.argv[1] == '--words':
        print(' '.join(doc_words(sys.argv[2], sys.argv[3]) or []))
        return
    tree, htmldir, titles = sys.argv[1], sys.argv[2], sys.argv[3:]
    pages = []
    for root, dirs, files in os.walk(htmldir):
        dirs[:] = [d for d in dirs if d != '_sources']
        pages += [page_text(os.path.join(root, f)) for f in files if f.endswith('.html')]
    bad = 0
    for title in titles:
        words = doc_words(tree, title)
        if not words:
            print(f'docs: no "DOC: {title}" in the sources')
            bad = 1
            continue
        phrase = ' '.join(words)
        if any(phrase in p for p in pages):
            print(f'info: rendered: "{title}" ("{phrase} ...")')
        else:
            print(f'docs: "{title}" is not on any rendered page (no "{phrase}")')
            bad = 1
    sys.exit(bad)


if __name__ == '__main__':
    main()
