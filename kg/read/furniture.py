"""What a single line of a page is: story prose, a short line, or page furniture.

The rules are general: sentence structure, share/print tokens, and the stock phrases
sites use for their lists, comment forms and notices; never a particular site's strings.
"""

from __future__ import annotations

import re
from enum import Enum


class Kind(Enum):
    """The role of one line on a page."""

    PROSE = "prose"  # a paragraph with sentence structure: story text
    SHORT = "short"  # headline, heading, label, list item, dateline ...
    UI = "ui"  # page furniture: always dropped
    LIST = "list"  # header of a list of other stories ("Most Popular"): it and its list go
    COMMENTS = "comments"  # start of the comment section: nothing after it is the story


_BULLET = re.compile(r"^(?:[•·▪●◦‣∙*+–-]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CLOSERS = "\"”’')]」』»*"
_STOPS = (".", "!", "?", "。", "！", "？", "…")
_SENTENCE_END = re.compile(
    r"[.!?。！？](?:[\"”’')\]」』]*)\s+(?=[\"“‘(]?[A-Z\u3400-\u9fff])|[。！？]"
)


def _any(*phrases: str) -> str:
    """One alternation of phrase patterns, kept one a line below so they read as a list."""
    return "(?:" + "|".join(phrases) + ")"


# Share bars and tool rows: "0 Comment(s) Print E-mail", "Share | Tweet", "Adjust font size: A+ A-".
_SHARE = re.compile(
    "(?i)"
    + _any(
        r"(?:\b\d+\s*)?\bcomments?(?:\s*\((?:s|\d+)\))?",
        r"\bprint(?:\s+this)?(?:\s+(?:page|article|story))?\b",
        r"\be-?mail(?:\s+this)?(?:\s+(?:page|article|story|to a friend))?\b",
        r"\bshare(?:\s+this)?(?:\s+(?:page|article|story))?(?:\s+(?:on|via))?\b",
        r"\bbookmark(?:\s+and\s+share)?\b",
        r"\b(?:tweet|copy link|save|listen|go to forum)\b",
        r"\b(?:facebook|twitter|linkedin|whatsapp|wechat|weibo|reddit|pinterest|telegram|qzone)\b",
        r"\b(?:adjust\s+)?(?:font|text)\s+size\b\s*:?",
        r"(?<!\w)a\s*[+-](?!\w)",
        r">>",
        r"[|]",
    )
)
_LEFTOVER = re.compile(r"^[\W\d_]*$")

# Headers of lists of other stories: the header and the headlines under it go.
_LIST = re.compile(
    "(?i)"
    + _any(
        r"we recommend",
        r"recommended(?: for you| stories| articles| reading| videos)?",
        r"most (?:popular|read|viewed|shared|commented|e-?mailed)",
        r"popular(?: stories| news| now| articles| posts)?",
        r"trending(?: now| stories| news)?",
        r"editor'?s'? (?:picks?|choice)",
        r"selections? for you",
        r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)",
        r"(?:also|further) read(?:ing)?",
        r"read (?:more|also|next)",
        r"see also",
        r"related(?: articles| stories| news| posts| links| coverage| topics| content| reading)?",
        r"more (?:stories|news|from .{1,40}|on this(?: topic| story)?|in [\w ]{1,30})",
        r"top (?:stories|news|headlines)",
        r"(?:the )?latest(?: news| stories| headlines| updates)?",
        r"in other news|don'?t miss|hot (?:topics|news|stories)",
        r"what'?s (?:new|hot|happening)(?: in .{1,30})?",
        r"photos?|videos?|galler(?:y|ies)|in pictures|multimedia|special reports?",
        r"highlights|headlines|news in brief|quick links|elsewhere on .{1,30}",
        r"相关(?:新闻|阅读|报道|文章|链接)|热门(?:推荐|文章|新闻|排行)|推荐阅读|猜你喜欢",
        r"热点新闻|延伸阅读|更多(?:新闻|精彩)|排行榜|(?:精彩|今日|编辑)推荐",
    )
)
# The comment section: a whole line that names it, or a line that opens its form.
_COMMENTS_WHOLE = re.compile(
    "(?i)"
    + _any(
        r"(?:\d+\s*)?comments?(?:\s*\((?:s|\d+)\))?",
        r"no comments?(?: yet| so far)?",
        r"reader comments|have your say|discussion",
        r"(?:show|view|read|load|hide) (?:all )?comments?",
        r"comments? (?:are|is) closed.*",
        r"我要评论|发表评论|网友评论|评论\s*[(（]\d+[)）]|已有\d+人(?:参与|评论)|共\d+条评论",
    )
)
_COMMENTS_START = re.compile(
    "(?i)^"
    + _any(
        r"leave (?:a|your) (?:comments?|reply)",
        r"(?:add|post|write) (?:a |your )?comments?",
        r"join the (?:discussion|conversation)",
        r"go to forum|speak your mind",
    )
)
# Whole lines that are tools, labels, form fields, ads or credits.
_UI_WHOLE = re.compile(
    "(?i)"
    + _any(
        r"advertisements?|advertising|sponsored(?: content)?|ads?|promoted",
        r"scroll (?:down )?to continue.*|story continues below.*|continue reading.*",
        r"skip to (?:main )?content|back to top|top|more|next|previous",
        r"(?:previous|next) (?:article|story|page|post)",
        r"home|menu|search|log ?in|sign ?in|sign up|register|subscribe|close|share|print",
        r"name|e-?mail|website|submit|send|post comment|post|reply|cancel|password|captcha",
        r"user ?name(?: required)?|your (?:comment|name|e-?mail)(?: required)?|verification code",
        r"rss|newsletters?|mobile|apps?|about us|contact(?: us)?|privacy(?: policy)?",
        r"terms of (?:use|service)|loading.*|accept(?: all)?|reject(?: all)?",
        r"\(?(?:responsible |chief )?editors?\s*[:：].*",
        r"(?:tags?|keywords?|topics?|filed under|categories)\s*[:：].*",
        r"\[?(?:file )?(?:photo|image|picture|video|graphic)s?(?: credit)?\s*[:：/].{0,60}",
        r"(?:related|read more|read also|see also|also read|more)\s*[:：].{0,150}",
        r"https?://\S+|www\.\S+",
        r"分享到.*|打印(?:本页|此文)?|关闭(?:窗口)?|返回顶部|扫一扫.*|收藏|字号\s*[:：]?.*",
        r"免责声明.*|上一篇.*|下一篇.*|广告|(?:责任编辑|责编|编辑)\s*[:：].*|【(?:纠错|打印|关闭|收藏)】.*",
    )
)
# Notices and calls to action found anywhere in a (short) line.
_UI_ANYWHERE = re.compile(
    "(?i)"
    + _any(
        r"\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b",
        r"\bcookie (?:policy|settings|preferences|notice|consent)\b",
        r"\baccept (?:all )?cookies\b|\bby continuing to (?:browse|use)\b",
        r"\bakismet\b|\breduce spam\b|\bcomment data is processed\b",
        r"\bcomments? (?:are|is|will be) (?:moderated|reviewed)\b",
        r"\bcomments? may be (?:removed|deleted|edited)\b",
        r"\b(?:racist|abusive|off-topic)\b.{0,40}\bcomments?\b",
        r"\byour e-?mail address will not be published\b|\brequired fields are marked\b",
        r"\bnotify me of (?:new|follow-up)\b|\bsave my name\b",
        r"\benter the (?:words|code|characters) (?:you see|shown|above)\b",
        r"^follow (?:us|[\w .'’&-]{1,40}?) on (?:twitter|facebook|x|weibo|wechat|instagram|linkedin"
        r"|youtube|tiktok|telegram)\b",
        r"^(?:like|join|find) us on\b|^(?:click|tap) here\b",
        r"\b(?:sign up|subscribe)\b.{0,40}\b(?:newsletter|updates|alerts)\b",
        r"\bdownload (?:our|the) app\b",
        r"^send (?:us )?your (?:stor(?:y|ies)|tips?|photos)|^get (?:more|the latest) .{0,40}from\b",
        r"(?:copyright|©).{0,60}\b(?:19|20)\d{2}\b|\ball rights reserved\b",
        r"\bjavascript (?:is )?(?:disabled|required)\b|\benable javascript\b",
        r"\byour browser does not support\b",
    )
)
# Navigation trails: "Home >> World >> Asia", "English » China Society".
_CRUMB = re.compile(r"\s*(?:>>|»|›|\s>\s)\s*")


def strip_bullet(line: str) -> str:
    """The line without a leading list bullet or item number."""
    return _BULLET.sub("", line, count=1)


def word_count(text: str) -> int:
    """Words of Latin-script text plus Chinese characters counted two to a word."""
    return len(_WORD.findall(_HAN.sub(" ", text))) + (len(_HAN.findall(text)) + 1) // 2


def ends_sentence(text: str) -> bool:
    """True when the text closes with a full stop, question or exclamation mark."""
    return text.rstrip(_CLOSERS).endswith(_STOPS)


def is_prose(text: str) -> bool:
    """A paragraph with sentence structure: long enough and closed (a colon opens a list or a
    quote), or long, or several sentences."""
    n = word_count(text)
    closed = ends_sentence(text) or text.endswith((":", "："))
    return (n >= 10 and closed) or n >= 20 or (n >= 8 and len(_SENTENCE_END.findall(text)) >= 1)


def is_sentence(text: str) -> bool:
    """A short line that still reads as a sentence ("He declined to comment.")."""
    return is_prose(text) or (
        word_count(text) >= 3 and ends_sentence(text) and not text.rstrip(_CLOSERS).endswith("?")
    )


def strip_share_tokens(line: str) -> str:
    """The line without share and print tokens: "0 Comment(s)Print CRI, 2016" -> "CRI, 2016"."""
    return re.sub(r"\s{2,}", " ", _SHARE.sub(" ", line)).strip(" |:-")


def _is_crumb(text: str) -> bool:
    parts = [p for p in _CRUMB.split(text) if p]
    return len(parts) >= 2 and all(word_count(p) <= 5 for p in parts)


def classify(line: str) -> Kind:
    """The role of one line, from its wording and shape alone."""
    text = strip_bullet(line).strip()
    bare = text.rstrip(" :：>»…").strip()
    n = word_count(text)
    if (n <= 12 and _COMMENTS_START.match(bare)) or _COMMENTS_WHOLE.fullmatch(bare):
        return Kind.COMMENTS
    if _LIST.fullmatch(bare):
        return Kind.LIST
    if not bare or _UI_WHOLE.fullmatch(bare) or _LEFTOVER.match(bare):
        return Kind.UI
    if n <= 60 and _UI_ANYWHERE.search(text):
        return Kind.UI
    if _is_crumb(text):
        return Kind.UI
    if not is_prose(text) and _SHARE.search(text) and _LEFTOVER.match(_SHARE.sub("", text)):
        return Kind.UI
    return Kind.PROSE if is_prose(text) else Kind.SHORT
