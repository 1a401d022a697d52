"""Cross-validation's folds: rtqa-train's quarters, and which questions a fold's judge may learn from."""

from __future__ import annotations

import pytest

from qa.training.data import HOLD_OUT, QUARTERS, held_out, quarter_of, quarter_span


def test_a_quarter_is_its_first_and_last_day() -> None:
    assert quarter_span("2023Q2") == ("2023-04-01", "2023-06-30")
    assert quarter_span("2024q4") == ("2024-10-01", "2024-12-31")
    assert quarter_span("2023Q1") == HOLD_OUT  # the shipped judge's held-out quarter is a fold like the rest
    assert [quarter_of(quarter_span(q)[0]) for q in QUARTERS] == list(QUARTERS)
    assert quarter_of("2023-09-30") == "2023Q3" and quarter_of("2023-10-01") == "2023Q4"


def test_the_dev_quarter_is_never_a_fold() -> None:
    assert "2024Q1" not in QUARTERS


@pytest.mark.parametrize("name", ["2023", "2023Q5", "Q2", "23Q2x"])
def test_a_quarter_written_wrong_is_a_clear_error(name: str) -> None:
    with pytest.raises(ValueError, match="write it like 2023Q2"):
        quarter_span(name)


def test_a_fold_holds_out_its_own_quarter_only() -> None:
    span = quarter_span("2023Q3")
    assert held_out("2023-07-01", span) and held_out("2023-09-30", span)
    assert not held_out("2023-06-30", span) and not held_out("2023-10-01", span)
