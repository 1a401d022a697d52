"""The story's own words in a saved page: the page parsed once, what a reader never sees as the story
pruned, then trafilatura finds the article.

Each pruning rule was measured on public pages (bench/extraction_variants.py, fit half; figures in
docs/benchmarks.md, "Saved pages: body precision"):
- text shown on hover (a link's "rollover" card), which trafilatura runs into the sentence after the
  link's own words: a name read twice and a stranger's headline inside the quote;
- a list whose every item is a short link, with its short heading (an in-article promo list such as
  the BBC's "- HOPE AND LOSS: Your coronavirus stories", "Partner news", "Editors' picks");
- a paragraph that only points elsewhere ("Read more: …"), or a short one that asks the reader to sign
  up, subscribe or write in, or states the site's copyright.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

# How trafilatura is asked (bench/extraction_variants.py): tables are story (scores, results), comments never.
EXTRACTION: dict[str, Any] = {"include_comments": False, "include_tables": True}

# Hover cards, tooltips and pop-overs: hidden until the pointer is over a link.
_HOVER = re.compile(r"(?:^|[\s_-])(?:rollover-\w+-block|tooltip|popover|hovercard)(?:$|[\s_-])", re.I)
# A promo list's item: a few words, most of them a link's.
_PROMO_ITEM_WORDS = 14
_PROMO_LINK_SHARE = 0.5
# A line that only sends the reader elsewhere.
_POINTER = re.compile(
    r"^(?:read more|read also|also read|more|related|see also|watch|listen|must read|recommended|"
    r"more on this|more from [\w .]+|click here)\s*(?::|\||»|>>|-|–)\s*\S",
    re.I,
)
# A short paragraph that asks something of the reader (sign up, subscribe, write in) or states the
# site's rights: the outlet speaking, never the story.
_ASK = re.compile(
    r"^(?:©|copyright\b)|all rights reserved|\bsign(?:ing)? up\b.{0,40}\b(?:newsletter|email|free|here|today)"
    r"|\bnewsletter\b.{0,40}\bsign(?:ing)? up|subscribe (?:to|now|today|here)|already a subscriber"
    r"|we want to hear|letters? to the editor|references to products from|by email and never miss"
    r"|copyrighted property of|(?:advertise|contact us) (?:with|at)",
    re.I,
)
_ASK_WORDS = 45
_LINES = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\u00a0]+")


def parse(data: bytes) -> HtmlElement | None:
    """The page's tree, decoded as trafilatura decodes it (None when it is no HTML)."""
    try:
        tree = load_html(data)
    except Exception:  # noqa: BLE001 -- any page, however broken, is one line for the user, never a traceback
        return None
    return tree if isinstance(tree, HtmlElement) else None


def extract(tree: HtmlElement, url: str = "", *, prune: bool = True, precision: bool = False) -> Document | None:
    """Trafilatura's document (text and metadata) for the parsed page, or None; `prune` first removes
    what no reader takes for the story, from the tree itself (trafilatura works on its own copy)."""
    if prune:
        prune_tree(tree)
    try:
        # Only ever given the tree: trafilatura and htmldate fetch nothing.
        doc = trafilatura.bare_extraction(
            tree,
            url=url or None,
            with_metadata=True,
            favor_precision=precision,
            # Only dates the page states (markup, metadata, URL): htmldate's extensive search takes a
            # footer's "Copyright 2024" for 2024-01-01, worse than the capture date or "undated".
            date_extraction_params=set_date_params(False),
            **EXTRACTION,
        )
    except Exception:  # noqa: BLE001 -- any page, however broken, is one line for the user, never a traceback
        return None
    return doc if isinstance(doc, Document) else None


def body(doc: Document | None, *, prune: bool = True) -> str:
    """The document's text as paragraphs apart by a blank line (the chunker's unit), less pointer lines."""
    text = doc.text if doc is not None and isinstance(doc.text, str) else ""
    blocks = (_SPACES.sub(" ", b).strip() for b in _LINES.split(text))
    return "\n\n".join(b for b in blocks if b and not (prune and _is_aside(b)))


def _is_aside(block: str) -> bool:
    """A paragraph that points elsewhere or asks something of the reader."""
    return bool(_POINTER.match(block)) or (len(block.split()) <= _ASK_WORDS and bool(_ASK.search(block)))


def extract_body(data: bytes, *, prune: bool = True, precision: bool = False) -> str:
    """The page's story text, or "" (what bench/extraction_variants.py measures)."""
    tree = parse(data)
    return body(extract(tree, prune=prune, precision=precision), prune=prune) if tree is not None else ""


def prune_tree(tree: HtmlElement) -> None:
    """Remove hover cards and promo lists from the tree, in place."""
    doomed = [el for el in tree.iter() if isinstance(el.tag, str) and _HOVER.search(el.get("class") or "")]
    for lst in [el for el in tree.iter("ul", "ol") if _is_promo_list(el)]:
        doomed.append(lst)
        # Its heading ("Related", "Editors' picks") goes with it.
        before = lst.getprevious()
        if before is not None and isinstance(before.tag, str) and len(before.text_content().split()) <= 4:
            doomed.append(before)
    for el in doomed:
        _drop(el)


def _is_promo_list(lst: HtmlElement) -> bool:
    """Two or more items, each a few words mostly inside a link."""
    items = [li for li in lst if isinstance(li.tag, str) and li.tag == "li"]
    if len(items) < 2:
        return False
    for li in items:
        words = len(li.text_content().split())
        linked = sum(len(a.text_content().split()) for a in li.iter("a"))
        if words == 0 or words > _PROMO_ITEM_WORDS or linked < _PROMO_LINK_SHARE * words:
            return False
    return True


def _drop(el: HtmlElement) -> None:
    """Remove an element but keep the text that follows it (its tail) in place."""
    parent = el.getparent()
    if parent is None:
        return
    el.drop_tree()
