"""Rectification Portal (整改公开): content → checked models → a static disclosure site.

Stages, one module each: load → check → derive → render (Pelican plugin) → publish.
"""

__version__ = "0.1.0"
