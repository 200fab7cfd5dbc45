"""Delivery health on the dashboard (``bot.delivery_health``): the Ringkasan page's section
(per branch, whether a staff group is linked, lead cards still undelivered and the oldest of
them, leads unclaimed past the reminder deadline; stuck branches first and highlighted), and
the lead page (one lead and its card's way to a group)."""

from __future__ import annotations

from aiohttp import web

from bot import delivery_health, stats
from bot.dashboard import keys
from bot.dashboard import labels as fmt
from bot.dashboard.html import Html, el
from bot.dashboard.layout import empty, kpi, page, query_url, table
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


def lead_page(request: web.Request, lead: delivery_health.LeadDelivery,
              names: stats.Names) -> web.Response:
    """One lead (no name or phone, like every dashboard page): its status, its card's way to
    a group, and its status history."""
    lang = keys.lang_of(request)
    moment = lambda value: fmt.moment(value, lang) if value else "–"  # noqa: E731
    status = [fmt.status_label(lead.shown_status, lang),
              el("strong", " · " + _("overdue", lang), class_="flag") if lead.overdue else None]
    facts = [
        (_("Status", lang), el("span", status, data_status=lead.shown_status)),
        (_("Registered", lang), moment(lead.created_at)),
        (_("Branch", lang), el("a", lead.branch_name,
                               href=query_url("/leads", {"cabang": lead.branch_code}))),
        (_("Province", lang), names.provinces.get(lead.province_code, lead.province_code)),
        (_("Occupation", lang), fmt.occupation_label(lead.occupation, lang)),
        (_("Claimed", lang), moment(lead.claimed_at)),
        (_("Contacted", lang), moment(lead.contacted_at)),
        (_("Closed", lang), moment(lead.closed_at)),
        (_("Lead card", lang), el("span", _card_text(lead, lang), data_card=lead.card.value)),
    ]
    if lead.card_attempts:
        facts.append((_("Send attempts", lang), fmt.number(lead.card_attempts, lang)))
    details = el("dl", [[el("dt", term), el("dd", value)] for term, value in facts],
                 class_="lead-detail")
    history = table([_("Status", lang), _("When", lang)],
                    [[fmt.status_label(c.status, lang), fmt.moment(c.at, lang)]
                     for c in lead.history]) if lead.history else empty("–")
    warning = el("p", _("The branch has no linked staff group and no admin group is set: this "
                        "card is sent as soon as the branch links its group.", lang),
                 class_="notice warn", role="alert") \
        if lead.card == delivery_health.CardState.WAITING_FOR_GROUP else None
    return page(request, _("Lead #{id}", lang, id=lead.id), warning, details,
                el("section", el("h2", _("Status history", lang)), history))


def _card_text(lead: delivery_health.LeadDelivery, lang: str) -> str:
    state = delivery_health.CardState
    if lead.card == state.DELIVERED:
        return _("delivered {when}", lang, when=fmt.moment(lead.card_sent_at, lang)) \
            if lead.card_sent_at else _("delivered", lang)
    if lead.card == state.WAITING_FOR_GROUP:
        return _("waiting for a group since {when}", lang,
                 when=fmt.moment(lead.card_queued_at, lang) if lead.card_queued_at else "–")
    if lead.card == state.QUEUED:
        return _("queued for the {where} since {when}", lang,
                 where=_("branch's group", lang)
                 if lead.target.kind == delivery_health.TargetKind.BRANCH_GROUP
                 else _("admin group", lang),
                 when=fmt.moment(lead.card_queued_at, lang) if lead.card_queued_at else "–")
    return _("no card queued", lang)
