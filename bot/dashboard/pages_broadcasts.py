"""The Siaran pages: the list, the form for a new broadcast, and one broadcast's progress with
its next steps (see ``views_broadcasts``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot import broadcasts
from bot.accounts import AccountView
from bot.dashboard import charts, keys
from bot.dashboard import labels as fmt
from bot.dashboard.html import Html, el
from bot.dashboard.layout import csrf_field, empty, kpi, page, table
from bot.dashboard.params import NOT_YET_ENROLLED_FIELD, SEGMENT_FIELDS
from bot.i18n import N_, _
from bot.quiet_hours import ZONE, ZONE_LABEL

# How often a page whose figures move reloads itself, in seconds.
REFRESH_SECONDS = 10
# The form's fields: the message, its optional button, and which submit button was pressed.
TEXT_FIELD, BUTTON_TEXT_FIELD, BUTTON_URL_FIELD, ACTION_FIELD = "teks", "tombol", "tautan", "aksi"
# When to send (WIB, as <input type=datetime-local> writes it) and "send in quiet hours too".
SCHEDULE_FIELD, FORCE_FIELD = "jadwal", "paksa"
COUNT, CREATE = "hitung", "buat"
NO_TELEGRAM = "no_telegram"
# Why the form refused to create the draft: BroadcastError.code, or NO_TELEGRAM.
FORM_ERRORS = {
    "empty_text": N_("Write the message first."),
    "long_text": N_("The message is too long: at most {n} characters."),
    "button_incomplete": N_("A button needs both its label and its link."),
    "long_button_text": N_("The button label is too long: at most {n} characters."),
    "button_url": N_("The button link must be an https:// address without spaces."),
    "segment": N_("This segment cannot be used."),
    "schedule_format": N_("The schedule must be a date and time, e.g. 2026-12-24 09:00."),
    "schedule_past": N_("The scheduled time has already passed: pick a later one."),
    "schedule_quiet": N_("The scheduled time is inside the quiet hours ({hours} WIB), when no "
                         "broadcast goes out. Pick another time, or tick \"Send inside the "
                         "quiet hours too\"."),
    NO_TELEGRAM: N_("Your account has no Telegram id, so the preview cannot reach you. An "
                    "administrator sets it with: python -m bot akun telegram {user} ID"),
}
# What the last action did (``?hasil=``): a Decision value or one of the state changes.
RESULTS = {
    "created": N_("Draft saved. Its preview is on its way to your Telegram: check it there, "
                  "then send it from this page."),
    "sending": N_("Sending: the bot sends it now, at the pace Telegram allows."),
    "scheduled": N_("Scheduled: the bot starts sending it at the scheduled time."),
    "awaiting_approval": N_("Waiting for a second manager: above {threshold} recipients, "
                            "another manager must approve it."),
    "preview_pending": N_("The preview has not reached your Telegram yet. Try again in a "
                          "moment."),
    "same_person": N_("The second approval must come from another manager."),
    "empty": N_("Nobody is in the segment now: nothing to send."),
    "wrong_status": N_("Not possible in the broadcast's current state."),
    "paused": N_("Paused. Resume it to send the rest."),
    "resumed": N_("Sending again."),
    "cancelled": N_("Cancelled: nobody else will receive it."),
}
REFUSED_RESULTS = frozenset({"preview_pending", "same_person", "empty", "wrong_status"})
SEGMENT_LABELS = broadcasts.SEGMENT_FIELD_LABELS


@dataclass(frozen=True)
class Draft:
    """What the manager typed, shown again when the form comes back."""

    text: str = ""
    button_text: str = ""
    button_url: str = ""
    schedule: str = ""  # as typed, e.g. 2026-12-24T09:00 (WIB)
    force: bool = False


@dataclass(frozen=True)
class SegmentChoices:
    """Per field of ``broadcasts.Segment``: the (code, label) pairs the form offers."""

    options: Mapping[str, Sequence[tuple[str, str]]]

    @property
    def codes(self) -> dict[str, Collection[str]]:
        return {field: {code for code, _label in pairs} for field, pairs in self.options.items()}

    def label(self, field: str, code: str) -> str:
        return dict(self.options.get(field, ())).get(code, code)

    @property
    def names(self) -> broadcasts.SegmentNames:
        return {field: dict(pairs) for field, pairs in self.options.items()}

    def describe(self, segment: Mapping[str, Sequence[str]], lang: str) -> str:
        """``Provinsi: Jawa Timur; Pekerjaan: Ojek / ojol / kurir``."""
        return broadcasts.describe_segment(segment, self.names, lang)


def lead_status_label(code: str, lang: str) -> str:
    if code == broadcasts.NO_LEAD:
        return _(fmt.NO_LEAD_LABEL, lang)
    return fmt.status_label(code, lang)


# --- the list -------------------------------------------------------------------------------


def broadcast_list(request: web.Request, views: Sequence[broadcasts.BroadcastView],
                   choices: SegmentChoices) -> web.Response:
    lang = keys.lang_of(request)
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    new = el("p", el("a", _("New broadcast", lang), href="/siaran/baru", class_="button"))
    if not views:
        return page(request, _("Broadcasts", lang), new, empty(_("No broadcasts yet.", lang)))
    rows = [
        [el("a", f"#{v.id}", href=f"/siaran/{v.id}"), fmt.moment(v.created_at, lang),
         _status_cell(v, lang), _shorten(v.text),
         el("span", choices.describe(v.segment, lang), class_="segment-text"),
         n(v.audience_size),
         n(v.progress.sent), n(v.progress.failed + v.progress.blocked), n(v.progress.remaining),
         fmt.seconds(v.progress.eta_seconds, lang)]
        for v in views
    ]
    sending = any(v.status == broadcasts.BroadcastStatus.SENDING for v in views)
    return page(
        request, _("Broadcasts", lang), new,
        table(["#", _("Created", lang), _("Status", lang), _("Message", lang),
               _("Who receives it", lang), _("Audience", lang), _("Sent", lang),
               _("Not delivered", lang), _("Remaining", lang), _("Time left", lang)],
              rows, numeric=(5, 6, 7, 8, 9), css="broadcasts"),
        refresh=f"{REFRESH_SECONDS * 3}; url=/siaran" if sending else None,
    )


def _status_cell(view: broadcasts.BroadcastView, lang: str) -> Html:
    """The status, with the scheduled time or the quiet hours' hold under it."""
    when = None
    if view.status == broadcasts.BroadcastStatus.SCHEDULED and view.scheduled_at is not None:
        when = _("at {when}", lang, when=fmt.moment(view.scheduled_at, lang))
    elif view.held_until is not None:
        when = _("held until {when} (quiet hours)", lang, when=fmt.moment(view.held_until, lang))
    elif view.scheduled_at is not None and view.status == broadcasts.BroadcastStatus.DRAFT:
        when = _("for {when}", lang, when=fmt.moment(view.scheduled_at, lang))
    return el("span", fmt.broadcast_status_label(view.status, lang),
              el("br") if when else None, el("small", when) if when else None)


def _shorten(text: str, limit: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- the form -------------------------------------------------------------------------------


def broadcast_form(
    request: web.Request, account: AccountView, choices: SegmentChoices, draft: Draft,
    segment: broadcasts.Segment, audience: int, *, error: str | None = None, status: int = 200,
    quiet_hours: str = "",
) -> web.Response:
    lang = keys.lang_of(request)
    session = keys.session_of(request)
    assert session is not None  # the login middleware saw to it
    chosen = segment.to_json()
    message = el(
        "fieldset",
        el("legend", _("Message", lang)),
        el("label", _("Text", lang),
           el("textarea", draft.text, name=TEXT_FIELD, rows=7, maxlength=broadcasts.MAX_TEXT,
              required=True)),
        el("p", _("Sent as typed, with a last line telling workers how to stop such messages "
                  "(/berhenti).", lang), class_="muted"),
        el("label", _("Button label (optional)", lang),
           el("input", name=BUTTON_TEXT_FIELD, value=draft.button_text,
              maxlength=broadcasts.MAX_BUTTON_TEXT)),
        el("label", _("Button link (optional)", lang),
           el("input", name=BUTTON_URL_FIELD, value=draft.button_url, type="url", maxlength=300,
              placeholder="https://")),
    )
    who = el(
        "fieldset",
        el("legend", _("Who receives it", lang)),
        el("p", _("Leave a field empty to not filter on it. Province, branch, occupation and "
                  "registration are those of the worker's latest registration. Workers who "
                  "opted out, blocked the bot or deleted their data never receive broadcasts.",
                  lang), class_="muted"),
        el("p", _("Tick as many as you need in each list.", lang), class_="muted"),
        *[_checkbox_list(field_name, _(SEGMENT_LABELS[field], lang), choices.options[field],
                         chosen[field], lang)
          for field_name, field in SEGMENT_FIELDS
          if field in ("provinces", "branches", "sources")],
        *[_checkboxes(field_name, _(SEGMENT_LABELS[field], lang), choices.options[field],
                      chosen[field])
          for field_name, field in SEGMENT_FIELDS
          if field in ("occupations", "languages", "lead_statuses")],
        el("label", el("input", type="checkbox", name=NOT_YET_ENROLLED_FIELD, value="1"),
           _("Registered interest but not enrolled yet (New, Claimed, Contacted)", lang),
           class_="inline"),
    )
    when = _schedule_fieldset(draft, quiet_hours, lang)
    if account.telegram_id is not None:
        preview = el("p", _("The preview goes to your Telegram (user id {id}) first; you send "
                            "the broadcast from its page afterwards.", lang,
                            id=account.telegram_id), class_="muted")
    else:
        preview = el("p", _(FORM_ERRORS[NO_TELEGRAM], lang, user=account.username),
                     class_="alert")
    form = el(
        "form",
        csrf_field(session),
        el("p", _(FORM_ERRORS.get(error, FORM_ERRORS["segment"]), lang,
                  n=fmt.number(broadcasts.MAX_TEXT if error == "long_text"
                               else broadcasts.MAX_BUTTON_TEXT, lang),
                  user=account.username, hours=quiet_hours),
           class_="alert", role="alert") if error else None,
        message,
        who,
        when,
        el("section",
           kpi("audience", _("Workers it reaches now", lang), audience,
               fmt.number(audience, lang)),
           class_="kpis", aria_live="polite"),
        preview,
        el("div",
           el("button", _("Count recipients", lang), type="submit", name=ACTION_FIELD,
              value=COUNT, formnovalidate=True, class_="secondary"),
           el("button", _("Create the draft and send me the preview", lang), type="submit",
              name=ACTION_FIELD, value=CREATE, disabled=account.telegram_id is None),
           class_="buttons"),
        method="post", action="/siaran/baru", class_="broadcast",
    )
    return page(request, _("New broadcast", lang), form, status=status)


def _checkbox_list(name: str, legend: str, options: Sequence[tuple[str, str]],
                   chosen: Sequence[str], lang: str) -> Html:
    """A long list of checkboxes (provinces, branches...) folded under its name and how many
    are ticked, open when some are: usable on a phone, unlike a multiple select."""
    ticked = sum(code in chosen for code, _text in options)
    summary = _("{field}: {n} chosen", lang, field=legend, n=ticked) if ticked else legend
    return el("details", el("summary", summary), [
        el("label", el("input", type="checkbox", name=name, value=code, checked=code in chosen),
           text, class_="inline")
        for code, text in options
    ], class_="choices", data_field=name, open=bool(ticked))


def _schedule_fieldset(draft: Draft, quiet_hours: str, lang: str) -> Html:
    return el(
        "fieldset",
        el("legend", _("When", lang)),
        el("label", _("Send at (optional; {zone}, {tz} time)", lang, zone=ZONE_LABEL,
                      tz=ZONE.key),
           el("input", type="datetime-local", name=SCHEDULE_FIELD, value=draft.schedule,
              step=60)),
        el("p", _("Empty: it is sent as soon as you press Send (and a second manager approves "
                  "it, when needed).", lang), class_="muted"),
        el("p", _("Quiet hours: {hours} {zone}. Nothing is sent then; a broadcast started "
                  "inside them waits until they end.", lang, hours=quiet_hours, zone=ZONE_LABEL),
           class_="muted") if quiet_hours else None,
        el("label", el("input", type="checkbox", name=FORCE_FIELD, value="1",
                       checked=draft.force),
           _("Send inside the quiet hours too (urgent messages only)", lang),
           class_="inline") if quiet_hours else None,
    )


def _checkboxes(name: str, legend: str, options: Sequence[tuple[str, str]],
                chosen: Sequence[str]) -> Html:
    return el("fieldset", el("legend", legend), [
        el("label", el("input", type="checkbox", name=name, value=code, checked=code in chosen),
           text, class_="inline")
        for code, text in options
    ], class_="choices")


# --- one broadcast --------------------------------------------------------------------------


def broadcast_detail(
    request: web.Request, view: broadcasts.BroadcastView, account: AccountView,
    choices: SegmentChoices, result: str | None, threshold: int, quiet_hours: str = "",
) -> web.Response:
    lang = keys.lang_of(request)
    status = broadcasts.BroadcastStatus
    notice = el(
        "p", _(RESULTS[result], lang, threshold=fmt.number(threshold, lang)),
        class_="alert" if result in REFUSED_RESULTS else "notice", role="status",
    ) if result else None
    waiting_preview = (view.status == status.DRAFT and view.preview_sent_at is None
                       and view.last_error is None)
    moving = view.status == status.SENDING or waiting_preview
    title = _("Broadcast #{id}", lang, id=view.id)
    return page(
        request, title,
        notice,
        el("p", el("strong", fmt.broadcast_status_label(view.status, lang), class_="status",
                   data_status=view.status),
           " · ", el("a", _("All broadcasts", lang), href="/siaran")),
        _timing(view, quiet_hours, lang),
        _progress(view, lang),
        _actions(request, view, account, threshold, lang),
        el("section", el("h2", _("Message", lang)),
           el("div", view.text, class_="message"),
           el("p", _("Button: {label} → {url}", lang, label=view.button_text,
                     url=view.button_url), class_="muted") if view.button_text else None),
        el("section", el("h2", _("Who receives it", lang)),
           el("p", choices.describe(view.segment, lang), class_="segment-text"),
           _segment(view.segment, choices, lang)),
        el("section", el("h2", _("History", lang)), _history(view, lang)),
        el("p", _("This page reloads itself every {n} seconds while it is sending.", lang,
                  n=REFRESH_SECONDS), class_="muted") if moving else None,
        refresh=f"{REFRESH_SECONDS}; url=/siaran/{view.id}" if moving else None,
    )


def _timing(view: broadcasts.BroadcastView, quiet_hours: str, lang: str) -> Html | None:
    """When it goes out: its schedule, the quiet hours' hold, forcing."""
    lines = []
    if view.scheduled_at is not None:
        lines.append(el("p", _("Scheduled for {when} ({tz}).", lang,
                               when=fmt.moment(view.scheduled_at, lang), tz=ZONE.key),
                        class_="schedule", data_scheduled_at=view.scheduled_at.isoformat()))
    if view.held_until is not None:
        lines.append(el("p", _("Held by the quiet hours ({hours} {zone}): sending resumes at "
                               "{when}.", lang, hours=quiet_hours, zone=ZONE_LABEL,
                               when=fmt.moment(view.held_until, lang)),
                        class_="notice held", role="status"))
    if view.ignore_quiet_hours:
        lines.append(el("p", _("Forced: it is sent inside the quiet hours too.", lang),
                        class_="muted forced"))
    return el("section", lines, class_="timing") if lines else None


def _progress(view: broadcasts.BroadcastView, lang: str) -> Html:
    p = view.progress
    n = lambda value: fmt.number(value, lang)  # noqa: E731
    settled = p.recipients - p.remaining
    eta_note = (_("around {when}", lang, when=fmt.moment(p.eta_at, lang))
                if p.eta_at is not None else "")
    return el(
        "section",
        el("h2", _("Progress", lang)),
        charts.bar(settled, p.recipients, _("{done} of {total} handled", lang, done=n(settled),
                                                     total=n(p.recipients)), css="bar funnel")
        if p.recipients else None,
        el("div",
           kpi("audience", _("Audience", lang), view.audience_size, n(view.audience_size),
               _("when sending was requested", lang) if view.requested_by else
               _("when the draft was saved", lang)),
           kpi("recipients", _("Recipients", lang), p.recipients, n(p.recipients)),
           kpi("sent", _("Sent", lang), p.sent, n(p.sent)),
           kpi("failed", _("Failed", lang), p.failed, n(p.failed), warn=p.failed > 0),
           kpi("blocked", _("Blocked the bot", lang), p.blocked, n(p.blocked)),
           kpi("skipped", _("Opted out meanwhile", lang), p.skipped, n(p.skipped)),
           kpi("unknown", _("Interrupted, maybe delivered", lang), p.unknown, n(p.unknown)),
           kpi("remaining", _("Remaining", lang), p.remaining, n(p.remaining)),
           kpi("eta", _("Time left", lang), p.eta_seconds, fmt.seconds(p.eta_seconds, lang),
               eta_note),
           class_="kpis"),
        id="progress",
    )


def _actions(request: web.Request, view: broadcasts.BroadcastView, account: AccountView,
             threshold: int, lang: str) -> Html | None:
    session = keys.session_of(request)
    assert session is not None

    def action(verb: str, label: str, css: str | None = None) -> Html:
        return el("form", csrf_field(session), el("button", label, type="submit", class_=css),
                  method="post", action=f"/siaran/{view.id}/{verb}", class_="action")

    status = broadcasts.BroadcastStatus
    items: list[Html | None] = []
    if view.status == status.DRAFT and view.preview_sent_at is None and view.last_error:
        # bot.broadcasts queues a draft's preview once: this draft can never be sent.
        items.append(el("p", _("The preview could not be delivered. Check that you have started "
                               "the bot in Telegram and that your account's Telegram id is "
                               "right, then create the broadcast again.", lang),
                        class_="alert"))
    elif view.status == status.DRAFT:
        if view.preview_sent_at is None:
            items.append(el("p", _("The preview has not reached Telegram yet: sending is "
                                   "possible once it has.", lang), class_="muted"))
        items.append(action("kirim", _("Send", lang)))
    if view.needs_second_approval and view.status in (status.DRAFT, status.AWAITING_APPROVAL):
        items.append(el("p", _("More than {n} recipients: a second manager must approve it "
                               "before it is sent.", lang, n=fmt.number(threshold, lang)),
                        class_="muted"))
    if view.status == status.AWAITING_APPROVAL:
        if account.actor in (view.created_by, view.requested_by):
            items.append(el("p", _("You created or requested it, so another manager must "
                                   "approve it.", lang), class_="muted"))
        items.append(action("setujui", _("Approve as the second manager", lang)))
    if view.status == status.SENDING:
        items.append(action("jeda", _("Pause", lang), "secondary"))
    if view.status == status.PAUSED:
        items.append(action("lanjut", _("Resume", lang)))
    if view.status not in (status.DONE, status.CANCELLED):
        items.append(action("batal", _("Cancel the broadcast", lang), "danger"))
    if not items:
        return None
    return el("section", el("h2", _("Next step", lang)), el("div", items, class_="actions"))


def _segment(segment: Mapping[str, Sequence[str]], choices: SegmentChoices, lang: str) -> Html:
    rows = [
        [_(SEGMENT_LABELS.get(field, field), lang),
         ", ".join(lead_status_label(code, lang) if field == "lead_statuses"
                   else choices.label(field, code) for code in codes)]
        for field, codes in segment.items() if codes
    ]
    if not rows:
        return el("p", _("Every worker who may receive broadcasts.", lang))
    return table([_("Filter", lang), _("Values", lang)], rows, css="segment")


def _history(view: broadcasts.BroadcastView, lang: str) -> Html:
    def at(value: datetime | None) -> str:
        return fmt.moment(value, lang) if value is not None else "–"

    if view.preview_sent_at is not None:
        preview = _("sent to its creator's Telegram", lang)
    elif view.last_error:
        preview = _("not delivered: {error}", lang, error=view.last_error)
    else:
        preview = _("on its way to its creator's Telegram", lang)
    rows = [
        [_("Created", lang), view.created_by, at(view.created_at)],
        [_("Preview", lang), preview, at(view.preview_sent_at)],
        [_("Sending requested", lang), view.requested_by or "–", ""],
        [_("Approved", lang), view.approved_by or "–", at(view.approved_at)],
        [_("Finished", lang), "", at(view.finished_at)],
    ]
    return table([_("Step", lang), _("By", lang), _("When", lang)], rows, css="history")
