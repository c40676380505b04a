"""rasa-sdk custom actions: thin glue that calls into the bot package.

intake.py   a question starts an intake; urgent referral; fallback
form.py     the intake form: confirm, role, school type, doorvragen
advice.py   advice after the form, closing the intake
handoff.py  a human: the staff queue when open, a call-back or mail when closed
"""
