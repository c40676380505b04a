"""Figures for analysts and the annual report, computed from the coded contact log only."""
