"""Choucha (抽查): the server for 双随机、一公开 market-supervision inspections."""

import os

# Piccolo finds its engine through this module; set before any table is used.
os.environ.setdefault("PICCOLO_CONF", "backend.db.piccolo_conf")
