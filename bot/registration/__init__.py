"""The interest-registration conversation (``/daftar``): consent, name, phone, occupation,
location, optional income, preferred contact time, summary and confirmation.

``flow`` is the pure state machine; ``validation`` parses what workers type; ``service`` loads
and saves the state and turns a confirmed registration into a lead. See docs/registration.mmd.
"""
