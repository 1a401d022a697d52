"""Words of a question: tokens, stop words, and the FTS5 expression built from them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself following week weeks last said says say according""".split()  # noqa: SIM905
)
_TOKEN = re.compile(r"\w+", re.UNICODE)
# How a question asks, which no archive need hold: "how many", "how much", "the name of" (an archive
# names the thing, it need not say "name"), and negations ("don't", "won't": split at the apostrophe
# they leave "don", "won").
_ASKING = re.compile(r"\bhow\s+(?:many|much)\b|\bnames?\s+of\b|\b\w+n['’]t\b", re.UNICODE | re.IGNORECASE)


def content_words(text: str) -> list[str]:
    """Lower-cased words of a text that carry meaning (no stop words, no single letters)."""
    return [w for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def named_words(text: str) -> list[str]:
    """The content words an archive must mention to be about what a question asks (each once): those
    with a letter and no digit, since numbers and units are written many ways ("$10bn", "10 billion"),
    and not the words of how it asks ("how many")."""
    words = content_words(_ASKING.sub(" ", text))
    return [w for w in dict.fromkeys(words) if not any(c.isdigit() for c in w) and any(c.isalpha() for c in w)]


def as_written(word: str, text: str) -> str:
    """`word` (a lowercased content word of `text`) as `text` spells it: "GDP", not "gdp"."""
    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    return found.group(0) if found else word


def is_name(word: str, text: str) -> bool:
    """Whether `word` (a lowercased content word of `text`) is a name there: written with a capital
    letter somewhere other than the start of a sentence ("Pyongyang", "GDP", "iPhone"). A name is
    seldom said in other words, so an archive that never mentions it is seldom about it; a common word
    ("population", "cinemas", "decide", "late") may be said in other terms, or be how a question asks."""
    for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE):
        written = found.group(0)
        opening = not text[: found.start()].strip() or text[: found.start()].rstrip()[-1] in '.?!:;"“('
        if not opening and any(c.isupper() for c in written):
            return True
    return False


def holds_all(forms: dict[str, list[str]], text: str) -> bool:
    """Whether `text` holds every word of `forms` (word -> its forms, `word_forms`) in some form."""
    tokens = set(_TOKEN.findall(text.lower()))
    return bool(forms) and all(tokens.intersection(fs) for fs in forms.values())


def word_forms(word: str) -> list[str]:
    """The word and its other inflections ("oversee": "oversaw", "overseen"; "born": "bore"), from
    lemminflect's English lexicon: the keyword index stems only regular endings."""
    from lemminflect import getAllInflections, getAllLemmas  # its lexicon loads on first use (~0.3 s)

    forms = {word}
    for lemmas in getAllLemmas(word).values():
        for lemma in lemmas:
            forms.add(lemma)
            forms.update(f for inflected in getAllInflections(lemma).values() for f in inflected)
    return [word, *sorted(forms - {word})]


def fts_query(question: str, keep: Callable[[str], bool] | None = None) -> str:
    """An FTS5 MATCH expression: any content word or adjacent pair of them, each quoted (no syntax injection).

    Pairs ("wang yi") reward passages naming the same people and places, not just sharing words.
    `keep` may drop single words (e.g. ones in most passages, which BM25 weighs near zero anyway
    but which make the search slow); pairs always stay.
    """
    tokens = _TOKEN.findall(question.lower())
    words = content_words(question)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(tokens) if a in words and b in words]
    singles = [w for w in words if keep is None or keep(w)]
    return " OR ".join(f'"{t}"' for t in dict.fromkeys([*singles, *pairs]))
