"""Plain text, Markdown and HTML: decoded strictly, split into sections by their headings."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from rag.extractors.figures import FigureDraft, found_figures
from rag.extractors.types import Extraction, IngestionInputError, Section
from rag.figures import caption_title, starts_like_a_caption

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
# ![alt](file.png "title"): the address may be wrapped in <>, the title quoted with " or '.
_IMAGE_PARTS = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"']([^\"']*)[\"'])?\s*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<[^>\n]+>")


def extract_markdown(content: bytes) -> Extraction:
    """Each ATX (``## Title``) or setext heading opens a section; nested levels form the heading path.

    Each image becomes a figure with its alt text and title; a line next to it that starts with
    "Figure"/"Fig." is its caption.
    """
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
            if not in_fence:
                for match in _IMAGE_PARTS.finditer(line):
                    builder.add_figure(src=match.group(2), alt=match.group(1), title=match.group(3) or "",
                                       caption=_markdown_caption(lines, index))
            builder.add_text(line if in_fence else _inline_markdown(line))
    sections = builder.sections()
    return Extraction(sections=sections, diagrams=found_figures(builder.figures))


def _markdown_caption(lines: list[str], index: int) -> str:
    """The line just below the image (or else just above it, a blank line apart at most) when it reads
    like a caption ("*Figure 2: The heart*")."""
    for step in (1, -1):
        for neighbour in (index + step, index + 2 * step):
            if not 0 <= neighbour < len(lines):
                break
            text = _inline_markdown(lines[neighbour]).strip()
            if text:
                if starts_like_a_caption(text) and not _IMAGE.search(lines[neighbour]):
                    return text
                break
    return ""


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

    Every ``<img>`` with alt text or an embedded picture, and every ``<figure>``, becomes a figure with
    its ``<figcaption>``.

    Text is UTF-8 unless the page declares its charset in a ``<meta>`` tag.
    """
    sanitised = nh3.clean(
        _decode_html(content),
        tags=_HTML_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={"img": {"alt", "src", "title"}},
        url_schemes={"data"},  # a picture embedded in the page is read; nothing is ever fetched
    )
    parser = _HtmlSections()
    parser.feed(sanitised)
    parser.close()
    sections = parser.builder.sections()
    return Extraction(sections=sections, diagrams=found_figures(parser.builder.figures))


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
        self._figure_images: list[dict[str, str]] | None = None  # inside a <figure>
        self._caption: list[str] | None = None  # inside a <figcaption>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._flush_line()
            self._heading_level, self._heading_text = int(tag[1]), []
        elif tag == "img":
            image = {name: value or "" for name, value in attrs}
            if self._figure_images is not None:
                self._figure_images.append(image)
            elif image.get("alt") or image.get("src", "").startswith("data:"):
                self._flush_line()
                self.builder.add_figure(src=image.get("src", ""), alt=image.get("alt", ""),
                                        title=image.get("title", ""), caption="")
            if image.get("alt"):
                self.handle_data(f" {image['alt']} ")
        elif tag in _BLOCKS:
            self._flush_line()
            if tag == "figure":
                self._figure_images, self._caption = [], None
            elif tag == "figcaption":
                self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and self._heading_level:
            self.builder.open_heading(self._heading_level, " ".join("".join(self._heading_text).split()))
            self._heading_level = 0
        elif tag == "figure" and self._figure_images is not None:
            self._flush_line()
            self._close_figure()
        elif tag == "figcaption" and self._caption is not None:
            self._flush_line(caption=True)
        elif tag in _BLOCKS:
            self._flush_line()

    def _close_figure(self) -> None:
        """One figure per picture in it (a figure without a picture is its caption), all with its caption."""
        caption = " ".join("".join(self._caption or []).split())
        for image in self._figure_images or [{}]:
            if image or caption:
                self.builder.add_figure(src=image.get("src", ""), alt=image.get("alt", ""),
                                        title=image.get("title", ""), caption=caption)
        self._figure_images, self._caption = None, None

    def handle_data(self, data: str) -> None:
        (self._heading_text if self._heading_level else self._line).append(data)
        if self._caption is not None and not self._heading_level:
            self._caption.append(data)

    def close(self) -> None:
        super().close()
        self._flush_line()

    def _flush_line(self, *, caption: bool = False) -> None:
        """The line read so far as a line of text; a caption's opening title as a line of its own, so the title
        is not read as the start of the caption's first sentence."""
        line = " ".join("".join(self._line).split())
        self._line = []
        title, line = caption_title(line) if caption else ("", line)
        for text in (title, line):
            if text:
                self.builder.add_text(text)


# --- shared ----------------------------------------------------------------------------------


class _SectionBuilder:
    """Collects lines under the current heading path; a heading of level n replaces levels >= n."""

    def __init__(self) -> None:
        self._path: list[tuple[int, str]] = []
        self._lines: list[str] = []
        self._sections: list[Section] = []
        self.figures: list[FigureDraft] = []
        self.just_opened = False

    def add_figure(self, *, src: str, alt: str, title: str, caption: str) -> None:
        """A figure at this point of the text: in the section being built, after the lines so far."""
        self.figures.append(FigureDraft(
            src=src, alt=alt, title=title, caption=caption, headings=tuple(heading for _, heading in self._path),
            section=len(self._sections), offset=len("\n".join(self._lines)),
        ))  # fmt: skip

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
