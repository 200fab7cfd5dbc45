"""What outgoing messages look like: text and buttons, built from plain domain values.

Both the handlers (answering an update) and the senders (bot.outbox.renderers, the broadcast
sender bot.campaign_jobs) import these renderers, so a sender never reaches into handlers/.
Part of the wiring: it builds python-telegram-bot keyboards.
"""
