"""The outbox: messages written in the same transaction as the change they announce, and sent
later, with retries, by one sender class (:mod:`bot.outbox.sender`) for every kind.

- :mod:`bot.outbox.queues`: the two queues (tables) the sender drains, and the periodic work
  that fills each (reminders and escalations; follow-ups and idle tickets);
- :mod:`bot.outbox.renderers`: the kind → renderer table (lead cards, reminders, escalations,
  tickets, staff answers, follow-ups, alerts, broadcast previews), texts from bot.presentation;
- :mod:`bot.outbox.tracking`: sends that are never repeated silently;
- :mod:`bot.outbox.tasks`: one task per queue, woken by ``Services.wake_outbox``.
"""
