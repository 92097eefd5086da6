"""The statutory rules of induction every service computes with, as pure functions.

School calendars, FTE-weighted terms served, absence and its 30-day threshold, coaching
cadence, working days in England. A shared kernel: no I/O, no clock, no framework; it
imports nothing of the platform or any service, and every service may import it, so
scheduling and reporting can never disagree about a term or a deadline.
"""
