"""Thin front ends that map each platform's slash commands onto the core."""
