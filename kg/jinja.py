"""The package's HTML templates, compiled once per process: a build writes two pages, and
the fork that writes the report inherits them compiled. Every value is autoescaped."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from kg.settings import PACKAGE_DIR


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(PACKAGE_DIR / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    # `tojson` (still HTML-safe): compact and in insertion order, not sorted with spaces
    # (a large page's data is megabytes)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "separators": (",", ":")}
    return env


def template(name: str) -> Template:
    """A template from kg/templates (jinja keeps the compiled ones in the environment)."""
    return environment().get_template(name)
