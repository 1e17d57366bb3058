"""The reader: files of any encoding and shape -> one clean Article with its metadata."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.read import article_from_bytes, iter_articles, list_inputs, read_article
from kg.settings import Settings

FIX = Path(__file__).parent / "fixtures" / "read"

STORY = (FIX / "story.expected.txt").read_text(encoding="utf-8").strip()


def expected(name: str) -> list[str]:
    """The hand-written clean text of a fixture, as paragraphs."""
    return (FIX / f"{name}.expected.txt").read_text(encoding="utf-8").strip().split("\n\n")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("story_utf8.txt", "utf-8"),
        ("story_utf8_bom.txt", "utf-8-sig"),
        ("story_utf16.txt", "utf-16-le"),
        ("story_utf16be_nobom.txt", "utf-16-be"),
        ("story_gb18030.txt", "gb18030"),
        ("story_cp1252.txt", "cp1252"),
    ],
)
def test_each_encoding_reads_to_the_same_clean_story(name: str, encoding: str) -> None:
    art = read_article(FIX / name)
    assert art.encoding == encoding
    assert art.text == STORY
    assert art.title == "Court jails clinic clerks who sold patient records"
    assert (art.byline, art.outlet, art.published) == (
        "Mara Ellison",
        "Harbour Times",
        "2021-03-03",
    )
    assert art.language == "en"


def test_gb18030_and_utf16_copies_hash_like_the_utf8_one() -> None:
    ref = read_article(FIX / "story_utf8.txt")
    for name in ("story_gb18030.txt", "story_utf16.txt"):
        art = read_article(FIX / name)
        assert (art.text, art.sha256, art.id) == (ref.text, ref.sha256, ref.sha256[:16])


def test_chinese_gb18030_article_keeps_its_text_and_drops_share_and_related_lists() -> None:
    art = read_article(FIX / "zh_gb18030.txt")
    assert art.encoding == "gb18030"
    assert art.language == "zh"
    assert art.title == "快递员倒卖客户信息被判刑"
    assert (art.outlet, art.published) == ("江城晚报", "2021-03-03")
    paras = art.text.split("\n\n")
    assert paras[0].startswith("本报讯（记者 林晓）因将公司系统中的四万余条客户信息")
    assert paras[-1] == "警方提醒，公民发现个人信息泄露后应及时报警。"
    assert len(paras) == 4
    for furniture in ("分享到", "责任编辑", "相关新闻", "外卖平台"):
        assert furniture not in art.text


def test_big5_article_reads_as_traditional_chinese() -> None:
    art = read_article(FIX / "zh_big5.txt")
    assert art.encoding in ("big5", "cp950", "big5hkscs")
    assert art.title == "電信業者員工洩露用戶資料遭起訴"
    assert art.published == "2020-11-05"
    assert art.text.startswith("【本報訊】一名電信公司客服人員涉嫌將三千多筆用戶資料賣給詐騙集團")
    assert art.text.endswith("已有二十多人受騙。")


def test_saved_page_keeps_story_paragraphs_and_no_page_furniture() -> None:
    art = read_article(FIX / "saved_page.html")
    assert art.text.split("\n\n") == expected("saved_page")
    assert art.title == "Telecom clerks charged over sale of subscriber data"
    assert (art.outlet, art.byline, art.published) == (
        "Riverside Courier",
        "Dana Whitlock",
        "2022-11-08",
    )
    furniture = (
        "cookie",
        "Most Popular",
        "We Recommend",
        "Leave a comment",
        "Share",
        "Print",
        "Follow",
        "Akismet",
        "Advertisement",
        "script",
        "font-family",
        "Related",
        "correspondent",
    )
    assert [f for f in furniture if f in art.text] == []


def test_legacy_table_page_in_declared_gb2312_is_split_into_paragraphs() -> None:
    art = read_article(FIX / "legacy_page.htm")
    assert art.encoding == "gb18030"  # the page says gb2312; GB18030 reads it and more
    assert art.title == "Insurance agents held for selling policyholder data"
    assert (art.outlet, art.published) == ("Eastport Daily", "2015-08-14")
    assert art.text.split("\n\n") == expected("legacy_page")


def test_plain_copy_loses_byline_dateline_lists_bio_and_comment_form() -> None:
    art = read_article(FIX / "copy_with_comments.txt")
    assert art.title == "Loan app staff sold borrowers' contacts, police say"
    assert (art.byline, art.outlet, art.published) == (
        "Priya Natarajan",
        "Metro Ledger",
        "2019-06-12",
    )
    assert art.text.split("\n\n") == expected("copy_with_comments")


def test_caption_repeating_the_lead_goes_and_a_repeated_paragraph_is_kept_once(
    tmp_path: Path,
) -> None:
    lead = "Customs officers in Portbay seized six hard drives holding 90,000 clients' records."
    found = "The drives were found in a container bound for an overseas buyer, officials said."
    inquiry = "An inquiry into how the records left the firm is under way, the customs office said."
    caption = (
        "Customs officers seized six hard drives holding clients' records. [Photo: Portbay News]"
    )
    f = tmp_path / "caption.txt"
    f.write_text(
        "\n\n".join(
            ["Customs seize drives of client records", lead, caption, found, found, inquiry]
        )
    )
    assert read_article(f).text.split("\n\n") == [lead, found, inquiry]


def test_short_story_paragraphs_and_question_headings_survive(tmp_path: Path) -> None:
    lines = [
        "Gang sold hotel guest lists",
        "Twelve people have been arrested.",
        "Police in Redmoor said a gang sold the guest lists of 40 hotels to scammers in two years.",
        "How did they get the lists?",
        "A night clerk at one of the hotels copied the registers every week, police said.",
        "Nobody was hurt.",
        "The clerk has been charged with illegally obtaining personal information.",
        "He declined to comment.",
    ]
    f = tmp_path / "short.txt"
    f.write_text("\n".join(lines), encoding="utf-8")
    art = read_article(f)
    assert art.title == "Gang sold hotel guest lists"
    assert art.text.split("\n\n") == lines[1:]


def test_hard_wrapped_plain_text_is_joined_into_paragraphs(tmp_path: Path) -> None:
    f = tmp_path / "wrapped.txt"
    f.write_text(
        "Broker fined for reselling voter rolls\n\n"
        "A data broker in Kelso was fined 20,000 dollars on Wednesday for reselling\n"
        "voter rolls that it had bought from two county offices, the regulator\n"
        "said.\n\n"
        "The broker had advertised the lists on a trade forum for several months\n"
        "before a journalist alerted the authorities.\n",
        encoding="utf-8",
    )
    assert read_article(f).text.split("\n\n") == [
        "A data broker in Kelso was fined 20,000 dollars on Wednesday for reselling voter rolls "
        "that it had bought from two county offices, the regulator said.",
        "The broker had advertised the lists on a trade forum for several months before a "
        "journalist alerted the authorities.",
    ]


def test_markdown_export_gives_front_matter_metadata_and_plain_text(tmp_path: Path) -> None:
    f = tmp_path / "export.md"
    f.write_text(
        "---\ntitle: Pharmacy staff leaked prescriptions\nauthor: Tom Reyes\n"
        "source: Valley Post\ndate: 2018-04-09\n---\n\n# Pharmacy staff leaked prescriptions\n\n"
        "Two pharmacy workers in **Glenford** sold the prescriptions of "
        "[3,000 customers](https://x.test) to a marketing agency, police said.\n\n"
        "![a photo](photo.jpg)\n\n"
        "The agency used the records to send targeted adverts, the court heard.\n",
        encoding="utf-8",
    )
    art = read_article(f)
    assert art.title == "Pharmacy staff leaked prescriptions"
    assert (art.byline, art.outlet, art.published) == ("Tom Reyes", "Valley Post", "2018-04-09")
    assert art.text == (
        "Two pharmacy workers in Glenford sold the prescriptions of 3,000 customers to a marketing "
        "agency, police said.\n\n"
        "The agency used the records to send targeted adverts, the court heard."
    )


def test_text_is_normalised_nfc_single_spaced_with_unix_paragraph_breaks(tmp_path: Path) -> None:
    f = tmp_path / "messy.txt"
    decomposed = "Rene\u0301"  # e + combining acute
    f.write_bytes(
        f"Leak probe widens\r\n\r\n\r\n\r\nInvestigators\u00a0 said {decomposed}'s team  "
        "found\tmore "
        "files on a server in\u200b the capital on Friday.\r\n\r\nThe files held the phone numbers "
        "of 7,000 customers, they said.\r\n".encode()
    )
    assert read_article(f).text == (
        "Investigators said René's team found more files on a server in the capital on Friday."
        "\n\nThe files held the phone numbers of 7,000 customers, they said."
    )


def test_page_without_a_body_is_an_input_error_alone_and_a_warning_in_a_folder(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError, match="no article text found"):
        read_article(FIX / "no_body.html")
    shutil.copy(FIX / "no_body.html", tmp_path / "index.html")
    shutil.copy(FIX / "story_utf8.txt", tmp_path / "story.txt")
    warnings: list[str] = []
    arts = list(iter_articles([tmp_path], warn=warnings.append))
    assert [Path(a.path).name for a in arts] == ["story.txt"]
    assert any("index.html" in w and "no article text" in w for w in warnings)


def test_same_story_twice_is_read_once_with_both_sources(tmp_path: Path) -> None:
    shutil.copy(FIX / "story_utf8.txt", tmp_path / "a_story.txt")
    # The same story saved again: other encoding, line ends, spacing and page furniture.
    again = (
        (FIX / "story_utf8.txt")
        .read_text(encoding="utf-8")
        .replace("  ", " ")
        .replace(" jailed ", "  jailed ")
    )
    again = "Home | News | Courts\n\n" + again + "\n\nLeave a comment\nName\nEmail\n"
    (tmp_path / "b_copy.txt").write_bytes(again.replace("\n", "\r\n").encode("utf-16"))
    shutil.copy(FIX / "copy_with_comments.txt", tmp_path / "c_other.txt")
    warnings: list[str] = []
    arts = list(iter_articles([tmp_path], warn=warnings.append))
    assert [Path(a.path).name for a in arts] == ["a_story.txt", "c_other.txt"]
    assert [Path(s).name for s in arts[0].sources] == ["a_story.txt", "b_copy.txt"]
    assert any("same story" in w for w in warnings)


def test_unknown_suffixes_hidden_folders_and_bad_files_are_skipped_with_named_warnings(
    tmp_path: Path,
) -> None:
    shutil.copy(FIX / "story_utf8.txt", tmp_path / "story.txt")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("not an article")
    warnings: list[str] = []
    arts = list(iter_articles([tmp_path], warn=warnings.append))
    assert [Path(a.path).name for a in arts] == ["story.txt"]
    text = "\n".join(warnings)
    for name in ("photo.png", "data.csv", "empty.txt", "binary.txt", ".git"):
        assert name in text
    assert all("\n" not in w for w in warnings)


def test_file_over_the_size_limit_is_skipped_with_a_warning(tmp_path: Path) -> None:
    shutil.copy(FIX / "story_utf8.txt", tmp_path / "big.txt")
    small = Settings(max_file_bytes=100)
    with pytest.raises(InputError, match="max_file_bytes"):
        read_article(tmp_path / "big.txt", settings=small)
    warnings: list[str] = []
    with pytest.raises(InputError, match="no articles found"):
        list(iter_articles([tmp_path], warn=warnings.append, settings=small))
    assert any("big.txt" in w and "over the limit" in w for w in warnings)


def test_inputs_are_listed_recursively_in_sorted_order_each_once(tmp_path: Path) -> None:
    for rel in ("b/2.txt", "b/10.md", "a/z.html", "a/sub/x.htm", "top.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    listed = list_inputs([tmp_path, tmp_path / "top.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in listed] == [
        "a/sub/x.htm",
        "a/z.html",
        "b/10.md",
        "b/2.txt",
        "top.txt",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_in_a_folder_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(FIX / "story_utf8.txt", tmp_path / "sub" / "story.txt")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    listed = list_inputs([tmp_path])
    assert [p.name for p in listed] == ["story.txt"]


def test_missing_input_empty_folder_and_other_suffix_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="input not found"):
        list_inputs([tmp_path / "nope"])
    with pytest.raises(InputError, match="no articles found"):
        list(iter_articles([tmp_path]))
    (tmp_path / "notes.rst").write_text("Some notes.")
    with pytest.raises(InputError, match="not an article file"):
        read_article(tmp_path / "notes.rst")


def test_kg_read_prints_metadata_then_clean_text() -> None:
    result = CliRunner().invoke(app, ["read", str(FIX / "copy_with_comments.txt")])
    assert result.exit_code == 0
    head, _, body = result.output.partition("\n\n")
    assert "title      Loan app staff sold borrowers' contacts, police say" in head
    assert "published  2019-06-12" in head
    assert body.startswith("Police in Harwick have detained six employees")
    assert "Leave a comment" not in body


def test_kg_read_of_a_page_without_body_fails_with_one_line() -> None:
    result = CliRunner().invoke(app, ["read", str(FIX / "no_body.html")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "no article text found" in result.output


def test_reading_a_typical_article_takes_under_50_ms() -> None:
    names = ("saved_page.html", "copy_with_comments.txt", "story_gb18030.txt", "legacy_page.htm")
    for name in names:  # first calls load trafilatura and the detector
        read_article(FIX / name)
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for name in names:
            read_article(FIX / name)
    per_article = (time.perf_counter() - start) / (rounds * len(names))
    assert per_article < 0.05


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=3000), st.text(max_size=1500).map(lambda s: s.encode("utf-8"))
    ),
    suffix=st.sampled_from([".txt", ".md", ".html"]),
)
def test_any_bytes_give_an_article_or_an_input_error(data: bytes, suffix: str) -> None:
    try:
        art = article_from_bytes(data, "any" + suffix)
    except InputError:
        return
    assert art.text.strip() and art.sha256 and art.sources == ("any" + suffix,)


@settings(max_examples=60, deadline=None)
@given(
    noise=st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<br>",
                "<table><tr><td>",
                "<script>",
                "<!--",
                "&amp;",
                "\x00",
                "\ufeff",
                "<meta charset='big5'>",
                "\u2028",
                "By ",
                "2016-02-30",
            ]
        ),
        max_size=30,
    ),
    words=st.text(max_size=400),
)
def test_markup_soup_gives_an_article_or_an_input_error(noise: list[str], words: str) -> None:
    data = ("".join(noise) + words).encode("utf-8", errors="surrogatepass")
    try:
        article_from_bytes(data, "soup.html")
    except InputError:
        pass
