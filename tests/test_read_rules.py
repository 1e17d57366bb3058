"""The reader's rules one at a time: encodings, dates, byline lines, furniture lines, language."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.read.boilerplate import clean_lines
from kg.read.dates import parse_date
from kg.read.decode import Decoded, declared_charset, decode
from kg.read.furniture import Kind, classify
from kg.read.metadata import LineMeta, detect_language, parse_meta_line

ENGLISH = (
    "“Nobody told us our numbers were for sale,” one customer said — angrily. Café owners agreed.\n"
)


@pytest.mark.parametrize(
    "codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "cp1252"]
)
def test_english_text_decodes_back_from_each_encoding(codec: str) -> None:
    assert decode((ENGLISH * 3).encode(codec)).text == ENGLISH * 3


def test_big5_and_gbk_chinese_decode_to_the_same_characters() -> None:
    zh = "警方破获一起出售公民个人信息案件，抓获犯罪嫌疑人十二名。"
    tw = "警方破獲一起出售公民個人資料案件，逮捕犯罪嫌疑人十二名。"
    assert decode(zh.encode("gbk")).text == zh
    assert decode(tw.encode("big5")).text == tw


def test_declared_charset_of_a_page_is_found_and_used() -> None:
    page = b'<head><meta http-equiv="Content-Type" content="text/html; charset=GB2312"></head>'
    assert declared_charset(page) == "gb2312"
    assert declared_charset(b"<meta charset='big5'>") == "big5"
    assert declared_charset(b"<p>no charset here</p>") is None
    body = "<p>“数据”</p>".encode("gb2312")
    assert decode(body, declared="gb2312") == Decoded("<p>“数据”</p>", "gb18030")


def test_undecodable_bytes_never_raise_a_unicode_error() -> None:
    text = decode(b"Plain words \x81\x8d\x8f\x90\x9d and more plain words in this line.").text
    assert text.startswith("Plain words")


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t ", b"\x00\x01\x02\x03" * 50, bytes(range(256)) * 4]
)
def test_empty_and_binary_bytes_are_input_errors(data: bytes) -> None:
    with pytest.raises(InputError):
        decode(data)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("09:14, July 31, 2013", "2013-07-31"),
        ("CRI, September 26, 2016", "2016-09-26"),
        ("Updated: 2016-9-26 10:00", "2016-09-26"),
        ("2022-11-08T07:45:00+08:00", "2022-11-08"),
        ("Sept. 5 2019", "2019-09-05"),
        ("5th of March, 2020", "2020-03-05"),
        ("2021年3月3日 10:20", "2021-03-03"),
        ("31/07/2013", "2013-07-31"),
        ("03/04/2016", None),  # day and month could be swapped: no date rather than a wrong one
        ("February 30, 2016", None),
        ("In 2016 the ministry acted", None),
    ],
)
def test_dates_as_pages_write_them_become_iso(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("line", "meta"),
    [
        ("By Ada Moreno (Coastal Herald)", LineMeta("Ada Moreno", "Coastal Herald", None)),
        ("By Ada Moreno from Coastal Herald", LineMeta("Ada Moreno", "Coastal Herald", None)),
        (
            "By Ada Moreno and Li Wei, Staff Reporters | Coastal Herald",
            LineMeta("Ada Moreno and Li Wei", "Coastal Herald", None),
        ),
        ("Coastal Herald, May 4, 2018", LineMeta(None, "Coastal Herald", "2018-05-04")),
        ("10:05, May 4, 2018", LineMeta(None, None, "2018-05-04")),
        (
            "heraldnews.example | Updated: 2018-05-04 10:05",
            LineMeta(None, "heraldnews.example", "2018-05-04"),
        ),
        ("Source: Coastal Herald | Editor: Jo Park", LineMeta(None, "Coastal Herald", None)),
        ("(Coastal Herald)", LineMeta(None, "Coastal Herald", None)),
        ("Posted on Friday, May 4, 2018 at 10:05 a.m.", LineMeta(None, None, "2018-05-04")),
        ("来源：江城晚报 作者：林晓", LineMeta("林晓", "江城晚报", None)),
        # "PLACE, DATE" is a dateline unless the name reads like an outlet's
        ("Riverton, March 3, 2021", LineMeta(None, None, "2021-03-03", place="Riverton")),
        ("Port Ellis, Nova, 12 May 2022", LineMeta(None, None, "2022-05-12", place="Port Ellis")),
        ("Riverton Times, March 3, 2021", LineMeta(None, "Riverton Times", "2021-03-03")),
        ("RTV, March 3, 2021", LineMeta(None, "RTV", "2021-03-03")),
    ],
)
def test_byline_dateline_and_source_lines_give_metadata(line: str, meta: LineMeta) -> None:
    assert parse_meta_line(line) == meta


def test_a_dateline_stays_in_the_story_and_its_place_is_known() -> None:
    lines = ["Clerk held for selling customer data", "Riverton, March 3, 2021",
             "Police in the city arrested a bank clerk who sold the phone numbers of 4,000 "
             "customers to a call centre, officers said on Tuesday."]
    cleaned = clean_lines(lines)
    assert cleaned.paragraphs[0] == "Riverton, March 3, 2021"
    assert (cleaned.meta.place, cleaned.meta.outlet, cleaned.meta.published) == (
        "Riverton", None, "2021-03-03")


@pytest.mark.parametrize(
    "line",
    [
        "By Sunday, police had arrested 20 more suspects.",
        "Bank clerks sold client lists to scammers",
        "How did the data leak out?",
        "Home >> China >> Society",
        "By the end of 2016",
    ],
)
def test_headlines_sentences_and_crumbs_are_not_metadata_lines(line: str) -> None:
    assert parse_meta_line(line) is None


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("We Recommend:", Kind.LIST),
        ("Most Popular", Kind.LIST),
        ("Related Stories", Kind.LIST),
        ("相关新闻", Kind.LIST),
        ("Leave a comment", Kind.COMMENTS),
        ("Leave your comment3 comments", Kind.COMMENTS),
        ("Comments (12)", Kind.COMMENTS),
        ("我要评论", Kind.COMMENTS),
        ("Print E-mail Bookmark and Share", Kind.UI),
        ("Share | Tweet | Email", Kind.UI),
        ("Adjust font size: A+ A-", Kind.UI),
        ("分享到：微信 微博", Kind.UI),
        ("Follow the Valley Post on Twitter for breaking news.", Kind.UI),
        (
            "We use cookies to improve your experience. By continuing to browse you accept them.",
            Kind.UI,
        ),
        ("This site uses Akismet to reduce spam.", Kind.UI),
        ("Offensive or off-topic comments may be removed by moderators.", Kind.UI),
        ("Advertisement", Kind.UI),
        ("Tags: privacy, data, fraud", Kind.UI),
        ("© 2020 Valley Post. All rights reserved.", Kind.UI),
        ("Home » News » Crime", Kind.UI),
        ("(Editor: Jo Park)", Kind.UI),
        (
            "Police seized 14 phones and two laptops in the raid on Tuesday, officials said.",
            Kind.PROSE,
        ),
        ("How did the data leak out?", Kind.SHORT),
        ("Printing firm staff sold e-mail lists", Kind.SHORT),
    ],
)
def test_each_line_is_told_apart_by_its_wording_and_shape(line: str, kind: Kind) -> None:
    assert classify(line) == kind


def test_story_list_introduced_by_a_colon_is_kept_but_a_bare_headline_list_goes() -> None:
    lines = [
        "Police said the stolen files held the following details of each customer:",
        "full names",
        "home addresses",
        "bank card numbers",
        "The suspects face up to seven years in prison if they are convicted, the court said.",
        "Harbour bridge closed for repairs",
        "Council votes to cut parking fees",
        "New bakery chain opens downtown",
    ]
    assert list(clean_lines(lines).paragraphs) == lines[:5]


def test_author_bio_goes_but_a_closing_quote_from_a_named_source_stays() -> None:
    story = [
        "Regulators fined a ride-hailing firm for storing passenger trips without consent.",
        "Sam Ortega, a lawyer for the passengers, said the fine was too small for such a firm.",
        "Sam Ortega is a lawyer who has represented passengers in three earlier privacy suits.",
        "Nina Holt is a senior reporter at the Valley Post covering technology and privacy.",
    ]
    cleaned = clean_lines(story)
    assert list(cleaned.paragraphs) == story[:3]
    assert cleaned.meta.byline == "Nina Holt"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The police said that the gang had sold the data of customers for years.", "en"),
        ("警方表示，该团伙多年来一直在出售客户数据。", "zh"),
        ("La police a dit que le groupe vendait les données des clients depuis des années.", "fr"),
        ("Die Polizei sagte, dass die Bande die Daten der Kunden seit Jahren verkauft hat.", "de"),
        ("12345 67890", None),
    ],
)
def test_language_is_guessed_from_script_and_function_words(text: str, code: str | None) -> None:
    assert detect_language(text) == code
