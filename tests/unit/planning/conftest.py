"""Hypothesis keeps its example database outside the work tree (the tests write nowhere but temp)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "choucha-hypothesis"))
