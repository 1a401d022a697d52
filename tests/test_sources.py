"""Filtering by outlet (`--source`, a question file's `source`, the chat's `/source`): only the outlets
named are searched, in any case, by every kind of search; an outlet the archive lacks is said plainly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from embeddings.factory import indexing_encoder
from embeddings.hash_encoder import HashEncoder
from qa.answering.retriever import Retriever
from qa.cli import main
from qa.config import Search
from qa.conversation import Conversation
from qa.errors import DatelineError
from qa.index.archiving import index_archive
from qa.index.indexer import index_paths
from qa.ingest.articles import Article
from qa.ingest.readers import read_file
from qa.ranking.answers import Answer
from qa.reading.query import Query, outlet_names
from tests.conftest import CORPUS
from tests.pilot import opened, settle


@pytest.fixture(scope="module")
def named_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled articles as records naming an outlet each: their file's name (the text files
    themselves name none, and a file name is never taken for an outlet)."""
    rows = []
    for path in sorted(CORPUS.iterdir()):
        for article in read_file(path):
            assert isinstance(article, Article)
            row = {"title": "" if article.title_derived else article.title, "source": path.name, "text": article.text}
            rows.append(row | ({"date": article.date.isoformat()} if article.date else {}))
    named = tmp_path_factory.mktemp("named") / "corpus.jsonl"
    named.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return named


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, named_corpus: Path) -> Path:
    """conftest's bundled index, of the articles with their outlets named (fp32, the exact model)."""
    directory = tmp_path_factory.mktemp("bundled-named") / "index"
    index_paths(directory, [named_corpus], lambda: indexing_encoder(None, cache_dir=model_cache, precision="fp32"))
    return directory


@pytest.fixture(scope="module")
def retriever(bundled_index: Path) -> Iterator[Retriever]:
    opened = Retriever.open(bundled_index)
    yield opened
    opened.close()


DELEGATION = "Who led the North Korean delegation that met Wang Yi?"
ANNIVERSARY = "What did Xi and Kim say on the anniversary of diplomatic relations?"
UNDATED, MARCH, OCTOBER = "002_02aa92d358672171.txt", "003_827395dfdfacd871.txt", "004_05444940e5ccca5a.txt"


def _asked(capsys: pytest.CaptureFixture[str], index: Path, *args: str) -> dict[str, object]:
    assert main(["ask", *args, "--json", "--index", str(index)]) == 0
    answer: dict[str, object] = json.loads(capsys.readouterr().out)
    return answer


def _sources(answer: dict[str, object]) -> set[str]:
    passages = answer["passages"]
    assert isinstance(passages, list)
    return {p["source"] for p in passages}


def test_ask_keeps_to_the_outlet_named_in_any_case(bundled_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = _asked(capsys, bundled_index, DELEGATION, "-k", "5")
    assert len(_sources(plain)) > 1
    one = _asked(capsys, bundled_index, DELEGATION, "-k", "5", "--source", MARCH.upper())
    assert _sources(one) == {MARCH} and "Kim Song Nam" in json.dumps(one["passages"])
    assert one["sources"] == [MARCH.upper()] and f"searched only articles from {MARCH}" in one["notes"]  # type: ignore[operator]
    # Repeated and comma-separated, each name once.
    several = _asked(capsys, bundled_index, ANNIVERSARY, "--source", f"{OCTOBER}, {MARCH}", "--source", OCTOBER)
    assert several["sources"] == [OCTOBER, MARCH] and _sources(several) <= {OCTOBER, MARCH}
    assert OCTOBER in _sources(several)


def test_an_outlet_the_archive_lacks_is_said_with_the_ones_it_has(
    bundled_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", DELEGATION, "--source", "cnn.com", "--index", str(bundled_index)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("note: no articles from cnn.com in this archive; its outlets: ")
    assert UNDATED in out.splitlines()[0] and "Nothing relevant" in out
    near = _asked(capsys, bundled_index, DELEGATION, "--source", MARCH.removesuffix(".txt"), "--source", UNDATED)
    assert f"(did you mean {MARCH}?)" in near["notes"][0]  # type: ignore[index]
    assert _sources(near) == {UNDATED}  # the outlet it has is searched, undated articles included


@pytest.mark.parametrize("given", ["", " , "])
def test_a_source_naming_nothing_is_one_line(
    bundled_index: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    assert main(["ask", DELEGATION, "--source", given, "--index", str(bundled_index)]) != 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "dateline: error: --source needs an outlet's name, e.g. --source cnn.com; `dateline info` lists the archive's"
    ]


def test_dense_and_keyword_search_each_keep_to_the_outlets(bundled_index: Path) -> None:
    config = Search()
    dense = replace(config, candidates=replace(config.candidates, keyword=False))
    # A keyword pool of 2 from 2 ranked: the search filtered in SQL runs whenever other outlets rank first.
    keyword = replace(config, candidates=replace(config.candidates, dense=False, pool=2, keyword_depth=1))
    for variant in (dense, keyword):
        retriever = Retriever.open(bundled_index, config=variant)
        try:
            for question, outlet in ((ANNIVERSARY, OCTOBER), (DELEGATION, UNDATED), (DELEGATION, MARCH)):
                answer = retriever.ask(Query(question, k=5, sources=(outlet.upper(),), apply_bar=False))
                assert answer.hits and {h.passage.source for h in answer.hits} == {outlet}, (question, outlet)
        finally:
            retriever.close()


def _outlets(answer: Answer) -> set[str]:
    """The outlets an answer shows: its quotes' and the copies listed under them."""
    return {h.passage.source for h in answer.hits} | {c.source for h in answer.hits for c in h.also}


def test_a_period_s_stories_are_those_of_the_outlet(retriever: Retriever) -> None:
    assert _outlets(retriever.ask(Query("What happened in October 2024?"))) == {OCTOBER, "001_6b176e77b7a6bc1b.txt"}
    one = retriever.ask(Query("What happened in October 2024?", sources=(OCTOBER,)))
    assert one.hits and _outlets(one) == {OCTOBER}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, model_cache: Path, named_corpus: Path) -> Path:
    directory = tmp_path_factory.mktemp("archive") / "news"
    encoder = indexing_encoder(None, cache_dir=model_cache, precision="fp32")
    index_archive(directory, [named_corpus], lambda: encoder, shard_by="month")
    return directory


def test_a_sharded_archive_keeps_to_the_outlets_as_one_index_does(archive: Path, bundled_index: Path) -> None:
    one, many = Retriever.open(bundled_index), Retriever.open(archive)
    try:
        for question in (DELEGATION, ANNIVERSARY, "What happened in October 2024?"):
            for sources in ((MARCH, OCTOBER), (UNDATED.upper(),), ("cnn.com",)):
                query = Query(question, k=5, sources=sources, apply_bar=False)
                seen = [(h.passage.source, h.passage.text) for h in many.ask(query).hits]
                assert seen == [(h.passage.source, h.passage.text) for h in one.ask(query).hits]
                assert {s for s, _ in seen} <= {s.lower() for s in sources}
                assert many.ask(query).notes == one.ask(query).notes
    finally:
        one.close()
        many.close()


@pytest.fixture
def outlets_index(tmp_path: Path) -> Path:
    """Three outlets with the same wire story, one of them named with a space and capitals."""
    story = "Flooding closed the coastal highway on Tuesday, and crews expect to reopen it by the weekend."
    rows = [
        {"id": o, "title": f"Highway closed ({o})", "date": "2024-05-0" + str(n), "source": o, "text": f"{story} {o}."}
        for n, o in enumerate(["USA Today", "CNN.com", "Reuters"], 1)
    ]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    index_paths(tmp_path / "index", [tmp_path / "wire.jsonl"], lambda: HashEncoder(64))
    return tmp_path / "index"


def test_names_match_the_stored_outlet_in_any_case(outlets_index: Path) -> None:
    assert outlet_names(["cnn.com, usa  today", "CNN.COM", " "]) == ("cnn.com", "usa today")
    retriever = Retriever.open(outlets_index, "hash-64")
    try:
        for asked, stored in ((("usa today",), {"USA Today"}), (("cnn.com", "REUTERS"), {"CNN.com", "Reuters"})):
            answer = retriever.ask(Query("When will the coastal highway reopen?", k=5, sources=asked, apply_bar=False))
            assert _outlets(answer) == stored, asked
    finally:
        retriever.close()


def test_batch_takes_each_question_s_source_else_the_run_s(
    outlets_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "When will the coastal highway reopen?"
    lines = [
        {"id": "own", "question": question, "source": "usa today"},
        {"id": "list", "question": question, "source": ["cnn.com", "Reuters"]},
        {"id": "run", "question": question},
        {"id": "bad", "question": question, "source": 7},
    ]
    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "a.jsonl"
    args = ["batch", str(questions), "-o", str(out), "--source", "reuters", "--index", str(outlets_index)]
    assert main([*args, "--model", "hash-64"]) != 0  # a bad line makes the run partial
    assert (
        f"skipped: {questions}:4: source must be an outlet's name or a list of names, not 7" in capsys.readouterr().err
    )
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    seen = {i: {p["source"] for p in r["passages"]} | {c["source"] for p in r["passages"] for c in p["also"]}
            for i, r in records.items()}  # fmt: skip
    assert seen == {"own": {"USA Today"}, "list": {"CNN.com", "Reuters"}, "run": {"Reuters"}}
    csv_in = tmp_path / "q.csv"
    csv_in.write_text(f'id,question,source\nc1,{question},"USA Today, cnn.com"\n')
    csv_out = tmp_path / "a.jsonl"
    assert main(["batch", str(csv_in), "-o", str(csv_out), "--index", str(outlets_index), "--model", "hash-64"]) == 0
    (record,) = map(json.loads, csv_out.read_text().splitlines())
    assert record["sources"] == ["USA Today", "cnn.com"]
    assert {p["source"] for p in record["passages"]} | {c["source"] for p in record["passages"] for c in p["also"]} == {
        "USA Today",
        "CNN.com",
    }


def test_eval_counts_only_what_the_outlet_can_answer(
    bundled_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    question = {"id": "1", "question": DELEGATION, "date": "2024-04-01", "answers": ["Kim Song Nam"]}
    questions.write_text(json.dumps(question) + "\n")
    assert main(["eval", str(questions), "--index", str(bundled_index), "--source", MARCH.upper()]) == 0
    assert "answerable questions: 1 of 1\nAR@200w=1.000" in capsys.readouterr().out
    assert main(["eval", str(questions), "--index", str(bundled_index), "--source", "cnn.com"]) == 0
    seen = capsys.readouterr()
    assert "answerable questions: 0 of 1" in seen.out
    assert seen.err.startswith("dateline: no articles from cnn.com in this archive; its outlets: ")


def test_the_chat_s_source_filter_is_set_shown_and_cleared() -> None:
    chat = Conversation()
    assert chat.command("/source cnn.com, USA  Today").said == "only articles from cnn.com, USA Today"
    assert chat.query("Who won?")[0].sources == ("cnn.com", "USA Today")
    assert "from cnn.com, USA Today" in chat.filters_text() and "from cnn.com, USA Today" in chat.to_markdown()
    with pytest.raises(DatelineError, match="/source takes an outlet's name"):
        chat.command("/source ,")
    assert chat.sources == ("cnn.com", "USA Today")  # a bad command leaves the filter as it was
    assert chat.command("/source").said == "articles from every outlet"
    assert chat.query("Who won?")[0].sources == () and "from" not in chat.filters_text()


async def test_the_chat_answers_from_the_outlet_and_says_so(bundled_index: Path) -> None:
    from textual.widgets import Input

    from qa.settings import Settings
    from tui.app import DatelineApp
    from tui.widgets import AnswerCard

    app = DatelineApp(Settings(bundled_index), build_default=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await opened(pilot, app)
        for line in (f"/source {MARCH.upper()}", DELEGATION):
            app.query_one("#ask", Input).value = line
            await pilot.press("enter")
            await settle(pilot, app)
        assert f"from {MARCH.upper()}" in str(app.query_one("#status").render())
        cards = list(app.query(AnswerCard))
        assert cards and {c.hit.passage.source for c in cards} == {MARCH}
