"""A tiny HTML builder that escapes by construction.

``el("td", value, class_="num")`` escapes ``value`` unless it is already :class:`Html` (markup
built here). Pages are composed from these calls, so no template can forget to escape a branch
name or a question a worker typed. Attribute names: a trailing ``_`` is dropped (``class_``),
other underscores become hyphens (``aria_label``); ``True`` renders a bare attribute, ``None``
and ``False`` leave it out.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

VOID_ELEMENTS = frozenset({"br", "hr", "img", "input", "link", "meta"})


class Html(str):
    """A string of markup that is safe to insert as is."""

    __slots__ = ()


def escape(value: object) -> Html:
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def join(*parts: object) -> Html:
    return Html("".join(_children(parts)))


def el(tag: str, *children: object, **attrs: object) -> Html:
    opening = f"<{tag}{_attributes(attrs)}>"
    if tag in VOID_ELEMENTS:
        return Html(opening)
    return Html(f"{opening}{''.join(_children(children))}</{tag}>")


def _children(children: Iterable[object]) -> Iterable[str]:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, list | tuple):
            yield from _children(child)
        else:
            yield escape(child)


def _attributes(attrs: dict[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)
