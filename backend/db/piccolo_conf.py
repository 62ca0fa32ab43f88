"""Piccolo configuration: the engine from the settings and the one Piccolo app holding every table."""

from piccolo.conf.apps import AppRegistry

from backend.config import get_settings
from backend.db.engine import make_engine

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["backend.db.piccolo_app"])
