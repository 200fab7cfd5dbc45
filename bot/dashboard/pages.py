"""The five dashboard pages, rendered from the plain results of ``bot.stats``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from aiohttp import web

from bot import learning, stats
from bot.dashboard import charts, keys
from bot.dashboard import labels as fmt
from bot.dashboard.forms import lead_filter_form, period_form
from bot.dashboard.html import Html, el
from bot.dashboard.layout import csrf_field, empty, kpi, page, query_url, table
from bot.dashboard.pages_health import health_section
from bot.dashboard.params import PeriodChoice
from bot.delivery_health import WAITING_FOR_GROUP, DeliveryHealth
from bot.i18n import _


def overview(request: web.Request, data: stats.Summary, scope: stats.Scope,
             health: DeliveryHealth | None = None) -> web.Response:
    lang = keys.lang_of(request)
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    figures = el(
        "section",
        kpi("users", _("Users", lang), data.users, n(data.users)),
        kpi("active_7d", _("Active, last 7 days", lang), data.active_7d, n(data.active_7d)),
        kpi("active_30d", _("Active, last 30 days", lang), data.active_30d, n(data.active_30d)),
        kpi("questions", _("Questions", lang), data.questions, n(data.questions)),
        kpi("answered_share", _("Answered", lang), data.answered_share,
            fmt.percent(data.answered_share, lang)),
        kpi("unanswered", _("Unanswered", lang), data.unanswered, n(data.unanswered)),
        kpi("leads", _("Leads", lang), data.leads, n(data.leads)),
        class_="kpis", aria_label=_("Headline figures", lang),
    )
    peak = max((s.count for s in data.funnel), default=0)
    rows = [
        [fmt.funnel_label(s.step, lang), charts.bar(s.count, peak, n(s.count), css="bar funnel"),
         n(s.count), el("span", fmt.funnel_rate(s, lang), class_="rate")]
        for s in data.funnel
    ]
    funnel = el(
        "section",
        el("h2", _("Funnel", lang)),
        table([_("Step", lang), "", _("Count", lang), _("Rate", lang)], rows, numeric=(2,),
              css="bars funnel"),
        el("p", _("The first four steps count workers, the last four count leads.", lang),
           class_="muted"),
        id="funnel",
    )
    return page(request, _("Overview", lang), scope_note(request, scope), figures,
                health_section(request, health) if health is not None else None, funnel)


def trend(request: web.Request, data: stats.Trend, scope: stats.Scope,
          choice: PeriodChoice) -> web.Response:
    lang = keys.lang_of(request)
    points = data.points
    labels = [fmt.day(p.day, lang) for p in points]
    series = (
        ("users", _("New users per day", lang), [p.users for p in points], "bar"),
        ("questions", _("Questions per day", lang), [p.questions for p in points], "bar alt"),
        ("leads", _("Leads per day", lang), [p.leads for p in points], "bar third"),
    )
    sections = [
        el("section",
           el("h2", title, " ", el("span", _("total {n}", lang, n=fmt.number(sum(values), lang)),
                                   class_="muted", data_total=sum(values))),
           charts.daily_bars(title, values, labels, css=css,
                             value_text=[fmt.number(v, lang) for v in values]),
           data_series=key)
        for key, title, values, css in series
    ]
    details = el(
        "details",
        el("summary", _("Figures per day", lang)),
        table([_("Day", lang), _("New users", lang), _("Questions", lang), _("Leads", lang)],
              [[fmt.day(p.day, lang, "EEE d MMM yyyy"), fmt.number(p.users, lang),
                fmt.number(p.questions, lang), fmt.number(p.leads, lang)] for p in points],
              numeric=(1, 2, 3)),
    )
    return page(request, _("Trends", lang), scope_note(request, scope),
                period_form(request, choice, "/tren"), *sections, details)


def topics(request: web.Request, data: list[stats.TopicCount], scope: stats.Scope,
           choice: PeriodChoice) -> web.Response:
    lang = keys.lang_of(request)
    content = [scope_note(request, scope), period_form(request, choice, "/topik")]
    if not data:
        content.append(empty(_("No questions in this period.", lang)))
    else:
        peak = max(t.questions for t in data)
        content.append(table(
            [_("Topic", lang), "", _("Questions", lang), _("Unanswered", lang),
             _("Answered", lang)],
            [[fmt.topic_label(t.topic, lang),
              charts.bar(t.questions, peak, fmt.number(t.questions, lang)),
              fmt.number(t.questions, lang), fmt.number(t.unanswered, lang),
              fmt.percent(t.answered_share, lang)]
             for t in data],
            numeric=(2, 3, 4), css="bars",
        ))
    return page(request, _("Topics", lang), *content)


def unanswered(request: web.Request, groups: list[stats.UnansweredGroup], scope: stats.Scope,
               window: int, labels: Mapping[str, learning.Label], can_label: bool,
               result: str | None = None) -> web.Response:
    lang = keys.lang_of(request)
    intro = el("p", _("The latest {n} questions the bot could not answer, grouped by similar "
                      "wording: the biggest groups are the answers to add first. Phone numbers "
                      "were masked when the questions were stored.", lang, n=window),
               class_="muted")
    how = el("p", _("Pick the topic a question should have had, or \u201cOther topics\u201d, "
                    "and save. Labels are trained into the bot by", lang), " ",
             el("code", "python -m bot nlu latih"), " ",
             _("which keeps the new model only if it answers the held-out test questions at "
               "least as well.", lang),
             class_="muted") if can_label else None
    notice = el("p", _LABEL_RESULTS[result](lang), class_="notice", role="status") \
        if result in _LABEL_RESULTS else None
    if not groups:
        return page(request, _("Unanswered questions", lang), scope_note(request, scope), intro,
                    empty(_("No unanswered questions.", lang)))
    items = [
        el("li",
           el("span", fmt.number(g.count, lang), class_="count",
              aria_label=_("{n} times", lang, n=g.count)),
           el("div",
              el("q", g.text),
              el("ul", [el("li", el("q", v)) for v in g.variants], class_="variants")
              if g.variants else None,
              el("p", _("Closest topic: {topic} · last asked {when}", lang,
                        topic=fmt.topic_label(g.topic, lang), when=fmt.moment(g.latest, lang)),
                 class_="muted"),
              _label_status(labels.get(label_key(g.text)), lang),
              _label_form(request, g, labels.get(label_key(g.text)), index, lang)
              if can_label else None),
           class_="group")
        for index, g in enumerate(groups)
    ]
    return page(request, _("Unanswered questions", lang), scope_note(request, scope), intro, how,
                notice, el("ol", items, class_="groups"))


def label_key(text: str) -> str:
    """How a stored missed question is looked up: its text in lower case (as stored)."""
    return text.lower()


_LABEL_RESULTS = {
    "saved": lambda lang: _("Label saved. It counts from the next nlu latih.", lang),
    "gone": lambda lang: _("That question is no longer stored (its asker deleted their data).",
                           lang),
    "invalid": lambda lang: _("Pick a topic from the list.", lang),
}


def _label_status(label: learning.Label | None, lang: str) -> Html | None:
    if label is None:
        return None
    state = _("in training", lang) if label.trained else _("waiting for nlu latih", lang)
    return el("p", _("Labelled {topic} by {who} ({state})", lang,
                     topic=fmt.topic_label(label.topic, lang), who=label.labelled_by,
                     state=state), class_="label-status")


def _label_form(request: web.Request, group: stats.UnansweredGroup,
                label: learning.Label | None, index: int, lang: str) -> Html:
    session = keys.session_of(request)
    assert session is not None
    chosen = label.topic if label else None
    options = [el("option", _("Choose a topic…", lang), value="")] + [
        el("option", fmt.topic_label(topic, lang), value=topic, selected=topic == chosen or None)
        for topic in learning.LABEL_TOPICS
    ]
    field_id = f"label-{index}"
    return el(
        "form",
        csrf_field(session),
        el("input", type="hidden", name="pertanyaan", value=group.text),
        [el("input", type="hidden", name="varian", value=v) for v in group.variants],
        el("label", _("Should have been", lang), for_=field_id),
        el("select", options, name="topik", id=field_id),
        el("button", _("Save label", lang), type="submit"),
        method="post", action="/tak-terjawab/label", class_="label-form",
    )


def leads(request: web.Request, data: stats.LeadStats, names: stats.Names, scope: stats.Scope,
          choice: PeriodChoice, reminder_hours: int,
          waiting: Collection[int] = frozenset()) -> web.Response:
    """``waiting``: ids of leads whose card waits for a group (shown "menunggu grup")."""
    lang = keys.lang_of(request)
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    figures = el(
        "section",
        kpi("leads", _("Leads", lang), data.total, n(data.total)),
        kpi("overdue", _("Past the reminder deadline", lang), data.overdue, n(data.overdue),
            _("unclaimed after {hours} h", lang, hours=reminder_hours), warn=data.overdue > 0),
        kpi("median_claim", _("Median time to claim", lang), data.median_hours_to_claim,
            fmt.hours(data.median_hours_to_claim, lang)),
        kpi("median_contact", _("Median time to contact", lang), data.median_hours_to_contact,
            fmt.hours(data.median_hours_to_contact, lang)),
        class_="kpis",
    )
    csv_link = el("p", el("a", _("Download CSV", lang), class_="button",
                          href=query_url("/leads.csv", _filter_query(request)), download=True))
    breakdowns = el(
        "div",
        _breakdown((_("By status", lang), _("Status", lang)), data.by_status,
                   lambda k: fmt.status_label(k, lang), lang, "status"),
        # A branch account sees one branch: no breakdown (nor filter) by branch.
        _breakdown((_("By branch", lang), _("Branch", lang)), data.by_branch,
                   lambda k: names.branches.get(k, k), lang, "branch")
        if scope.is_everything else None,
        _breakdown((_("By province", lang), _("Province", lang)), data.by_province,
                   lambda k: names.provinces.get(k, k), lang, "province"),
        _breakdown((_("By occupation", lang), _("Occupation", lang)), data.by_occupation,
                   lambda k: fmt.occupation_label(k, lang), lang, "occupation"),
        class_="grid2",
    )
    places = _places(data.by_place, names, lang)
    latest = (_latest_table(data.latest, names, lang, waiting,
                            branch_column=scope.is_everything)
              if data.latest else empty(_("No leads match these filters.", lang)))
    return page(
        request, _("Leads", lang), scope_note(request, scope),
        lead_filter_form(request, choice, names, scope), figures, csv_link, breakdowns, places,
        el("section", el("h2", _("Latest leads", lang)), latest),
    )


def _breakdown(titles: tuple[str, str], counts: Sequence[stats.Count],
               label: Callable[[str], str], lang: str, key: str, limit: int = 15) -> Html:
    title, column = titles
    peak = max((c.count for c in counts), default=0)
    rows = [[label(c.key), charts.bar(c.count, peak, fmt.number(c.count, lang)),
             fmt.number(c.count, lang)] for c in counts[:limit]]
    more = len(counts) - limit
    return el(
        "section",
        el("h2", title),
        table([column, "", _("Count", lang)], rows, numeric=(2,), css="bars")
        if rows else empty("–"),
        el("p", _("and {n} more", lang, n=more), class_="muted") if more > 0 else None,
        data_breakdown=key,
    )


def _places(counts: Sequence[stats.PlaceCount], names: stats.Names, lang: str,
            limit: int = 50) -> Html:
    """Leads by province and kabupaten/kota, grouped by province (largest province first)."""
    totals: dict[str, int] = {}
    for c in counts:
        totals[c.province_code] = totals.get(c.province_code, 0) + c.count
    ordered = sorted(counts, key=lambda c: (-totals[c.province_code],
                                            names.provinces.get(c.province_code, ""),
                                            -c.count, c.regency_code))
    peak = max((c.count for c in counts), default=0)
    rows = [[names.provinces.get(c.province_code, c.province_code),
             names.regencies.get(c.regency_code, c.regency_code),
             charts.bar(c.count, peak, fmt.number(c.count, lang)), fmt.number(c.count, lang)]
            for c in ordered[:limit]]
    more = len(ordered) - limit
    return el(
        "section",
        el("h2", _("By place", lang)),
        table([_("Province", lang), _("Regency / city", lang), "", _("Count", lang)], rows,
              numeric=(3,), css="bars places") if rows else empty("–"),
        el("p", _("and {n} more", lang, n=more), class_="muted") if more > 0 else None,
        data_breakdown="place",
    )


def _latest_table(rows: Sequence[stats.LeadRow], names: stats.Names, lang: str,
                  waiting: Collection[int] = frozenset(), *, branch_column: bool = True) -> Html:
    """``branch_column`` False for a branch account: every row is its own branch."""
    headers = ["#", _("Registered", lang), _("Status", lang), _("Branch", lang),
               _("Province", lang), _("Regency / city", lang), _("Occupation", lang)]
    cells = [
        [el("a", str(r.id), href=f"/leads/{r.id}"), fmt.moment(r.created_at, lang),
         [fmt.status_label(WAITING_FOR_GROUP if r.id in waiting else r.status, lang),
          el("strong", " · " + _("overdue", lang), class_="flag") if r.overdue else None],
         names.branches.get(r.branch_code, r.branch_code),
         names.provinces.get(r.province_code, r.province_code),
         names.regencies.get(r.regency_code, r.regency_code),
         fmt.occupation_label(r.occupation, lang)]
        for r in rows
    ]
    if not branch_column:
        headers.pop(3)
        for row in cells:
            row.pop(3)
    return table(
        headers, cells,
        row_classes=["overdue" if r.overdue or r.id in waiting else None for r in rows],
        css="leads",
    )


def _filter_query(request: web.Request) -> dict[str, str]:
    names = ("periode", "dari", "sampai", "provinsi", "cabang", "status", "terlambat")
    return {k: request.query[k] for k in names if request.query.get(k)}


def scope_note(request: web.Request, scope: stats.Scope) -> Html | None:
    if scope.branch_code is None:
        return None
    lang = keys.lang_of(request)
    session = keys.session_of(request)
    name = session.account.branch_name if session is not None else None
    return el("p", _("Figures for {branch} ({code}): its leads, and the workers whose "
                     "registration was routed to it.", lang, branch=name or scope.branch_code,
                     code=scope.branch_code), class_="scope")
