"""Showing and hiding parts of a widget."""

from __future__ import annotations

import ipywidgets as widgets


def set_hidden(widget: widgets.Widget, hidden: bool) -> None:
    """Hide ``widget`` (it keeps its place in the tree) or show it again."""
    widget.layout.display = "none" if hidden else None
