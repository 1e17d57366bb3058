"""Dates and periods, resolved against the article date: hand-written sentences only."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.dates import find_times


def times(text: str, anchor: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(t.text, t.start, t.end) for t in find_times(text, anchor=anchor)]


def test_between_month_year_and_month_year_is_one_period() -> None:
    assert times("Between March 2009 and August 2010, he copied the files.") == [
        ("Between March 2009 and August 2010", "2009-03", "2010-08")
    ]


def test_between_two_months_takes_the_year_of_the_second() -> None:
    assert times("between September and November 2015") == [
        ("between September and November 2015", "2015-09", "2015-11")
    ]
    assert times("between November and February 2016") == [
        ("between November and February 2016", "2015-11", "2016-02")
    ]


def test_month_alone_takes_the_year_of_the_article_or_the_one_before() -> None:
    assert times("Police detained them in May.", anchor="2014-08-02") == [
        ("May", "2014-05", "2014-05")
    ]
    assert times("Police detained them in October.", anchor="2014-08-02") == [
        ("October", "2013-10", "2013-10")
    ]


def test_month_alone_without_article_date_is_kept_unresolved() -> None:
    assert times("Police detained them in May.") == [("May", None, None)]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("during the first half of 2015", "2015-01", "2015-06"),
        ("in the first half year of 2019", "2019-01", "2019-06"),
        ("in the second half of 2011", "2011-07", "2011-12"),
        ("in the third quarter of 2016", "2016-07", "2016-09"),
        ("in Q2 2018", "2018-04", "2018-06"),
        ("in the first four months of 2016", "2016-01", "2016-04"),
        ("from 2011 to 2014", "2011", "2014"),
        ("during 2011-2014", "2011", "2014"),
        ("in the 1990s", "1990", "1999"),
        ("In 2015 the bureau", "2015", "2015"),
        ("by November 2016 the ring", "2016-11", "2016-11"),
        ("on March 9, 2016", "2016-03-09", "2016-03-09"),
        ("on 9 March 2016", "2016-03-09", "2016-03-09"),
        ("dated 2016-03-09", "2016-03-09", "2016-03-09"),
    ],
)
def test_absolute_dates_and_periods(text: str, start: str, end: str) -> None:
    got = find_times(text)
    assert [(t.start, t.end) for t in got] == [(start, end)]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("He was caught last month.", "2015-02", "2015-02"),
        ("He was caught last year.", "2014", "2014"),
        ("Cases rose this year.", "2015", "2015"),
        ("On March 2 he was caught.", "2015-03-02", "2015-03-02"),
        ("On December 2 he was caught.", "2014-12-02", "2014-12-02"),
        ("the first half of this year", "2015-01", "2015-06"),
        ("two years ago", "2013", "2013"),
        ("in the past three months", "2014-12", "2015-03"),
        ("He was detained yesterday.", "2015-03-10", "2015-03-10"),
    ],
)
def test_relative_dates_resolve_against_the_article_date(text: str, start: str, end: str) -> None:
    got = find_times(text, anchor="2015-03-11")
    assert [(t.start, t.end) for t in got] == [(start, end)]


def test_weekday_is_the_latest_such_day_on_or_before_the_article_date() -> None:
    # 2015-03-11 is a Wednesday.
    assert times("officials said on Monday", anchor="2015-03-11") == [
        ("Monday", "2015-03-09", "2015-03-09")
    ]
    assert times("officials said on Wednesday", anchor="2015-03-11") == [
        ("Wednesday", "2015-03-11", "2015-03-11")
    ]
    assert times("officials said last Wednesday", anchor="2015-03-11") == [
        ("last Wednesday", "2015-03-04", "2015-03-04")
    ]


def test_since_gives_a_start_only() -> None:
    assert times("He has sold data since August.", anchor="2017-10-01") == [
        ("since August", "2017-08", None)
    ]


def test_from_a_date_to_an_event_gives_a_start_only() -> None:
    assert times("from November 2016 to the day he was caught, he sold lists") == [
        ("from November 2016", "2016-11", None)
    ]


def test_relative_words_without_article_date_stay_unresolved() -> None:
    assert times("He was caught last month.") == [("last month", None, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Recently, more cases have been found.",
        "Suspects may face ten years in prison.",
        "Protesters march on the square.",
        "The gang sold 2015 records to 1999 buyers.",
        "He paid $2013 for the list.",
        "No date was given for the arrests.",
    ],
)
def test_no_date_from_modal_verbs_counts_or_vague_words(text: str) -> None:
    assert find_times(text, anchor="2016-05-05") == []


def test_bad_article_date_is_ignored_not_raised() -> None:
    assert times("He was caught in May.", anchor="not a date") == [("May", None, None)]


@pytest.mark.parametrize("anchor", ["0001-01-01", "9999-12-31"])
def test_article_dates_at_the_calendar_edges_do_not_overflow(anchor: str) -> None:
    got = times("yesterday, next Monday, last week, two weeks ago", anchor=anchor)
    assert [start for _, start, _ in got] == [None, None, None, None]


def test_time_spans_carry_the_offset() -> None:
    text = "It began in April 2012."
    (t,) = find_times(text, offset=50)
    assert (t.span.start, t.span.end, t.span.text) == (62, 72, "April 2012")


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["in", "June", "May", "2013", "between", "and", "from", "to", "since", "last",
             "month", "year", "Monday", "the first half of", "Q3", "-", "31", "April 4,",
             "1990s", "ago", "two", "years", "past", "this", "2013-02-30", "today", "x"]
        ),
        max_size=25,
    ).map(" ".join),
    anchor=st.one_of(st.none(), st.dates().map(str)),
)  # fmt: skip
def test_find_times_never_raises_and_dates_are_iso_shaped(text: str, anchor: str | None) -> None:
    for t in find_times(text, anchor=anchor):
        assert t.span is not None and t.span.text == text[t.span.start : t.span.end] == t.text
        for value in (t.start, t.end):
            assert value is None or len(value) in (4, 7, 10)
        if t.start and t.end:
            assert t.start[:4] <= t.end[:4]
