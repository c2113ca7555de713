"""The cue-cluster builder (lesson 05): one cue is a hint, a cluster in context is a question worth asking.

Scenario logic, stated openly so learners can argue with it: each noticed cue either points toward the
worrying reading ("they are annoyed with me") or away from it; context can explain a cue away (sun in
the eyes explains a glare); what is left decides how much the reading is warranted, and the suggested
next step is always a question rather than a conclusion.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import ipywidgets as widgets


@dataclass(frozen=True)
class ClusterCue:
    """Something you noticed about the other person.

    Attributes
    ----------
    key, label : str
        Identifier and plain description.
    direction : int
        +1 if it points toward the worrying reading, -1 if it points away from it.
    """

    key: str
    label: str
    direction: int


@dataclass(frozen=True)
class Context:
    """Something about the situation that can explain cues away.

    Attributes
    ----------
    key, label : str
        Identifier and plain description.
    explains : tuple of str
        Keys of the cues this context can account for.
    question : str
        A question that checks this explanation instead of assuming.
    """

    key: str
    label: str
    explains: tuple[str, ...]
    question: str


CUES: tuple[ClusterCue, ...] = (
    ClusterCue("micro_glare", "a micro-glare (brows pulled down for a split second)", +1),
    ClusterCue("crossed_arms", "crossed arms", +1),
    ClusterCue("one_word", "one-word replies", +1),
    ClusterCue("open_posture", "open posture, facing you", -1),
    ClusterCue("banter", "normal banter, jokes back", -1),
)

CONTEXTS: tuple[Context, ...] = (
    Context("sun", "the sun is in their eyes", ("micro_glare",), "Sun in your eyes? Want to swap seats?"),
    Context("cold", "the room is cold", ("crossed_arms",), "Chilly in here, isn't it?"),
    Context("noise", "it is loud (music, a busy cafe)", ("one_word",), "Shall we find a quieter spot?"),
    Context(
        "topic",
        "the topic is frustrating in itself (rent prices)",
        ("micro_glare", "one_word"),
        "Rent is brutal at the moment, isn't it?",
    ),
    Context("hungry", "they skipped lunch", ("micro_glare", "one_word"), "Have you eaten? Want to grab something?"),
)
#: Example scenes a learner can load on purpose (the builder itself starts empty, for the learner's own scene).
EXAMPLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "glare, crossed arms, one-word replies": (("micro_glare", "crossed_arms", "one_word"), ()),
    "glare with open posture and banter": (("micro_glare", "open_posture", "banter"), ()),
    "the same glare, in the sun": (("micro_glare",), ("sun",)),
    "a friend talking about rent": (("micro_glare", "one_word"), ("topic",)),
}
_CUES = {c.key: c for c in CUES}
_CONTEXTS = {c.key: c for c in CONTEXTS}

#: Warrant levels, lowest first.
LEVELS = ("not warranted", "weak", "some", "stronger, still a guess")


@dataclass(frozen=True)
class Assessment:
    """How much the worrying reading is warranted, why, and what to ask instead of assuming.

    Attributes
    ----------
    level : int
        Index into :data:`LEVELS` (0 = not warranted).
    support : tuple of str
        Keys of cues that point toward the reading and that no context explains.
    explained : dict
        Cue key -> key of the context that explains it.
    against : tuple of str
        Keys of cues that point away from the reading.
    question : str
        What to ask instead of assuming.
    reasons : tuple of str
        Plain sentences behind the level.
    """

    level: int
    support: tuple[str, ...]
    explained: dict[str, str]
    against: tuple[str, ...]
    question: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        """The level in words."""
        return LEVELS[self.level]


def assess(cues: Iterable[str], contexts: Iterable[str] = ()) -> Assessment:
    """Weigh noticed cues in their context.

    Parameters
    ----------
    cues : iterable of str
        Keys from :data:`CUES`.
    contexts : iterable of str
        Keys from :data:`CONTEXTS`.

    Returns
    -------
    Assessment
        Level = unexplained supporting cues minus cues pointing away, clipped to 0..3; a single cue
        is at most "weak" (a hint, not a verdict).
    """
    cue_keys = [k for k in dict.fromkeys(cues)]
    context_keys = [k for k in dict.fromkeys(contexts)]
    for key in cue_keys:
        if key not in _CUES:
            raise ValueError(f"Unknown cue {key!r}; choose from {', '.join(_CUES)}.")
    for key in context_keys:
        if key not in _CONTEXTS:
            raise ValueError(f"Unknown context {key!r}; choose from {', '.join(_CONTEXTS)}.")
    explained: dict[str, str] = {}
    for ctx_key in context_keys:
        for cue_key in _CONTEXTS[ctx_key].explains:
            if cue_key in cue_keys and _CUES[cue_key].direction > 0:
                explained.setdefault(cue_key, ctx_key)
    support = tuple(k for k in cue_keys if _CUES[k].direction > 0 and k not in explained)
    against = tuple(k for k in cue_keys if _CUES[k].direction < 0)
    level = max(0, min(3, len(support) - len(against)))
    reasons = []
    if not cue_keys:
        reasons.append("Nothing noticed yet: there is nothing to read.")
    for key in support:
        reasons.append(f"{_CUES[key].label}: points toward the worrying reading.")
    for key, ctx in explained.items():
        reasons.append(f"{_CUES[key].label}: could simply be because {_CONTEXTS[ctx].label}.")
    for key in against:
        reasons.append(f"{_CUES[key].label}: points away from it.")
    if len(support) == 1 and not against:
        reasons.append("One cue on its own is a hint, not a verdict.")

    if explained:
        question = _CONTEXTS[next(iter(explained.values()))].question
    elif level >= 2:
        question = "All good?"
    elif support and level == 0:
        question = "No need to ask: everything else says the conversation is going fine."
    elif support:
        question = "Nothing to ask yet: keep chatting and notice what else happens."
    else:
        question = "No question needed: carry on and enjoy the conversation."
    return Assessment(level, support, explained, against, question, tuple(reasons))


def article_scenes() -> str:
    """Lesson 05: the article's two scenes weighed by the same rules, one line each."""
    lines = []
    for cues in (["micro_glare", "crossed_arms", "one_word"], ["micro_glare", "open_posture", "banter"]):
        result = assess(cues)
        lines.append(f"{' + '.join(_CUES[k].label for k in cues)}: {result.label}. Ask: {result.question}")
    return "\n".join(lines)


def render(assessment: Assessment) -> str:
    """Render an assessment as HTML."""
    meter = "".join(
        f"<span style='display:inline-block;width:3em;height:0.8em;margin-right:2px;"
        f"background:{'#8c510a' if i <= assessment.level and assessment.level > 0 else '#ddd'}'></span>"
        for i in range(1, len(LEVELS))
    )
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in assessment.reasons)
    return (
        "<p><b>Is 'they are annoyed with me' warranted?</b> "
        f"{meter} <b>{html.escape(assessment.label)}</b></p>"
        f"<ul>{reasons}</ul>"
        f"<p><b>Instead of assuming, ask:</b> &ldquo;{html.escape(assessment.question)}&rdquo;</p>"
    )


class CueClusterBuilder(widgets.VBox):
    """Tick what you noticed and what you know about the context; see how far a reading is warranted.

    It starts with nothing ticked, so the learner builds their own scene; an example scene is loaded only by
    its button.

    Parameters
    ----------
    cues, contexts : iterable of str, optional
        Keys ticked at the start.
    """

    def __init__(self, cues: Iterable[str] = (), contexts: Iterable[str] = (), **kwargs) -> None:
        layout = widgets.Layout(width="auto")
        self._cue_boxes = {c.key: widgets.Checkbox(description=c.label, indent=False, layout=layout) for c in CUES}
        self._context_boxes = {
            c.key: widgets.Checkbox(description=c.label, indent=False, layout=layout) for c in CONTEXTS
        }
        self._out = widgets.HTML()
        for box in [*self._cue_boxes.values(), *self._context_boxes.values()]:
            box.observe(lambda _: self.refresh(), "value")
        columns = widgets.HBox(
            [
                widgets.VBox([widgets.HTML("<b>What you noticed</b>"), *self._cue_boxes.values()]),
                widgets.VBox([widgets.HTML("<b>What you know about the situation</b>"), *self._context_boxes.values()]),
            ]
        )
        self._example = widgets.Dropdown(
            options=list(EXAMPLES), description="example", layout=widgets.Layout(width="auto")
        )
        load = widgets.Button(description="Load this example", icon="folder-open", layout=widgets.Layout(width="auto"))
        load.on_click(lambda _: self.load_example(self._example.value))
        empty = widgets.Button(description="Start empty", icon="eraser", layout=widgets.Layout(width="auto"))
        empty.on_click(lambda _: self.select())
        examples = widgets.HBox([self._example, load, empty], layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__(children=[columns, self._out, examples], **kwargs)
        self.select(cues, contexts)

    def load_example(self, name: str) -> Assessment:
        """Tick one of the :data:`EXAMPLES` scenes (what the "Load this example" button does)."""
        if name not in EXAMPLES:
            raise ValueError(f"Unknown example {name!r}; choose from {', '.join(EXAMPLES)}.")
        cues, contexts = EXAMPLES[name]
        return self.select(cues, contexts)

    @property
    def ticked(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Keys of the ticked cues and contexts."""
        return (
            tuple(k for k, b in self._cue_boxes.items() if b.value),
            tuple(k for k, b in self._context_boxes.items() if b.value),
        )

    def select(self, cues: Iterable[str] = (), contexts: Iterable[str] = ()) -> Assessment:
        """Tick exactly these cues and contexts (as the learner would) and return the assessment."""
        cues, contexts = set(cues), set(contexts)
        unknown = (cues - set(self._cue_boxes)) | (contexts - set(self._context_boxes))
        if unknown:
            raise ValueError(f"Unknown cue or context: {', '.join(sorted(unknown))}.")
        with self.hold_trait_notifications():
            for key, box in self._cue_boxes.items():
                box.value = key in cues
            for key, box in self._context_boxes.items():
                box.value = key in contexts
        return self.refresh()

    @property
    def assessment(self) -> Assessment:
        """The assessment of what is ticked now."""
        return assess(*self.ticked)

    def refresh(self) -> Assessment:
        """Redraw the assessment and return it."""
        result = self.assessment
        self._out.value = render(result)
        return result
