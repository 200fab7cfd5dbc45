"""The sandbox parses parse_mode text like Telegram: entities in UTF-16 units, Telegram's
error wording, and trimming."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.formatting import (
    ParseError,
    detect_entities,
    parse,
    parse_html,
    parse_markdown_v2,
    utf16_len,
)
from sandbox.validation import formatted_text


def test_utf16_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("Rp 16.800 💸") == 12
    assert utf16_len("é") == 1


def test_html_tags_become_entities_with_utf16_offsets() -> None:
    text, entities = parse_html('💸 <b>Iuran</b> <a href="https://bpjs.go.id">info</a>')
    assert text == "💸 Iuran info"
    assert entities == [
        {"offset": 3, "length": 5, "type": "bold"},
        {"offset": 9, "length": 4, "type": "text_link", "url": "https://bpjs.go.id"},
    ]


def test_html_nesting_entities_and_pre_with_language() -> None:
    text, entities = parse_html(
        "<b>a <i>b</i></b> &lt;&gt;&amp;&quot;&#39;&#x27; "
        '<pre><code class="language-python">x</code></pre>'
    )
    assert text == "a b <>&\"'' x"
    types = {(e["type"], e["offset"], e["length"]) for e in entities}
    assert types == {("bold", 0, 3), ("italic", 2, 1), ("pre", 11, 1)}
    assert next(e for e in entities if e["type"] == "pre")["language"] == "python"


def test_html_spoiler_blockquote_and_uppercase_tags() -> None:
    text, entities = parse_html(
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler><B>u</B>'
        "<blockquote expandable>q</blockquote>"
    )
    assert text == "stuq"
    assert [e["type"] for e in entities] == ["spoiler", "spoiler", "bold", "expandable_blockquote"]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br>x", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("é <p>", 'Unsupported start tag "p" at byte offset 3'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_malformed_html_is_rejected_with_telegrams_wording(source: str, error: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_html(source)
    assert str(raised.value) == error


def test_bare_ampersand_is_rejected_in_strict_mode_only() -> None:
    with pytest.raises(ParseError, match="Unescaped"):
        parse_html("AT&T")
    with pytest.raises(ParseError, match="Unescaped"):
        parse_html("a&nbsp;b")
    assert parse_html("AT&T", strict_ampersand=False) == ("AT&T", [])


def test_text_is_trimmed_and_entities_clipped() -> None:
    text, entities = parse("  <b> halo </b>  ", "HTML")
    assert text == "halo"
    assert entities == [{"offset": 0, "length": 4, "type": "bold"}]


def test_markdown_v2_entities_and_reserved_characters() -> None:
    text, entities = parse_markdown_v2(
        r"*tebal* _miring_ __garis__ ||rahasia|| `kode` [tautan](https://x.id) 1\.5"
    )
    assert text == "tebal miring garis rahasia kode tautan 1.5"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "spoiler",
        "code",
        "text_link",
    ]
    with pytest.raises(ParseError) as raised:
        parse_markdown_v2("Iuran Rp16.800")
    assert str(raised.value) == (
        "Character '.' is reserved and must be escaped with the preceding '\\'"
    )
    with pytest.raises(ParseError, match="Can't find end of Bold entity at byte offset 0"):
        parse_markdown_v2("*tebal")


def test_length_is_checked_after_parsing_in_utf16_units() -> None:
    text, _ = formatted_text("<b>" + "a" * 4096 + "</b>", "HTML", None, strict_ampersand=True)
    assert len(text) == 4096
    with pytest.raises(ApiError, match="message is too long"):
        formatted_text("💸" * 2049, None, None, strict_ampersand=True)
    with pytest.raises(ApiError, match="message text is empty"):
        formatted_text("<b> </b>", "HTML", None, strict_ampersand=True)


def test_commands_mentions_and_urls_are_detected_in_user_text() -> None:
    entities = detect_entities("/start kkbc_lamongan @BebasCemasBot https://bpjs.go.id")
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bot_command", 0, 6),
        ("mention", 21, 14),
        ("url", 36, 18),
    ]
