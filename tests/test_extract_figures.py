"""Figures stage: numbers, sums of money and counts in hand-written news sentences.

Every text here is written for the test; none comes from a seed article.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.figures import find_counts, find_figures, find_money, parse_number
from kg.model import Count, Money, TimeExpr


def money(text: str) -> list[tuple[float, str, str, str | None, str | None]]:
    return [(m.amount, m.currency, m.kind, m.per, m.qualifier) for m in find_money(text)]


def counts(text: str) -> list[tuple[int, str, str | None, int | None]]:
    return [(c.value, c.unit, c.qualifier, c.upper) for c in find_counts(text)]


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7,250", 7250),
        ("2.3 billion", 2_300_000_000),
        ("8 lakh", 800_000),
        ("12 crore", 120_000_000),
        ("three million", 3_000_000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("one hundred and twenty", 120),
        ("forty-two", 42),
        ("0.7 million", 700_000),
        ("1.5bn", 1_500_000_000),
        ("close to 9 million", 9_000_000),
        ("nearly 3 million", 3_000_000),
    ],
)
def test_parse_number_reads_news_number_forms(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["10^100", "tens of thousands", "several", "3.5.1", "", "x" * 500])
def test_parse_number_gives_none_for_what_is_not_one_number(text: str) -> None:
    assert parse_number(text) is None


def test_parse_number_gives_none_for_absurdly_long_digit_runs() -> None:
    assert parse_number("9" * 400) is None


# --- money: forms and currencies -------------------------------------------------------------


def test_amount_with_dollar_equivalent_in_brackets_gives_two_sums_of_one_kind() -> None:
    got = money("The broker paid about 3,500 yuan ($540) for the customer list.")
    assert got == [(3500, "CNY", "price", None, "about"), (540, "USD", "price", None, None)]


def test_rmb_code_before_number_with_scale_word() -> None:
    assert money("It was a fraud ring involving RMB 650 million.") == [
        (650_000_000, "CNY", "case_value", None, None)
    ]


def test_fee_per_period_after_bracketed_equivalent() -> None:
    got = money("The tracking service charged RMB 15 ($2.20) a week per target.")
    assert got == [(15, "CNY", "fee", "week", None), (2.2, "USD", "fee", "week", None)]


def test_dollar_amount_with_thousands_comma() -> None:
    assert money("He bought the database for $23,400.") == [(23400, "USD", "price", None, None)]


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("a fee of US$8", "USD", 8),
        ("a fee of HK$35", "HKD", 35),
        ("a fee of NT$450", "TWD", 450),
        ("a fee of €12", "EUR", 12),
        ("a fee of £9", "GBP", 9),
        ("a fee of ¥30", "CNY", 30),
        ("a fee of Rs 12 crore", "INR", 120_000_000),
        ("a fee of 7 lakh rupees", "INR", 700_000),
        ("a fee of 80 euros", "EUR", 80),
        ("a fee of 60 pounds", "GBP", 60),
        ("a fee of 50,000 won", "KRW", 50_000),
        ("a fee of 900 yen", "JPY", 900),
        ("a fee of 700 rubles", "RUB", 700),
        ("a fee of 45 dollars", "USD", 45),
        ("a fee of 45 Hong Kong dollars", "HKD", 45),
        ("a fee of 5 million USD", "USD", 5_000_000),
        ("a fee of $3m", "USD", 3_000_000),
        ("a fee of twenty yuan", "CNY", 20),
    ],
)
def test_currency_symbols_codes_and_names_map_to_iso_4217(
    text: str, currency: str, amount: float
) -> None:
    got = find_money(text)
    assert [(m.currency, m.amount) for m in got] == [(currency, amount)]


def test_hyphenated_price_and_sale_price_are_both_sums() -> None:
    got = money("A 30-yuan bottle was sold for 250 yuan to the victims.")
    assert [(a, c) for a, c, *_ in got] == [(30, "CNY"), (250, "CNY")]
    assert got[1][2] == "price"


def test_bare_lakh_is_rupees_only_in_a_sentence_about_money() -> None:
    assert money("The clerk was paid 3 lakh to hand over the files.") == [
        (300_000, "INR", "price", None, None)
    ]
    assert money("About 3 lakh residents live in the district.") == []


def test_range_of_money_shares_the_scale_and_kind() -> None:
    got = money("The gang pocketed 5 to 8 million yuan.")
    assert got == [
        (5_000_000, "CNY", "profit", None, "at least"),
        (8_000_000, "CNY", "profit", None, "up to"),
    ]


# --- money: what the sum is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "per"),
    [
        ("They sold phone numbers at 0.8 yuan per record.", "unit_price", "record"),
        ("Each account was sold for $3 on the forum.", "unit_price", "account"),
        ("The lists went for 2 yuan apiece.", "unit_price", "item"),
        ("Members paid a monthly fee of 300 yuan.", "fee", "month"),
        ("Access cost 99 yuan per year.", "fee", "year"),
        ("The pair earned 61,000 yuan from the scheme.", "profit", None),
        ("Police confiscated 12,000 yuan in illegal gains.", "profit", None),
        ("The shop's turnover reached 2 million yuan.", "proceeds", None),
        ("Retirees were swindled out of 730,000 yuan.", "loss", None),
        ("Victims lost $48,000 in total.", "loss", None),
        ("The case, valued at 9 million yuan, went to court.", "case_value", None),
        ("He bought the list for 1,200 yuan.", "price", None),
        ("He sold the data and was later fined 20,000 yuan.", "amount", None),
        ("A transfer of 500 yuan appeared in the records.", "amount", None),
    ],
)
def test_kind_of_sum_from_cue_words_in_its_sentence(text: str, kind: str, per: str | None) -> None:
    got = find_money(text)
    assert [(m.kind, m.per) for m in got] == [(kind, per)]


def test_per_unit_of_one_sum_does_not_leak_to_the_next() -> None:
    got = money("The broker charged 0.2 yuan per query and sold the archive for $9,000.")
    assert got == [(0.2, "CNY", "unit_price", "query", None), (9000, "USD", "price", None, None)]


def test_qualifier_is_kept_and_amount_stays_as_written() -> None:
    got = find_money("They made more than 90,000 yuan, over $10,000 and nearly €500.")
    assert [(m.amount, m.qualifier) for m in got] == [
        (90_000, "more than"),
        (10_000, "over"),
        (500, "nearly"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The data sold for several cents per piece.",
        "In 2015 the gang sold 2015 records to buyers.",
        "Police seized 3,000 items of customer information.",
        "In 2019 won the award for reporting.",
        "He carried 200 pounds of paper out of the office.",
        "Police said no data was sold and no money changed hands.",
    ],
)
def test_no_money_without_a_currency(text: str) -> None:
    assert find_money(text) == []


# --- counts ------------------------------------------------------------------------------------


def test_items_of_information_are_records_with_qualifier() -> None:
    assert counts("The clerk copied close to 7 million items of customer information.") == [
        (7_000_000, "records", "close to", None)
    ]


def test_range_of_pieces_is_one_count_with_upper_bound() -> None:
    assert counts("They traded 3 billion to 4 billion pieces of data.") == [
        (3_000_000_000, "records", None, 4_000_000_000)
    ]


def test_range_borrows_the_scale_of_its_upper_end() -> None:
    assert counts("They traded 2 to 3 million records.") == [
        (2_000_000, "records", None, 3_000_000)
    ]


def test_data_of_people_counts_the_people_as_records() -> None:
    assert counts("She sold the contact details of at least 250 members.") == [
        (250, "records", "at least", None)
    ]
    assert counts("Hackers took the personal information of over 80,000 users.") == [
        (80_000, "records", "over", None)
    ]


def test_people_not_named_as_data_subjects_are_people() -> None:
    assert counts("Over 2,000 customers complained to the bank.") == [
        (2000, "people", "over", None)
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The hackers sold 1.2 million user records.", 1_200_000),
        ("Some 15,000 personal data were offered online.", 15_000),
        ("He had 12 pieces personal information on each client.", 12),
        ("Investigators found 640 records in his laptop.", 640),
        ("The group leaked 33,000 customers' data.", 33_000),
        ("The seller listed 5,000 bank accounts of depositors.", 5_000),
        ("He leaked 2 million items, including names and home addresses.", 2_000_000),
    ],
)
def test_record_phrases_count_records(text: str, value: int) -> None:
    got = find_counts(text)
    assert [(c.value, c.unit) for c in got] == [(value, "records")]


def test_items_that_are_not_data_are_other_counts() -> None:
    assert counts("The warehouse shipped 3,000 items of clothing.") == [(3000, "other", None, None)]
    assert counts("The warehouse shipped 3,000 items.") == [(3000, "other", None, None)]


def test_illegitimate_information_is_not_records() -> None:
    got = counts("Regulators deleted 310 items of fraudulent information.")
    assert got == [(310, "other", None, None)]


def test_people_and_cases_are_counted_apart_from_records() -> None:
    got = counts("Police solved 9 cases involving 41 suspects and six victims.")
    assert got == [(9, "cases", None, None), (41, "people", None, None), (6, "people", None, None)]


def test_word_numbers_count_people() -> None:
    assert counts("The list was resold to a dozen people.") == [(12, "people", None, None)]
    assert counts("Only one such case was reported.") == [(1, "cases", None, None)]


def test_arrest_verbs_make_a_bare_number_a_count_of_people() -> None:
    got = counts("Police arrested 15 in the raid, and 4 were later detained.")
    assert got == [(15, "people", None, None), (4, "people", None, None)]


def test_phones_are_other_counts_not_records() -> None:
    assert counts("Officers seized 70 mobile phones and laptops.") == [(70, "other", None, None)]


@pytest.mark.parametrize(
    "text",
    [
        "He logged in three times a day.",
        "The 19-year-old was detained.",
        "Most suspects are under 25 years of age.",
        "About 35% of the records were fake.",
        "He was charged under Article 253 of the law.",
        "In 2014, police began the campaign.",
        "Tens of thousands of records were exposed.",
        "The report was published on March 9, 2016.",
        "Police said no data was sold.",
        "He paid 4,500 yuan for the list.",
    ],
)
def test_no_count_for_times_ages_percentages_articles_years_dates_money(text: str) -> None:
    assert find_counts(text) == []


# --- all figures together ----------------------------------------------------------------------


def test_figures_are_sorted_and_a_money_number_is_not_also_a_count() -> None:
    text = (
        "In March 2016 the seller sold 9,000 pieces of personal information "
        "to 3 buyers for 2,700 yuan."
    )
    figs = find_figures(text, anchor="2016-06-01")
    assert [type(f) for f in figs] == [TimeExpr, Count, Count, Money]
    starts = [f.span.start for f in figs]
    assert starts == sorted(starts)
    assert figs[0].start == "2016-03"
    assert (figs[1].value, figs[1].unit) == (9000, "records")
    assert (figs[2].value, figs[2].unit) == (3, "people")
    assert (figs[3].amount, figs[3].kind) == (2700, "price")


def test_figure_spans_carry_the_offset_and_slice_the_text() -> None:
    text = "They sold 40,000 records for $900 last month."
    offset = 1234
    figs = find_figures(text, offset=offset, anchor="2020-05-15")
    assert len(figs) == 3
    for f in figs:
        assert f.span.text == text[f.span.start - offset : f.span.end - offset]
    assert figs[2].start == "2020-04"


def test_long_runs_of_number_words_stay_fast() -> None:
    text = "one hundred and " * 300 + "people paid twenty five " * 300 + "yuan"
    t0 = time.perf_counter()
    find_figures(text)
    assert time.perf_counter() - t0 < 2.0


def test_figures_take_about_a_millisecond_per_sentence() -> None:
    sentences = [
        "Between May 2012 and June 2013 the clerk sold 2 million items of client data.",
        "Police detained 14 suspects in July and seized 80,000 yuan ($12,900) in profits.",
        "Each record was offered for 0.5 yuan on the forum, the court heard on Monday.",
        "The ring cheated more than 300 seniors out of RMB 6 million last year.",
    ] * 50
    find_figures(sentences[0])  # compile the patterns once
    t0 = time.perf_counter()
    for s in sentences:
        find_figures(s, anchor="2014-01-20")
    per_sentence = (time.perf_counter() - t0) / len(sentences)
    assert per_sentence < 0.005  # measured about 0.5 ms; generous for a busy CI machine


# --- properties --------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "yuan", "$", "US$", "RMB", "Rs", "lakh", "crore", "million", "billion", "a", "dozen",
        "items", "of", "information", "people", "suspects", "cases", "between", "and", "to",
        "-", "(", ")", "more than", "nearly", "per", "month", "piece", "In", "June", "2013",
        "last", "year", "Monday", "4,000", "1.5", "0", "12", "one", "twenty-five", "hundred",
        "since", "from", "the first half of", "cents", "records", "users", "details", ",", ".",
        "\n", "’s", "won", "pounds", "¥", "€", "10^100", "9" * 30,
    ]
)  # fmt: skip
_NEWSISH = st.lists(_WORDS, max_size=40).map(" ".join)
_ANCHORS = st.one_of(st.none(), st.dates().map(str), st.text(max_size=12))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), _NEWSISH), offset=st.integers(0, 10**6),
       anchor=_ANCHORS)  # fmt: skip
def test_find_figures_never_raises_and_spans_slice_the_input(
    text: str, offset: int, anchor: str | None
) -> None:
    figs = find_figures(text, offset=offset, anchor=anchor)
    last_end = -1
    for f in figs:
        assert f.span is not None
        assert f.span.text == text[f.span.start - offset : f.span.end - offset]
        assert f.span.start >= last_end  # sorted, no two figures share characters
        last_end = f.span.end
        if isinstance(f, Count):
            assert f.value >= 0 and (f.upper is None or f.upper >= f.value)
        if isinstance(f, Money):
            assert len(f.currency) == 3 and f.currency.isupper()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=60), _NEWSISH))
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value is None or value >= 0


@pytest.mark.parametrize("text", [
    "He sold the personal information of about 80,000 new mothers.",
    "They sold the personally identifiable information (PII) of more than 80,000 Ruritanians.",
    "He bought a database of 80,000 insurance policyholders from a vendor.",
])
def test_data_of_a_number_of_people_counts_their_records(text: str) -> None:
    assert [(c.value, c.unit) for c in find_counts(text)] == [(80000, "records")]


def test_a_number_of_people_without_their_data_is_no_record_count() -> None:
    assert [c.unit for c in find_counts("The gang cheated 80,000 new mothers.")] != ["records"]
