"""Doorvraag: intake chatbot for a Dutch helpdesk on social safety in schools."""

__version__ = "0.1.0"
