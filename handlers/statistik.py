"""/statistik (alias /stats): the campaign's headline figures as a short text, for admins only
(``ADMIN_IDS``). The same figures as the dashboard's Ringkasan page (``bot.stats.summary``)."""

from __future__ import annotations

import html

from babel.numbers import format_percent
from telegram import Update

from bot import stats
from bot.clock import utcnow
from bot.i18n import _, babel_locale, format_number
from handlers.context import BotContext


async def statistik_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = context.lang
    settings = context.services.settings
    if user.id not in settings.admin_ids:
        await message.reply_html(_("This command is only for the campaign's admins.", lang))
        return
    now = utcnow()
    async with context.services.db.transaction() as uow:
        data = await stats.digest(
            uow, now, settings.lead_reminder_hours, settings.admin_group_id
        )
    await message.reply_html(render_digest(data, lang, now.date().isoformat()))


def render_digest(data: stats.Digest, lang: str, day: str) -> str:
    summary = data.summary
    n = lambda value: format_number(value, lang)  # noqa: E731

    def pct(value: float | None) -> str:
        if value is None:
            return "–"
        return format_percent(value, format="#,##0.#%", locale=babel_locale(lang))

    lines = [
        _("<b>Bebas Cemas statistics</b> ({day})", lang, day=day),
        _("Users: {users} (active: {week} in 7 days, {month} in 30 days)", lang,
          users=n(summary.users), week=n(summary.active_7d), month=n(summary.active_30d)),
        _("Questions: {questions}, answered {share}, unanswered {unanswered}", lang,
          questions=n(summary.questions), share=pct(summary.answered_share),
          unanswered=n(summary.unanswered)),
        _("Leads: {leads}, past the reminder deadline: {overdue}", lang,
          leads=n(summary.leads), overdue=n(data.overdue_leads)),
        "",
        _("<b>Funnel</b>", lang),
    ]
    for step in summary.funnel:
        # The rate with its base named ("50% of everyone who wrote to the bot"), never the
        # share of a skippable previous step (which read "Started registration 150%").
        rate = "" if step.base is None or step.rate is None else " ({})".format(
            _("{rate} of {base}", lang, rate=pct(step.rate),
              base=_(stats.FUNNEL_BASE_LABELS[step.base], lang)))
        label = _(stats.FUNNEL_LABELS[step.step], lang)
        lines.append(f"• {label}: {n(step.count)}{rate}")
    if data.unlinked:
        lines += ["", _("⚠️ <b>Branches with leads but no linked group</b>", lang)]
        for branch in data.unlinked:
            lines.append(_("• {branch}: {leads} leads, {cards} cards undelivered", lang,
                           branch=html.escape(branch.branch_name), leads=n(branch.leads),
                           cards=n(branch.undelivered)))
        lines.append(
            _("Their cards go to the admin group. Link the branch's group with a link code.",
              lang)
            if data.admin_group
            else _("No admin group is set either: their cards wait until the branch's group "
                   "is linked with a link code.", lang)
        )
    return "\n".join(lines)
