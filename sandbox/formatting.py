"""Text formatting as Telegram applies it: parse_mode parsers and automatic entities.

Offsets and lengths of entities count UTF-16 code units, as in the Bot API. Parse errors carry
Telegram's wording (the part after "Bad Request: can't parse entities: "), with byte offsets
counted in the UTF-8 encoded source, like Telegram's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape as _unescape_numeric
from typing import Any

Entity = dict[str, Any]


class ParseError(Exception):
    """The text does not parse in the requested parse_mode."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (what Telegram counts): astral characters count twice."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """The part of ``text`` an entity covers (offsets in UTF-16 code units)."""
    if text.isascii():
        return text[offset : offset + length]
    encoded = text.encode("utf-16-le")
    return encoded[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="replace")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def parse(
    text: str, parse_mode: str | None, *, strict_ampersand: bool = True
) -> tuple[str, list[Entity]]:
    """Text and entities after applying ``parse_mode`` (None: plain text), then stripping."""
    mode = (parse_mode or "").strip().lower()
    entities: list[Entity]
    if not mode:
        plain, entities = text, []
    elif mode == "html":
        plain, entities = parse_html(text, strict_ampersand=strict_ampersand)
    elif mode == "markdownv2":
        plain, entities = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, entities = parse_markdown(text)
    else:
        raise UnsupportedParseMode(parse_mode or "")
    return strip_text(plain, entities)


class UnsupportedParseMode(Exception):
    """parse_mode is not HTML, MarkdownV2 or Markdown."""


def strip_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram trims leading and trailing whitespace and clips entities to what remains."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    head = utf16_len(text[: len(text) - len(text.lstrip())])
    end = head + utf16_len(stripped)
    clipped: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"], head)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            clipped.append({**entity, "offset": start - head, "length": stop - start})
    return stripped, clipped


def _sorted(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --- HTML ---------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
        "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{1,10});")
_NAME_END = re.compile(r"[\s>]")


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    start: int  # UTF-16 offset in the output
    source_pos: int  # index of "<" in the source


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[Entity]]:
    """Parse Telegram's HTML subset into plain text and entities."""
    out: list[str] = []
    position = 0  # UTF-16 offset of the output so far
    stack: list[_OpenTag] = []
    entities: list[Entity] = []
    i, n = 0, len(text)
    while i < n:
        match = _HTML_SPECIAL.search(text, i)
        if match is None:
            chunk = text[i:]
            out.append(chunk)
            position += utf16_len(chunk)
            break
        j = match.start()
        if j > i:
            chunk = text[i:j]
            out.append(chunk)
            position += utf16_len(chunk)
        i = j
        if text[i] == "&":
            decoded, i = _html_entity(text, i, strict_ampersand)
            out.append(decoded)
            position += utf16_len(decoded)
        elif text.startswith("</", i):
            i = _close_tag(text, i, stack, entities, position, out)
        else:
            tag, i = _open_tag(text, i, position)
            stack.append(tag)
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return "".join(out), _sorted(entities)


def _html_entity(text: str, i: int, strict: bool) -> tuple[str, int]:
    match = _HTML_ENTITY.match(text, i)
    if match is not None:
        body = match.group()[1:-1]
        if body.startswith("#"):
            decoded = _unescape_numeric(match.group())
            if decoded != match.group():
                return decoded, match.end()
        elif body in _NAMED_ENTITIES:
            return _NAMED_ENTITIES[body], match.end()
    if strict:
        raise ParseError(
            f'Unescaped "&" at byte offset {_byte_offset(text, i)} (the sandbox is stricter '
            "than Telegram here: only &lt; &gt; &amp; &quot; and numeric entities are decoded, "
            "so escape user text with html.escape)"
        )
    return "&", i + 1


def _open_tag(text: str, i: int, position: int) -> tuple[_OpenTag, int]:
    begin = i
    n = len(text)
    end_of_name = _NAME_END.search(text, i + 1)
    if end_of_name is None:
        raise ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
    name = text[i + 1 : end_of_name.start()].lower()
    if name not in _HTML_TAGS:
        raise ParseError(
            f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
        )
    i = end_of_name.start()
    attributes: dict[str, str] = {}
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            raise ParseError(
                f'Unclosed start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] == ">":
            i += 1
            break
        attr_start = i
        while i < n and not text[i].isspace() and text[i] not in "=>/\"'":
            i += 1
        attr_name = text[attr_start:i].lower()
        if not attr_name:
            raise ParseError(
                f'Empty attribute name in the tag "{name}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == "=":
            i += 1
            while i < n and text[i].isspace():
                i += 1
            value, i = _attribute_value(text, i, name, begin)
            attributes[attr_name] = value
        else:
            attributes[attr_name] = ""
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise ParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
        )
    return _OpenTag(name, attributes, position, begin), i


def _attribute_value(text: str, i: int, tag: str, begin: int) -> tuple[str, int]:
    n = len(text)
    if i >= n:
        raise ParseError(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
    quote = text[i]
    if quote in "\"'":
        close = text.find(quote, i + 1)
        if close < 0:
            raise ParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        raw = text[i + 1 : close]
        return _decode_attribute(raw), close + 1
    start = i
    while i < n and (text[i].isalnum() or text[i] in ".-_"):
        i += 1
    if i < n and not text[i].isspace() and text[i] != ">":
        raise ParseError(f"Unexpected end of name token at byte offset {_byte_offset(text, i)}")
    return text[start:i].lower(), i


def _decode_attribute(raw: str) -> str:
    if "&" not in raw:
        return raw

    def decode(match: re.Match[str]) -> str:
        body = match.group()[1:-1]
        if body.startswith("#"):
            return _unescape_numeric(match.group())
        return _NAMED_ENTITIES.get(body, match.group())

    return _HTML_ENTITY.sub(decode, raw)


def _close_tag(
    text: str,
    i: int,
    stack: list[_OpenTag],
    entities: list[Entity],
    position: int,
    out: list[str],
) -> int:
    begin = i
    n = len(text)
    if not stack:
        raise ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
    i += 2
    name_start = i
    while i < n and not text[i].isspace() and text[i] != ">":
        i += 1
    name = text[name_start:i].lower()
    while i < n and text[i].isspace():
        i += 1
    if i >= n or text[i] != ">":
        raise ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
    tag = stack[-1]
    if name and name != tag.name:
        raise ParseError(
            f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
            f'expected "</{tag.name}>", found "</{name}>"'
        )
    stack.pop()
    length = position - tag.start
    if length > 0:
        _add_html_entity(tag, length, entities, "".join(out))
    return i + 1


def _add_html_entity(tag: _OpenTag, length: int, entities: list[Entity], output: str) -> None:
    entity: Entity = {"offset": tag.start, "length": length}
    if tag.name in _SIMPLE_TYPES:
        entity["type"] = _SIMPLE_TYPES[tag.name]
    elif tag.name == "a":
        href = tag.attributes.get("href") or _tail_utf16(output, length)
        entity.update(type="text_link", url=href)
    elif tag.name == "code":
        entity["type"] = "code"
        language = tag.attributes.get("class", "")
        if language.startswith("language-"):
            entity["language"] = language.removeprefix("language-")
    elif tag.name == "pre":
        # <pre><code class="language-x">: one pre entity carrying the language.
        inner = [
            e
            for e in entities
            if e["type"] == "code" and e["offset"] == tag.start and e["length"] == length
        ]
        entity["type"] = "pre"
        for code in inner:
            entities.remove(code)
            if "language" in code:
                entity["language"] = code["language"]
    elif tag.name == "blockquote":
        expandable = "expandable" in tag.attributes
        entity["type"] = "expandable_blockquote" if expandable else "blockquote"
    elif tag.name == "tg-emoji":
        emoji_id = tag.attributes.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise ParseError("Invalid custom emoji identifier specified")
        entity.update(type="custom_emoji", custom_emoji_id=emoji_id)
    entities.append(entity)


def _tail_utf16(output: str, length: int) -> str:
    """The last ``length`` UTF-16 units of the output (the text of an <a> without href)."""
    encoded = output.encode("utf-16-le")
    return encoded[len(encoded) - 2 * length :].decode("utf-16-le")


# --- MarkdownV2 ----------------------------------------------------------------------------

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
}
_MDV2_TYPES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2: *bold* _italic_ __underline__ ~strike~ ||spoiler|| `code` ```pre```
    [text](url) and ``>`` blockquote lines; every other reserved character must be escaped."""
    out: list[str] = []
    position = 0
    entities: list[Entity] = []
    stack: list[tuple[str, int, int]] = []  # (marker, utf16 start, source index)
    quote_start: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        at_line_start = i == 0 or text[i - 1] == "\n"
        if at_line_start and char == ">":
            if quote_start is None:
                quote_start = position
            i += 1
            continue
        if at_line_start and quote_start is not None and char != ">":
            # The quoted block ended at the previous newline.
            end = position - 1 if out and out[-1].endswith("\n") else position
            if end > quote_start:
                entities.append(
                    {"type": "blockquote", "offset": quote_start, "length": end - quote_start}
                )
            quote_start = None
        if char == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.append(text[i + 1])
                position += 1
                i += 2
                continue
            raise ParseError(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if char == "`":
            i, position = _mdv2_code(text, i, position, out, entities)
            continue
        if char == "[":
            stack.append(("[", position, i))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[":
            _, start, source = stack.pop()
            if not text.startswith("(", i + 1):
                raise ParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, source)}"
                )
            close = _find_unescaped(text, ")", i + 2)
            if close < 0:
                raise ParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, source)}"
                )
            url = re.sub(r"\\(.)", r"\1", text[i + 2 : close])
            if position > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": position - start, "url": url}
                )
            i = close + 1
            continue
        marker = _mdv2_marker(text, i)
        if marker:
            if stack and stack[-1][0] == marker:
                _, start, _source = stack.pop()
                if position > start:
                    entities.append(
                        {"type": _MDV2_TYPES[marker], "offset": start, "length": position - start}
                    )
            else:
                stack.append((marker, position, i))
            i += len(marker)
            continue
        if char in _MDV2_RESERVED:
            raise ParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(char)
        position += utf16_len(char)
        i += 1
    if quote_start is not None and position > quote_start:
        entities.append(
            {"type": "blockquote", "offset": quote_start, "length": position - quote_start}
        )
    if stack:
        marker, _, source = stack[-1]
        if marker == "[":
            raise ParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, source)}")
        raise ParseError(
            f"Can't find end of {_MDV2_NAMES[marker]} entity at byte offset "
            f"{_byte_offset(text, source)}"
        )
    return "".join(out), _sorted(entities)


def _mdv2_marker(text: str, i: int) -> str:
    if text.startswith("__", i):
        return "__"
    if text.startswith("||", i):
        return "||"
    return text[i] if text[i] in "*_~" else ""


def _find_unescaped(text: str, char: str, i: int) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _mdv2_code(
    text: str, i: int, position: int, out: list[str], entities: list[Entity]
) -> tuple[int, int]:
    fence = "```" if text.startswith("```", i) else "`"
    close = _find_unescaped(text, fence[0], i + len(fence))
    if fence == "```":
        while close >= 0 and not text.startswith("```", close):
            close = _find_unescaped(text, "`", close + 1)
    if close < 0:
        kind = "Pre" if fence == "```" else "Code"
        raise ParseError(f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}")
    body = text[i + len(fence) : close]
    entity: Entity = {"type": "pre" if fence == "```" else "code"}
    if fence == "```":
        first_line, newline, rest = body.partition("\n")
        if newline and first_line and " " not in first_line:
            entity["language"] = first_line
            body = rest
    body = re.sub(r"\\([`\\])", r"\1", body)
    length = utf16_len(body)
    if length:
        entities.append({**entity, "offset": position, "length": length})
    out.append(body)
    return close + len(fence), position + length


# --- Markdown (legacy) ---------------------------------------------------------------------


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url); no nesting."""
    out: list[str] = []
    position = 0
    entities: list[Entity] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            position += 1
            i += 2
            continue
        if char in "*_`[":
            fence = "```" if text.startswith("```", i) else char
            closer = "]" if fence == "[" else fence
            close = text.find(closer, i + len(fence))
            if close < 0:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + len(fence) : close]
            length = utf16_len(body)
            entity: Entity = {"offset": position, "length": length}
            end = close + len(closer)
            if fence == "[":
                url_match = re.match(r"\(([^)]*)\)", text[end:])
                if url_match is None:
                    raise ParseError(
                        "Can't find end of the entity starting at byte offset "
                        f"{_byte_offset(text, i)}"
                    )
                entity.update(type="text_link", url=url_match.group(1))
                end += url_match.end()
            else:
                entity["type"] = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[fence]
            if length:
                entities.append(entity)
            out.append(body)
            position += length
            i = end
            continue
        out.append(char)
        position += utf16_len(char)
        i += 1
    return "".join(out), _sorted(entities)


# --- Entities Telegram adds to what users type ---------------------------------------------

_AUTO_ENTITIES = re.compile(
    r"(?P<bot_command>(?<![\w/])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?)"
    r"|(?P<url>\bhttps?://[^\s<>\"']+)"
    r"|(?P<email>\b[\w.+-]+@[\w-]+\.[\w.-]+\b)"
    r"|(?P<mention>(?<!\w)@[a-zA-Z0-9_]{5,32})"
    r"|(?P<hashtag>(?<!\w)#\w+)"
)


def detect_entities(text: str) -> list[Entity]:
    """The entities Telegram's clients attach to plain text a user sends."""
    entities: list[Entity] = []
    for match in _AUTO_ENTITIES.finditer(text):
        kind = match.lastgroup or ""
        start = utf16_len(text[: match.start()])
        entities.append({"type": kind, "offset": start, "length": utf16_len(match.group())})
    return entities
