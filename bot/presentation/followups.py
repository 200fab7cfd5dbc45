"""Follow-up questions as a worker receives them (bot.followup decides when)."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import followup
from bot.i18n import _
from bot.leads import LeadCard
from bot.presentation.callbacks import FollowUpButton
from bot.presentation.lead_cards import STAFF_LANGUAGE, card_text


def question_text(question: followup.Question) -> str:
    lang = question.language
    branch = html.escape(question.branch_name)
    if question.kind == followup.FollowUpKind.CONTACT:
        return _(
            "👋 A few days ago you asked BPJS Ketenagakerjaan to contact you, and {branch} took "
            "your request. Has the branch contacted you?",
            lang,
            branch=branch,
        )
    return _(
        "🎉 You are now registered with BPJS Ketenagakerjaan. How satisfied are you with the "
        "help from {branch}? (1 = not at all, 5 = very satisfied)",
        lang,
        branch=branch,
    )


def question_keyboard(question: followup.Question) -> InlineKeyboardMarkup:
    lang, fid = question.language, question.followup_id
    if question.kind == followup.FollowUpKind.CONTACT:
        labels = {
            followup.ContactAnswer.YES: _("✅ Yes", lang),
            followup.ContactAnswer.NO: _("❌ Not yet", lang),
            followup.ContactAnswer.REGISTERED: _("🪪 I am already registered", lang),
        }
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(label, callback_data=FollowUpButton(fid, answer).encode())]
                for answer, label in labels.items()
            ]
        )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(score, callback_data=FollowUpButton(fid, score).encode())
                for score in followup.SATISFACTION_SCORES
            ]
        ]
    )


def alert_text(card: LeadCard) -> str:
    header = _(
        "⚠️ <b>The worker says nobody has contacted them yet.</b> Lead #{id} is open again: "
        "please claim it and call.",
        STAFF_LANGUAGE,
        id=card.id,
    )
    return header + "\n\n" + card_text(card)
