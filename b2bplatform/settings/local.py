"""Embedded default for a developer machine: `make run`, nothing to install."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
