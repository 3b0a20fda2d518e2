"""Importers that bring episodes from elsewhere into the seeds folder (see feed.py)."""
