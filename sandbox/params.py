"""Reading Bot API parameters the way Telegram does.

Bot API clients send JSON bodies, url-encoded forms or multipart forms (with files); in forms,
nested objects such as ``reply_markup`` arrive as JSON-encoded strings and numbers as text.
:class:`Params` hides the difference and raises Telegram's errors for malformed values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from sandbox.errors import ApiError, bad_request


@dataclass(frozen=True)
class UploadedFile:
    """One multipart part carrying a file."""

    filename: str
    content_type: str
    data: bytes


_JSON_TYPES = ("application/json",)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_params(request: web.Request) -> Params:
    """Collect query string and body parameters into one :class:`Params`."""
    values: dict[str, Any] = dict(request.query) if request.query_string else {}
    files: dict[str, UploadedFile] = {}
    if request.method == "POST" and request.body_exists:
        content_type = request.content_type
        if content_type in _JSON_TYPES:
            try:
                body = await request.json()
            except ValueError as exc:
                raise bad_request("can't parse JSON encoded request parameters") from exc
            if not isinstance(body, dict):
                raise bad_request("can't parse JSON encoded request parameters")
            values.update(body)
        elif content_type in _FORM_TYPES:
            _collect_form(await request.post(), values, files)
    return Params(values, files)


def _collect_form(
    form: MultiDictProxy[Any], values: dict[str, Any], files: dict[str, UploadedFile]
) -> None:
    for name, value in form.items():
        if isinstance(value, web.FileField):
            files[name] = UploadedFile(
                filename=value.filename or name,
                content_type=value.content_type or "application/octet-stream",
                data=value.file.read(),
            )
        else:
            values[name] = value


class Params:
    """Typed access to one request's parameters."""

    __slots__ = ("files", "values")

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        value = self.values.get(name)
        return value is not None and value != ""

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Integer')

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise bad_request(f'field "{name}" must be of type Float')

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise bad_request(f'field "{name}" must be of type Boolean')

    def json(self, name: str, error: str | None = None) -> Any:
        """A nested object or array; JSON-encoded when it came in a form."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise bad_request(error or f"can't parse {name} JSON object") from exc
        return value

    def chat_id(self, name: str = "chat_id") -> int:
        """A chat id; ``@channelusername`` targets are not modelled, so they are not found."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        try:
            result = self.integer(name)
        except ApiError as exc:
            raise bad_request("chat not found") from exc
        assert result is not None
        return result

    def file(self, name: str) -> UploadedFile | str | None:
        """An uploaded file (direct part or ``attach://``), or a file_id/URL string."""
        if name in self.files:
            return self.files[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            attached = self.files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file {value} not found in the request")
            return attached
        return value
