"""HTML pages from Jinja2 templates shipped in a package's templates/ folder, autoescaped.

Every value a template prints is escaped as `html.escape` escapes it (`&quot;`, `&#x27;`), the
form the pages used before they had templates; text marked safe (`Markup`) is kept as it is.
"""

from __future__ import annotations

import html

from jinja2 import Environment, PackageLoader
from markupsafe import Markup


def _escaped(value: object) -> Markup:
    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


def page_templates(package: str) -> Environment:
    """The templates in `package`'s templates/ folder, autoescape on; block tags take their
    own lines without leaving blank ones."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        finalize=_escaped,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
