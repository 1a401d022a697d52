"""Reading a follow-up: whether a question leans on the one before it, and the topic it carries.

A question that opens with a connective ("and", "what about", "also", ...) or leans on a pronoun ("he",
"they", "that", ...) while naming little of its own (at most six content words) follows up the
conversation; a pronoun after a name in the same question means that name ("Who is Sun Weidong and
why did he visit Pyongyang?" stands alone). A follow-up carries the conversation's topic, the names
and the period of the question before it as that question was read (so a chain of follow-ups keeps it):
- "what about X?" asks the previous question again about X: both are searched together;
- a follow-up naming someone or something of its own ("and what did Kim say?") keeps only the period;
- one naming nothing ("When was that?", "what did he say?") takes the names and the period.
"""

from __future__ import annotations

import re

from qa.reading.text import content_words

_CONNECTIVE = re.compile(r"^\s*(and|but|also|so|then|what about|how about|and what|and who|and how|what else)\b", re.I)
# "this week", "that year": a period, not a word leaning on the question before.
_WHEN = "week|weekend|month|year|day|morning|afternoon|evening|night|season|summer|winter|spring|fall|autumn"
_PRONOUN = re.compile(
    rf"\b(he|she|they|him|her|them|his|hers|their|theirs|it|its|(?:that|this|those|these)(?!\s+(?:{_WHEN})s?\b))\b",
    re.I,
)
# "Which country … its …", "What company … it …": the question's own subject, asked for by name.
_WH_NOUN = re.compile(r"^\s*(?:which|what)\s+([a-z][\w'’-]*)", re.I)
_NOT_SUBJECTS = frozenset(["one", "ones", "else", "kind", "sort", "type", "time", "about", "of"])
_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\b", re.I)
# Names: runs of capitalised words ("Choe Son-hui", "Pyongyang"), less the question's own first word.
_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
_NOT_NAMES = frozenset(
    [
        "who",
        "what",
        "when",
        "where",
        "which",
        "why",
        "how",
        "and",
        "but",
        "also",
        "so",
        "then",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "the",
        "a",
        "an",
        "in",
        "on",
        "of",
        "for",
        "to",
        "at",
        "by",
        "it",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "that",
        "this",
        "these",
        "those",
        "i",
    ]
)
_PERIOD = re.compile(
    r"\b(?:(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?:\s+\d{1,2},?)?\s+)?(?:19|20)\d\d\b",
    re.I,
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
MAX_FOLLOWUP_WORDS = 6


def names(text: str) -> list[str]:
    """The people, places and things a text names (runs of capitalised words), in order, once each."""
    found = []
    for run in _NAME.findall(text):
        words = run.split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if words and not _PERIOD.fullmatch(" ".join(words) + " 2000") and " ".join(words).lower() not in _MONTHS:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def carry_topic(question: str, before: str) -> str:
    """A follow-up with the topic it leans on, from the question before it as that one was read."""
    if _ABOUT.match(question):
        return f"{before} {question}"
    carried = [] if names(question) else [n for n in names(before) if n.lower() not in question.lower()]
    carried += [p for p in _PERIOD.findall(before) if p.lower() not in question.lower()]
    return f"{question} ({', '.join(carried)})" if carried else question


def is_followup(question: str) -> bool:
    """Whether a question leans on the one before it: a connective, or a pronoun it names nothing for.

    A pronoun after a name in the same question ("Who is Sun Weidong and why did he visit?") is
    taken to mean that name, and one in a question that asks for its subject ("Which country
    updated its doctrine?") that subject, so the question stands alone; "this week" is a period.
    """
    if len(content_words(question)) > MAX_FOLLOWUP_WORDS:
        return False
    if _CONNECTIVE.search(question):
        return True
    if _asks_for_its_subject(question):
        return False
    return any(not _names_before(question, pronoun.start()) for pronoun in _PRONOUN.finditer(question))


def _asks_for_its_subject(question: str) -> bool:
    """Whether the question opens on "which" or "what" and a noun ("Which country updated its
    doctrine?"): its pronouns mean that subject, not something asked about before."""
    from lemminflect import getAllLemmas  # its lexicon loads on first use, off the chat's start

    m = _WH_NOUN.match(question)
    word = m.group(1).lower() if m else ""
    lemmas = getAllLemmas(word) if word else {}
    # A word the lexicon does not know ("app", "fast-food") after "which" is a noun far more often than not.
    return bool(word) and word not in _NOT_SUBJECTS and (not lemmas or "NOUN" in lemmas)


def _names_before(question: str, end: int) -> bool:
    """Whether the question names someone or something before `end`, its capitalised first word aside."""
    first = re.match(r"\s*\S+", question)
    return bool(names(question[first.end() if first else 0 : end]))
