"""The Ringkasan page's delivery health section: per branch, whether a staff group is linked,
lead cards still undelivered and the oldest of them, leads unclaimed past the reminder
deadline (``bot.delivery_health``). Stuck branches come first and are highlighted."""

from __future__ import annotations

from aiohttp import web

from bot import delivery_health
from bot.dashboard import keys
from bot.dashboard import labels as fmt
from bot.dashboard.html import Html, el
from bot.dashboard.layout import empty, kpi, query_url, table
from bot.i18n import _


def health_section(request: web.Request, health: delivery_health.DeliveryHealth) -> Html:
    lang = keys.lang_of(request)
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    unlinked = health.unlinked
    figures = el(
        "div",
        kpi("unlinked_branches", _("Branches with leads but no group", lang), len(unlinked),
            n(len(unlinked)), warn=bool(unlinked)),
        kpi("undelivered_cards", _("Cards undelivered", lang), health.undelivered,
            n(health.undelivered), warn=health.undelivered > 0),
        kpi("overdue_leads", _("Leads past the reminder deadline", lang), health.overdue,
            n(health.overdue), _("unclaimed after {hours} h", lang, hours=health.reminder_hours),
            warn=health.overdue > 0),
        class_="kpis",
    )
    warning = None
    if unlinked:
        where = (
            _("Their cards go to the admin group until the branch links its own.", lang)
            if health.admin_group
            else _("No admin group is set either: their cards wait until a group is linked.",
                   lang)
        )
        warning = el(
            "div",
            el("p", el("strong", _("These branches have leads but no linked staff group:", lang)),
               " ", where),
            el("ul", [el("li", b.branch_name, " (", b.branch_code, ") · ",
                         _("{n} leads", lang, n=n(b.leads)), data_branch=b.branch_code)
                      for b in unlinked]),
            class_="notice warn", role="alert", id="unlinked-branches",
        )
    if not health.branches:
        body: Html = empty(_("No leads and no linked groups yet.", lang))
    else:
        body = table(
            [_("Branch", lang), _("Group linked", lang), _("Leads", lang),
             _("Cards undelivered", lang), _("Oldest undelivered", lang),
             _("Past the reminder deadline", lang)],
            [[el("a", b.branch_name, href=query_url("/leads", {"cabang": b.branch_code})),
              _("linked", lang) if b.group_linked
              else el("strong", _("not linked", lang), class_="flag"),
              n(b.leads), n(b.undelivered), _oldest(b, lang), n(b.overdue)]
             for b in health.branches],
            numeric=(2, 3, 5),
            row_classes=["overdue" if b.stuck or not b.group_linked else None
                         for b in health.branches],
            css="health",
        )
    return el(
        "section",
        el("h2", _("Delivery health", lang)),
        el("p", _("Per branch: is a staff group linked, how many lead cards have not reached a "
                  "group yet, and how many leads nobody claimed within {hours} hours. Stuck "
                  "branches first.", lang, hours=health.reminder_hours), class_="muted"),
        figures, warning, body,
        id="delivery-health",
    )


def _oldest(branch: delivery_health.BranchHealth, lang: str) -> Html | str:
    if branch.oldest_undelivered_at is None:
        return "–"
    return el("span", fmt.hours(branch.oldest_undelivered_hours, lang), " · ",
              fmt.moment(branch.oldest_undelivered_at, lang),
              data_hours=round(branch.oldest_undelivered_hours or 0, 2))
