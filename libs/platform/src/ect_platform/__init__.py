"""Shared runtime pieces of the platform that know nothing of the domain.

Relay, idempotent inbox, identity, problem details, embedded infrastructure and the
``ect`` command. Services import this package and ``contracts``; never each other.
"""
