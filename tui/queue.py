"""The chat's question queue: questions wait in the order asked and are searched one at a time."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from tui.widgets import Notice, QuestionLine


@dataclass
class Asked:
    """A question in the chat's queue: the line that shows it, and where its answer will go."""

    question: str
    line: QuestionLine
    placeholder: Notice
    filters: str = ""
    """The filters it was searched under (they may change while it is searched)."""


class QuestionQueue:
    """The questions waiting, and the one being searched (at most one: answers come in the order asked)."""

    def __init__(self) -> None:
        self.waiting: deque[Asked] = deque()
        self.searching: Asked | None = None

    @property
    def idle(self) -> bool:
        """Nothing searched and nothing waiting."""
        return self.searching is None and not self.waiting

    def add(self, asked: Asked) -> None:
        self.waiting.append(asked)

    def start(self) -> Asked | None:
        """The next question to search, now marked as searched; None while one is searched or none waits."""
        if self.searching is not None or not self.waiting:
            return None
        self.searching = self.waiting.popleft()
        return self.searching

    def finish(self) -> Asked:
        """The question whose search has ended (answered, failed or given up); the next may start."""
        asked = self.searching
        assert asked is not None
        self.searching = None
        return asked

    def drop_waiting(self) -> list[Asked]:
        """Take every waiting question off the queue (the one searched goes on); returns them."""
        dropped = list(self.waiting)
        self.waiting.clear()
        return dropped
