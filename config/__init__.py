"""Configuration: environment records (environments.toml), the AWS value catalog, and the stack selection."""

from config.catalog import Catalog, load_catalog
from config.errors import ConfigError
from config.loader import load_environments
from config.records import EnvironmentRecord
from config.selection import Selection, parse_selection, selection_from_env

__all__ = [
    "Catalog",
    "ConfigError",
    "EnvironmentRecord",
    "Selection",
    "load_catalog",
    "load_environments",
    "parse_selection",
    "selection_from_env",
]
