"""Bebas Cemas: a Telegram assistant for BPJS Ketenagakerjaan's BPU outreach campaign."""

__version__ = "0.1.0"
