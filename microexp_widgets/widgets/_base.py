"""What every widget of the library does the same way."""

from __future__ import annotations

from typing import Any

import traitlets


def refuse_unknown_keywords(widget: traitlets.HasTraits, kwargs: dict[str, Any]) -> None:
    """Raise ``TypeError`` for keyword arguments that name no trait of ``widget``, so a typo fails at once.

    Widgets pass their extra keyword arguments on to ipywidgets, which would otherwise keep an unknown one silently.
    """
    unknown = sorted(set(kwargs) - set(widget.class_trait_names()))
    if unknown:
        raise TypeError(f"{type(widget).__name__}() got unexpected keyword arguments: {', '.join(unknown)}.")
