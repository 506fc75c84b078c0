"""Frontdesk: self-hosted live chat and customer messaging."""

__version__ = "0.1.0"
