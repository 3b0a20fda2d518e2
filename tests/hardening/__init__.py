"""Hardening tests: rate limits, bad input, secrets in logs, faults."""
