"""Plain text, Markdown and HTML: decoded strictly, split into sections by their headings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from rag.extractors.types import Extraction, IngestionInputError, Section

NOT_UTF8 = (
    "This text file is not UTF-8, so its characters cannot be read reliably. "
    "Save it as UTF-8 (in most editors: Save as, then Encoding: UTF-8) and upload it again."
)


def decode_utf8(content: bytes) -> str:
    """UTF-8 with or without a byte-order mark; anything else is refused rather than guessed."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestionInputError(NOT_UTF8) from None


def extract_text(content: bytes) -> Extraction:
    return Extraction(sections=[Section(text=_normalise(decode_utf8(content)))])


# --- Markdown --------------------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<[^>\n]+>")


def extract_markdown(content: bytes) -> Extraction:
    """Each ATX (``## Title``) or setext heading opens a section; nested levels form the heading path."""
    lines = decode_utf8(content).splitlines()
    builder = _SectionBuilder()
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            builder.add_text(line)
            continue
        heading = None if in_fence else _ATX_HEADING.match(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if heading:
            builder.open_heading(len(heading.group(1)), _inline_markdown(heading.group(2)))
        elif not in_fence and line.strip() and _SETEXT_UNDERLINE.match(following):
            builder.open_heading(1 if following.strip().startswith("=") else 2, _inline_markdown(line.strip()))
        elif not in_fence and _SETEXT_UNDERLINE.match(line) and builder.just_opened:
            continue  # the underline of the setext heading just opened
        else:
            builder.add_text(line if in_fence else _inline_markdown(line))
    return Extraction(sections=builder.sections())


def _inline_markdown(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _TAG.sub("", text)


# --- HTML ------------------------------------------------------------------------------------

_HTML_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
    "thead", "tbody", "caption", "blockquote", "pre", "code", "figure", "figcaption", "section", "article",
    "div", "span", "em", "strong", "b", "i", "u", "a", "sub", "sup", "img",
}  # fmt: skip
_DROPPED_WITH_CONTENT = {"script", "style", "title", "noscript", "template", "iframe", "object", "svg", "math"}
_BLOCKS = _HTML_TAGS - {"span", "em", "strong", "b", "i", "u", "a", "sub", "sup", "code", "img"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)


def extract_html(content: bytes) -> Extraction:
    """Sanitised with nh3 first (scripts, styles, frames and their content removed); h1-h6 drive sections.

    Text is UTF-8 unless the page declares its charset in a ``<meta>`` tag.
    """
    sanitised = nh3.clean(
        _decode_html(content),
        tags=_HTML_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={"img": {"alt"}},
        url_schemes=set(),
    )
    parser = _HtmlSections()
    parser.feed(sanitised)
    parser.close()
    return Extraction(sections=parser.builder.sections())


def _decode_html(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = _META_CHARSET.search(content[:4096])
        if declared:
            try:
                return content.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise IngestionInputError(NOT_UTF8) from None


class _HtmlSections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = _SectionBuilder()
        self._heading_level = 0
        self._heading_text: list[str] = []
        self._line: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._flush_line()
            self._heading_level, self._heading_text = int(tag[1]), []
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.handle_data(f" {alt} ")
        elif tag in _BLOCKS:
            self._flush_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading_level:
            self.builder.open_heading(self._heading_level, " ".join("".join(self._heading_text).split()))
            self._heading_level = 0
        elif tag in _BLOCKS:
            self._flush_line()

    def handle_data(self, data: str) -> None:
        (self._heading_text if self._heading_level else self._line).append(data)

    def close(self) -> None:
        super().close()
        self._flush_line()

    def _flush_line(self) -> None:
        line = " ".join("".join(self._line).split())
        self._line = []
        if line:
            self.builder.add_text(line)


# --- shared ----------------------------------------------------------------------------------


class _SectionBuilder:
    """Collects lines under the current heading path; a heading of level n replaces levels >= n."""

    def __init__(self) -> None:
        self._path: list[tuple[int, str]] = []
        self._lines: list[str] = []
        self._sections: list[Section] = []
        self.just_opened = False

    def open_heading(self, level: int, title: str) -> None:
        self._close_section()
        self._path = [(lvl, text) for lvl, text in self._path if lvl < level]
        if title:
            self._path.append((level, title))
        self.just_opened = True

    def add_text(self, line: str) -> None:
        self._lines.append(line)
        self.just_opened = False

    def sections(self) -> list[Section]:
        self._close_section()
        return self._sections

    def _close_section(self) -> None:
        text = _normalise("\n".join(self._lines))
        self._lines = []
        if text:
            self._sections.append(Section(text=text, headings=tuple(title for _, title in self._path)))


_BLANK_LINES = re.compile(r"\n[ \t]*(\n[ \t]*)+")


def _normalise(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()
