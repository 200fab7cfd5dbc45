"""Why an answer did not do, as the worker reads it: one hint per error code of the
registration steps (``bot.registration.flow``) and of the handoff's place question
(``bot.handoff.PlaceNeeded``), which asks for a place the same way."""

from __future__ import annotations

from bot.i18n import N_

ERRORS = {
    "use_buttons": N_("Please choose one of the buttons."),
    "type_name": N_("Please type your name."),
    "name_empty": N_("Please type your name."),
    "name_too_long": N_("That is too long for a name. Please type just your full name."),
    "name_not_a_name": N_(
        "That does not look like a name. Please type your full name, e.g. <i>Siti Aminah</i>."
    ),
    "phone_invalid": N_(
        "That is not a valid mobile number. Type it like "
        "<i>0812-3456-7890</i> or press the button to share your number."
    ),
    "phone_not_indonesian": N_(
        "Please give an Indonesian mobile number (starting with 08 or +62)."
    ),
    "phone_not_mobile": N_(
        "That looks like a landline. Please give a mobile number the branch can call or message."
    ),
    "type_occupation": N_("Please type your occupation in a few words, e.g. <i>tukang jahit</i>."),
    "outside_indonesia": N_(
        "That location is outside Indonesia. Please share a location in "
        "Indonesia or type your regency/city."
    ),
    "place_help": N_(
        "Please share your location with the button, or type your regency/city, "
        "district, village or postal code."
    ),
    "place_unknown": N_(
        "I could not find that place. Check the spelling, or type the "
        "regency/city (e.g. <i>Kabupaten Lamongan</i>) or a postal code."
    ),
    "income_invalid": N_("Please type your monthly income, e.g. <i>2,5 juta</i>, or press Skip."),
    "income_not_a_number": N_(
        "I could not read that amount. Type it like <i>2500000</i> or "
        "<i>2,5 juta</i>, or press Skip."
    ),
    "income_not_positive": N_(
        "The income must be more than zero. Type it like <i>2,5 juta</i>, or press Skip."
    ),
    "income_too_large": N_(
        "That amount is too large for a monthly income. Please check it, or press Skip."
    ),
}
