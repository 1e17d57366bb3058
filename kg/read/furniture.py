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
_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"”’')\]」』]*)\s+(?=[\"“‘(]?[A-Z\u3400-\u9fff])|[。！？]")

# Share bars and tool rows: "0 Comment(s) Print E-mail", "Share | Tweet", "Adjust font size: A+ A-".
_SHARE = re.compile(
    r"(?i)(?:\b\d+\s*)?\bcomments?(?:\s*\((?:s|\d+)\))?|\bprint(?:\s+this)?(?:\s+(?:page|article|story))?\b"
    r"|\be-?mail(?:\s+this)?(?:\s+(?:page|article|story|to a friend))?\b|\bshare(?:\s+this)?(?:\s+(?:page|article|story))?"
    r"(?:\s+(?:on|via))?\b|\bbookmark(?:\s+and\s+share)?\b|\btweet\b|\bcopy link\b|\bsave\b|\blisten\b"
    r"|\b(?:facebook|twitter|linkedin|whatsapp|wechat|weibo|reddit|pinterest|telegram|qzone|messenger)\b"
    r"|\b(?:adjust\s+)?(?:font|text)\s+size\b\s*:?|(?<!\w)a\s*[+-](?!\w)|\bgo to forum\b|>>|[|]"
)
_LEFTOVER = re.compile(r"^[\W\d_]*$")

_LIST = re.compile(
    r"(?i)(?:we recommend|recommended(?: for you| stories| articles| reading| videos)?"
    r"|most (?:popular|read|viewed|shared|commented|e-?mailed)|popular(?: stories| news| now| articles| posts)?"
    r"|trending(?: now| stories| news)?|editor'?s'? (?:picks?|choice)|selections? for you"
    r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|(?:also|further) read(?:ing)?|read (?:more|also|next)"
    r"|see also|related(?: articles| stories| news| posts| links| coverage| topics| content| reading| videos)?"
    r"|more (?:stories|news|from .{1,40}|on this(?: topic| story)?|in [\w ]{1,30})|top (?:stories|news|headlines)"
    r"|(?:the )?latest(?: news| stories| headlines| updates)?|in other news|don'?t miss|hot (?:topics|news|stories)"
    r"|what'?s (?:new|hot|happening)(?: in .{1,30})?|photos?|videos?|galler(?:y|ies)|in pictures|multimedia"
    r"|special reports?|highlights|headlines|news in brief|quick links|across (?:the )?\w+|elsewhere on .{1,30})"
)
_COMMENTS_WHOLE = re.compile(
    r"(?i)(?:\d+\s*)?comments?(?:\s*\((?:s|\d+)\))?|no comments?(?: yet| so far)?|reader comments"
    r"|(?:show|view|read|load|hide) (?:all )?comments?|comments? (?:are|is) closed.*|have your say|discussion"
)
_COMMENTS_START = re.compile(
    r"(?i)^(?:leave (?:a|your) (?:comments?|reply)|add (?:a |your )?comments?|post (?:a |your )?comments?"
    r"|write (?:a )?comments?|join the (?:discussion|conversation)|go to forum|speak your mind)"
)
_UI_WHOLE = re.compile(
    r"(?i)(?:advertisements?|advertising|sponsored(?: content)?|ads?|promoted|scroll (?:down )?to continue.*"
    r"|story continues below.*|continue reading.*|skip to (?:main )?content|back to top|top|more|next|previous"
    r"|(?:previous|next) (?:article|story|page|post)|home|menu|search|log ?in|sign ?in|sign up|register|subscribe"
    r"|close|share|print|name|e-?mail|website|submit|send|post comment|post|reply|cancel|user ?name(?: required)?"
    r"|your (?:comment|name|e-?mail)(?: required)?|password|captcha|verification code|rss|newsletters?|mobile|apps?"
    r"|about us|contact(?: us)?|privacy(?: policy)?|terms of (?:use|service)|loading.*|accept(?: all)?|reject(?: all)?"
    r"|\(?(?:responsible |chief )?editors?\s*[:：].*|(?:tags?|keywords?|topics?|filed under|categories)\s*[:：].*"
    r"|\[?(?:file )?(?:photo|image|picture|video|graphic)s?(?: credit)?\s*[:：/].{0,60}"
    r"|(?:related|read more|read also|see also|also read|more)\s*[:：].{0,150}|https?://\S+|www\.\S+)"
)
_UI_ANYWHERE = re.compile(
    r"(?i)\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b|\bcookie (?:policy|settings|preferences|notice"
    r"|consent)\b|\baccept (?:all )?cookies\b|\bby continuing to (?:browse|use)\b|\bakismet\b|\breduce spam\b"
    r"|\bcomment data is processed\b|\bcomments? (?:are|is|will be) (?:moderated|reviewed)\b"
    r"|\bcomments? may be (?:removed|deleted|edited)\b|\b(?:racist|abusive|off-topic)\b.{0,40}\bcomments?\b"
    r"|\byour e-?mail address will not be published\b|\brequired fields are marked\b|\bnotify me of (?:new|follow-up)\b"
    r"|\bsave my name\b|\benter the (?:words|code|characters) (?:you see|shown|above)\b"
    r"|^follow (?:us|[\w .'’&-]{1,40}?) on (?:twitter|facebook|x|weibo|wechat|instagram|linkedin|youtube|tiktok|telegram)\b"
    r"|^(?:like|join|find) us on\b|\b(?:sign up|subscribe)\b.{0,40}\b(?:newsletter|updates|alerts)\b|^(?:click|tap) here\b"
    r"|\bdownload (?:our|the) app\b|^send (?:us )?your (?:stor(?:y|ies)|tips?|photos)|^get (?:more|the latest) .{0,40}from\b"
    r"|(?:copyright|©).{0,60}\b(?:19|20)\d{2}\b|\ball rights reserved\b|\bjavascript (?:is )?(?:disabled|required)\b"
    r"|\benable javascript\b|\byour browser does not support\b"
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
    """A paragraph with sentence structure: long enough and closed, or long, or several sentences."""
    n = word_count(text)
    return (n >= 10 and ends_sentence(text)) or n >= 20 or (n >= 8 and len(_SENTENCE_END.findall(text)) >= 1)


def is_sentence(text: str) -> bool:
    """A short line that still reads as a sentence ("He declined to comment.")."""
    return is_prose(text) or (word_count(text) >= 3 and ends_sentence(text) and not text.rstrip(_CLOSERS).endswith("?"))


def strip_share_tokens(line: str) -> str:
    """The line without share/print/comment-count tokens: "0 Comment(s)Print E-mail CRI, ..." -> "CRI, ..."."""
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
