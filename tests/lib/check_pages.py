#!/usr/bin/python3
"""check_pages.py DIR - every page of an unzipped bundle works from disk.

For each .html file under DIR: the <html> element has a lang attribute; every
href, src and poster (a, link, img, video, audio, source, track) is relative,
points at no other host, and resolves to a file inside DIR; a #fragment names
an id of the target page; no page loads a script. Prints each problem as
PAGE: problem and exits 1 if there is any.
"""
import os
import sys
import urllib.parse
from html.parser import HTMLParser

ATTRS = {"href", "src", "poster"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []
        self.ids = set()
        self.lang = None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)
            if name in ATTRS and value is not None:
                self.refs.append((tag, name, value))
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "script":
            self.scripts += 1


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    return page


def main(root):
    problems = []
    pages = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(dirpath, name)
                pages[os.path.normpath(path)] = parse(path)
    if not pages:
        problems.append(f"{root}: no pages")
    for path, page in sorted(pages.items()):
        rel = os.path.relpath(path, root)
        if not page.lang:
            problems.append(f"{rel}: <html> has no lang attribute")
        if page.scripts:
            problems.append(f"{rel}: loads a script")
        for tag, attr, value in page.refs:
            url = urllib.parse.urlsplit(value)
            if url.scheme in ("mailto", "tel"):
                continue
            if url.scheme or url.netloc or value.startswith("//"):
                problems.append(f"{rel}: <{tag} {attr}> refers to another host: {value}")
                continue
            target = path
            if url.path:
                target = os.path.normpath(
                    os.path.join(os.path.dirname(path), urllib.parse.unquote(url.path)))
            if not os.path.realpath(target).startswith(os.path.realpath(root) + os.sep):
                problems.append(f"{rel}: <{tag} {attr}> leaves the bundle: {value}")
                continue
            if not os.path.isfile(target):
                problems.append(f"{rel}: <{tag} {attr}> names no file: {value}")
                continue
            if url.fragment and target.endswith(".html"):
                frag = urllib.parse.unquote(url.fragment)
                if frag not in pages[target].ids:
                    problems.append(f"{rel}: <{tag} {attr}> names no id '{frag}' in "
                                    f"{os.path.relpath(target, root)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
