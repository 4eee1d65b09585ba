"""Industrial Architect: a turn-based terminal game about a city's industrial policy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("industrial-architect")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"
