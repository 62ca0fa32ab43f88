"""Serving the field app (pwa/) from the backend."""
