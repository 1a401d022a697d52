"""Chat logic with no UI in it: filters, slash commands, follow-ups, history and Markdown export.

A question read as a follow-up (qa.reading.followups) is searched with the topic it carries; the
answer notes this, so the user can see how the question was read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from qa.config import DEFAULT
from qa.errors import DatelineError
from qa.ingest.dates import parse_cli_date
from qa.present.markdown import answer_markdown
from qa.ranking.answers import Answer
from qa.reading.followups import carry_topic, is_followup
from qa.reading.query import Query, outlet_names

MAX_K = DEFAULT.answering.max_k
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

    k: int = DEFAULT.answering.k
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
