"""Logging set-up. Every record passes through a filter that masks phone numbers (UU 27/2022):
an accidental ``log.info(lead)`` must not leak a worker's number into log files."""

from __future__ import annotations

import logging
import re

# +62 812-3456-7890, 0812 3456 7890, 6281234567890 ... any run of 9+ digits with separators.
_PHONE = re.compile(r"(?<![\w])(\+?\d[\d\s\-().]{7,}\d)(?![\w])")


def mask_phone_numbers(text: str) -> str:
    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) < 9:
            return match.group(1)
        return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]

    return _PHONE.sub(mask, text)


class PhoneMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_phone_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PhoneMaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every Bot API request at INFO, with the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
