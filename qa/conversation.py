"""Chat logic with no UI in it: filters, slash commands, follow-ups, history and Markdown export.

Follow-ups, the documented mechanism: a question that opens with a connective ("and", "what about",
"also", ...) or leans on a pronoun ("he", "they", "that", ...) while naming little of its own (at most
six content words) follows up the conversation; a pronoun after a name in the same question means
that name ("Who is Sun Weidong and why did he visit Pyongyang?" stands alone). A follow-up carries
the conversation's topic, the names and the period of the question before it as that question was
read (so a chain of follow-ups keeps it):
- "what about X?" asks the previous question again about X: both are searched together;
- a follow-up naming someone or something of its own ("and what did Kim say?") keeps only the period;
- one naming nothing ("When was that?", "what did he say?") takes the names and the period.
The answer notes this, so the user can see how the question was read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from qa.config import Answering
from qa.errors import DatelineError
from qa.ingest.dates import parse_cli_date
from qa.present.markdown import answer_markdown
from qa.ranking.answers import Answer
from qa.reading.query import Query, outlet_names
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
MAX_K = Answering().max_k
# Slash commands the chat carries out itself; the others set the conversation's filters.
FRONT_END_COMMANDS = ("clear", "export", "help")


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command as read: `name` is "filter" once a filter was set (then `said` tells the user)."""

    name: str
    arg: str = ""
    said: str = ""


@dataclass
class Conversation:
    """The state of one chat: filters, the questions so far and their answers."""

    k: int = 5
    as_of: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    sources: tuple[str, ...] = ()
    """The outlets searched (`/source`), as the user named them; empty: every outlet."""
    turns: list[Answer] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    read_as: str = ""
    """The last question as it was searched (a follow-up with the topic it carried)."""
    read: list[tuple[str, ...]] = field(default_factory=list)
    """For each turn, how its question was read: the follow-up it made, the filters it ran under."""

    def query(self, question: str) -> tuple[Query, str | None]:
        """The query to run for a question, and the earlier question it follows up, if any."""
        previous = self.turns[-1].question if self.turns else None
        text = question
        followed = None
        if previous and is_followup(question):
            text = carry_topic(question, self.read_as or previous)
            followed = previous
        self.read_as = text
        query = Query(text, k=self.k, as_of=self.as_of, since=self.since, until=self.until, sources=self.sources)
        return query, followed

    def record(self, question: str, answer: Answer, followed: str | None = None, filters: str = "") -> Answer:
        """Keep an answer (under the question as the user typed it), with how it was read.

        `filters` is `filters_text()` when the question was searched (they may have changed since).
        """
        kept = replace(answer, question=question)
        self.turns.append(kept)
        read: tuple[str, ...] = (f"read as a follow-up to: {followed}",) if followed else ()
        read += tuple(f"note: {note}" for note in answer.notes)
        self.read.append(read + ((f"filters: {filters}",) if filters else ()))
        return kept

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)

    def clear(self) -> None:
        self.turns.clear()
        self.read.clear()
        self.read_as = ""

    def command(self, line: str) -> Command:
        """Read a slash command and apply it when it sets a filter; the front end carries out the others.

        Raises DatelineError for a bad one.
        """
        name, _, arg = line.strip().lstrip("/").partition(" ")
        arg = arg.strip()
        if name in FRONT_END_COMMANDS:
            return Command(name, arg)
        return Command("filter", arg, self._filter(name, arg))

    def _filter(self, name: str, arg: str) -> str:
        """Set a filter; returns what to tell the user."""
        off = arg.lower() in {"", "off", "none", "clear"}
        if name == "k":
            if not arg.isdecimal() or not 1 <= int(arg) <= MAX_K:
                raise DatelineError(f"/k takes a number from 1 to {MAX_K}", "Bad command")
            self.k = int(arg)
            return f"showing {self.k} passages per answer"
        if name in {"asof", "as-of", "as_of"}:
            self._dates(as_of=None if off else parse_cli_date(arg, end=True))
            return f"as of {self.as_of}" if self.as_of else "as of: today (no limit)"
        if name == "since":
            self._dates(since=None if off else parse_cli_date(arg))
            return f"since {self.since}" if self.since else "no start date"
        if name == "until":
            self._dates(until=None if off else parse_cli_date(arg, end=True))
            return f"until {self.until}" if self.until else "no end date"
        if name == "source":
            names = () if off else outlet_names([arg])
            if not off and not names:
                raise DatelineError(
                    "/source takes an outlet's name or names (/source off: every outlet)", "Bad command"
                )
            self.sources = names
            return f"only articles from {', '.join(names)}" if names else "articles from every outlet"
        raise DatelineError(f"unknown command /{name}; press F1 for the list", "Bad command")

    def _dates(self, **dates: dt.date | None) -> None:
        """Set date filters, refusing (and keeping the old ones) when they would leave no day at all."""
        wanted = {"as_of": self.as_of, "since": self.since, "until": self.until, **dates}
        Query("", as_of=wanted["as_of"], since=wanted["since"], until=wanted["until"])  # an empty range raises
        self.as_of, self.since, self.until = wanted["as_of"], wanted["since"], wanted["until"]

    def filters_text(self, today: dt.date | None = None) -> str:
        """The filters in words; `today`: the day "as of today" was, for what is kept (a saved
        conversation is read on other days)."""
        now = f"as of today, {today}" if today else "as of today"
        parts = [f"k={self.k}", f"as of {self.as_of}" if self.as_of else now]
        if self.since or self.until:
            parts.append(f"{self.since or '…'} → {self.until or '…'}")
        if self.sources:
            parts.append(f"from {', '.join(self.sources)}")
        return " · ".join(parts)

    def to_markdown(self) -> str:
        """The conversation as Markdown: the filters, then each question as batch's report writes it.

        Under a question: how it was read, and its filters where they differ from the ones above or
        it was answered as of a day (batch's line for that day alone would leave `k` out).
        """
        now = self.filters_text(dt.date.today())
        lines = ["# dateline conversation", "", f"_{now}_", ""]
        reads = self.read + [()] * (len(self.turns) - len(self.read))
        body = "".join(  # each section ends in a blank line
            _section(answer, read, now) for answer, read in zip(self.turns, reads, strict=True)
        )
        return "\n".join(lines) + "\n" + body  # a blank line between the filters and the first question


def _section(answer: Answer, read: tuple[str, ...], now: str) -> str:
    """One question's section of the saved conversation; `now` is the filters at its top."""
    if answer.as_of and any(r.startswith("filters: ") for r in read):
        # Its filters line says the day, with k and the range beside it.
        return answer_markdown(answer.question, replace(answer, as_of=None), read=read)
    return answer_markdown(answer.question, answer, read=[r for r in read if r != f"filters: {now}"])


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
