"""What the lessons say and ask, read from the notebooks and the package (issue 18): no verdict on a face, one idea
per cell, honest time estimates, claims with their sources, limits where they bite, and one statement of the privacy.

These run without a kernel. Each checker is first shown to fail on a sample of the text it guards against.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS_DIR = ROOT / "lessons"
LESSONS = sorted(LESSONS_DIR.glob("0*.ipynb"))
PACKAGE = ROOT / "microexp_widgets"

# A band, verdict or trend about a learner's take, in the words the old mirror practice and checklist used.
VERDICTS = re.compile(
    r"TargetBand|TARGET_BANDS|nothing to change|ease back|half-smile range|target band|in-range|out[- ]of[- ]range|"
    r"what to try next|in your first take|in your latest|first-versus-latest|compared with your takes",
    re.IGNORECASE,
)


def cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def text(path: Path, kind: str | None = None) -> str:
    return "\n".join(c.source for c in cells(path) if kind is None or c.cell_type == kind)


def flat(words: str) -> str:
    return " ".join(words.replace("\n>", "\n").split())


def lesson(stem: str) -> str:
    return flat(text(LESSONS_DIR / f"{stem}.ipynb"))


# -- no verdict on a face ------------------------------------------------------------------------------------------


def test_the_verdict_pattern_can_fail():
    for old in ("Lifted a little: a half smile. Nothing to change; notice how it feels.",
                "Pulled up strongly, a full smile. For a half smile, let them ease back a little.",
                "the feedback says how much each movement moved and what to try next",
                "Lip corners lifted (AU12, median): 0.20 in your first take, 0.35 in your latest.",
                "class TargetBand:", "an in-range or out-of-range column"):  # fmt: skip
        assert VERDICTS.search(old), old


def test_no_band_verdict_or_trend_about_a_take_remains_in_the_package_or_the_lessons():
    sources = {p.relative_to(ROOT).as_posix(): p.read_text() for p in PACKAGE.rglob("*.py")}
    sources |= {p.relative_to(ROOT).as_posix(): text(p) for p in LESSONS_DIR.glob("*.ipynb")}
    for name, source in sources.items():
        found = VERDICTS.search(source)
        assert found is None, f"{name}: {source[max(0, found.start() - 80) : found.end() + 80]!r}"
    assert not (PACKAGE / "lessons" / "take_check.py").exists()


# -- one idea per cell ---------------------------------------------------------------------------------------------

MAX_STATEMENTS = 3
LOGIC = (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
         ast.GeneratorExp, ast.DictComp, ast.SetComp, ast.IfExp)  # fmt: skip


def logic_in(source: str) -> list[str]:
    """Why a code cell holds implementation logic: too many statements, or a loop, branch or definition."""
    tree = ast.parse(source)
    found = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, LOGIC)]
    if len(tree.body) > MAX_STATEMENTS:
        found.append(f"{len(tree.body)} statements")
    return found


def test_the_cell_check_can_fail_on_the_old_lesson_01_cell():
    old = (
        "take = recorder.timeline\n"
        "brow_events = sorted((e for e in take.events if e.au in ('AU04',)), key=lambda e: e.onset_s)\n"
        "if brow_events:\n    print(brow_events[0])\nelse:\n    print('none')\n"
    )
    assert {"GeneratorExp", "Lambda", "If"} <= set(logic_in(old))
    assert logic_in("view = mw.TimelineView()\nrecorder = mw.Recorder(max_seconds=5, view=view)\nrecorder") == []


@pytest.mark.parametrize("path", sorted(LESSONS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_code_cell_calls_one_function_or_builds_one_widget(path):
    for cell in cells(path):
        if cell.cell_type == "code":
            assert logic_in(cell.source) == [], f"{path.name}: {cell.source!r}"


# -- honest time estimates -----------------------------------------------------------------------------------------

SECONDS_PER_FLASH = 8  # press Show, watch, answer two questions
#: The least each activity asks of a learner, in minutes, by the widget that runs it.
ACTIVITY_MINUTES = {
    "mw.Recorder(": 2,  # the consent note once, a few seconds on camera, reading the result
    "PredictThenLook(": 6,  # a 15-20 s take, a prediction, two viewings, a second rating, the comparison
    "Checklist(": 8,  # the pacer, three steps, and a take in the same shape
    "ClipStudy(": 3,  # watch a clip twice, write, reveal, compare
    "ImpressionLedger(": 4,  # five tasks
    "CueClusterBuilder(": 3,  # four scenes
    "AUFace(": 1,
    "BreathingPacer(": 1,
    "Reflection(": 1.5,
    "MyData(": 1,
    "quiz_for(": 1,
}
WORDS_PER_MINUTE = (150, 250)  # careful reading of new material, slowest and fastest


def flashes_in(source: str) -> int:
    """Flashes in the drills a cell builds, counted by building them (the optional long drill is left out)."""
    import microexp_widgets as mw

    if "FlashDrill" not in source or "FlashDrill.long" in source:
        return 0
    namespace = {"mw": mw}
    exec(source, namespace)
    return sum(len(v.trials) for v in namespace.values() if isinstance(v, mw.FlashDrill))


def asks(path: Path) -> dict:
    """What a lesson asks: words to read, flashes, and the least minutes of its activities."""
    code = [c.source for c in cells(path) if c.cell_type == "code"]
    words = len(re.findall(r"[A-Za-z0-9']+", text(path, "markdown")))
    flashes = sum(flashes_in(source) for source in code)
    minutes = sum(m * sum(source.count(k) for source in code) for k, m in ACTIVITY_MINUTES.items())
    return {"words": words, "flashes": flashes, "activities": minutes + flashes * SECONDS_PER_FLASH / 60,
            "questions": sum(source.count("quiz_for(") for source in code)}  # fmt: skip


def estimate_problems(header: str, asked: dict) -> list[str]:
    """Where a lesson's stated time disagrees with what it asks (an empty list when it agrees)."""
    match = re.search(r"\*\*Estimated time:\*\* (\d+) minutes \(([^)]*)\)", header)
    if not match:
        return ["no estimate of the form 'N minutes (part n, ...)'"]
    total = int(match.group(1))
    parts = {label.strip(): int(n) for label, n in re.findall(r"([a-z][a-z ]*?) (\d+)", match.group(2))}
    problems = []
    if sum(parts.values()) != total:
        problems.append(f"the parts add up to {sum(parts.values())}, not {total}")
    slow, fast = (asked["words"] / wpm for wpm in WORDS_PER_MINUTE)
    reading = parts.get("reading", 0)
    if not fast - 0.5 <= reading <= slow + 0.5:
        problems.append(f"reading {reading} min for {asked['words']} words (between {fast:.1f} and {slow:.1f})")
    least = fast + asked["activities"]
    if not least <= total <= 1.5 * least + 3:
        problems.append(f"{total} min for what needs at least {least:.1f} min")
    drill = sum(n for label, n in parts.items() if "drill" in label)
    if asked["flashes"] and drill < asked["flashes"] * SECONDS_PER_FLASH / 60:
        problems.append(f"{drill} min of drill for {asked['flashes']} flashes")
    questions = sum(n for label, n in parts.items() if label.startswith("question"))
    if questions < asked["questions"]:
        problems.append(f"{questions} min for {asked['questions']} questions")
    return problems


def test_the_estimate_check_fails_on_the_old_lesson_02():
    old = "**Estimated time:** 18 minutes (reading 4, AU explorer 4, your timeline 3, limits 2, drill 4, questions 1)."
    problems = estimate_problems(old, {"words": 1700, "flashes": 56, "activities": 11 + 56 * 8 / 60, "questions": 3})
    assert any("reading 4 min" in p for p in problems) and any("drill for 56 flashes" in p for p in problems)
    assert any("3 questions" in p for p in problems) and any("needs at least" in p for p in problems)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lessons_time_estimate_matches_what_it_asks(path):
    assert estimate_problems(cells(path)[0].source, asks(path)) == []


def test_lesson_02s_drill_is_about_twenty_flashes_and_the_long_one_is_optional_and_timed():
    assert asks(LESSONS_DIR / "02_what_they_are.ipynb")["flashes"] == 20
    header = cells(LESSONS_DIR / "02_what_they_are.ipynb")[0].source
    extra = int(re.search(r"long drill at the end is optional \(about (\d+) minutes more\)", flat(header)).group(1))
    import microexp_widgets as mw

    assert extra >= len(mw.FlashDrill.long().trials) * SECONDS_PER_FLASH / 60
    assert "### Optional: the long drill" in text(LESSONS_DIR / "02_what_they_are.ipynb")


# -- one statement of the privacy, a glossary, help -----------------------------------------------------------------

VIDEO_LINK = "00_start_here.ipynb#What-happens-to-your-video"


def test_what_happens_to_your_video_is_said_once_and_linked_from_every_camera_lesson():
    assert "## What happens to your video" in text(LESSONS_DIR / "00_start_here.ipynb")
    for path in LESSONS[1:]:
        body = text(path)
        assert "only numbers per frame reach the notebook" not in body, path.name  # the old repeated box
        if any(widget in body for widget in ("Recorder(", "PredictThenLook(", "Checklist(", "ClipStudy()")):
            assert body.count(VIDEO_LINK) == 1, path.name


GLOSSARY_WORDS = (
    "Action Unit", "Apex", "Blendshape", "EMFACS", "F1", "Interval", "Kernel", "Median", "Offset", "Onset", "Short",
    "Wilson", "5B", "R12A", "Blank flash", "Chance line", "Illusion of transparency",
)  # fmt: skip


def test_a_glossary_opens_from_every_lesson_and_explains_the_words_they_use():
    glossary = text(LESSONS_DIR / "glossary.ipynb")
    for word in GLOSSARY_WORDS:
        assert word in glossary, word
    for path in LESSONS:
        assert "(glossary.ipynb)" in cells(path)[0].source, path.name
    # A term of the trade used in a lesson is in the glossary (or the lesson explains it where it is used).
    for word in ("Wilson", "5B", "R12A", "F1", "median", "blendshape", "EMFACS"):
        users = [p.stem for p in LESSONS if word in text(p, "markdown")]
        assert word.lower() in glossary.lower(), (word, users)


def test_teaching_not_therapy_is_said_with_where_to_find_help():
    for stem in ("00_start_here", "04_nudging_your_own", "06_putting_it_together"):
        body = lesson(stem).lower()
        assert "not therapy" in body and "counsellor" in body and "mental-health service" in body, stem


def test_logging_is_said_before_the_take_in_the_lessons_the_note_and_the_widget():
    from microexp_widgets.lessons.predict_look import _PLAN
    from microexp_widgets.widgets._consent import BROWSER_POINTS

    for stem, widget in (("04_nudging_your_own", "PredictThenLook("), ("06_putting_it_together", "Checklist(")):
        body = lesson(stem)
        assert body.lower().index("nothing is saved") < body.index(widget), stem
    assert "Nothing is saved unless you save it" in lesson("00_start_here")
    assert "A take is never logged by itself" in lesson("00_start_here")
    assert "Nothing of this take is saved" in _PLAN and "never video" in _PLAN
    assert any(point.startswith("Nothing is saved unless you save it yourself") for point in BROWSER_POINTS)


def test_lesson_07_keeps_to_its_section_and_the_readme_keeps_the_details():
    body = lesson("07_big_picture")
    assert "formula" not in body and "time zone" not in body
    readme = (ROOT / "README.md").read_text()
    assert "as a formula" in readme and "time zone" in readme


def test_learner_facing_scenes_fit_any_age():
    from microexp_widgets.lessons.quiz_bank import printable_quiz

    for name, body in [(p.stem, text(p)) for p in LESSONS] + [("quiz", printable_quiz())]:
        for scene in ("Tinder", "first date", "a date", "dating"):
            assert scene not in body, (name, scene)
    assert "In the article's house-party scene" in printable_quiz()


# -- claims with their sources, limits where they bite --------------------------------------------------------------

SOURCES = {
    "01_blink_and_you_miss_it": (
        "Yan et al., 2014", "Porter & ten Brinke (2008)", "Yan and colleagues (2013)",
        "Schmidt, Bhattacharya & Denlinger, 2009", "noticing a change seems easier than naming it", "1 time in 2",
        "blank flashes",
    ),
    "02_what_they_are": (
        "Barrett, Adolphs, Marsella, Martinez & Pollak, 2019", "Jack, Garrod, Yu, Caldara & Schyns, 2012",
        "Yan and colleagues (2013)", "(Yan et al., 2014)", "at most 200 ms", "simplified textbook table",
        "Ekman, Friesen & Hager, 2002", "frame by frame", "200 frames a second",
        "noticing a change was easier than naming it", "mediapipe #4450", "two sample clips", "Burgoon, 2018",
        "Jordan et al., 2019", "MEGC", "about 0.25", "0.18", "three frames", "20 analysed frames a second",
        "approximate",
    ),
    "03_make_or_break": ("Willis & Todorov (2006)", "Agreement is not accuracy", "the article's claim"),
    "04_nudging_your_own": ("Clark & Wells, 1995", "Gilovich, Savitsky & Medvec, 1998", "Savitsky & Gilovich, 2003",
                            "Harvey, Clark, Ehlers & Rapee, 2000", "Warnock-Parkes et al., 2017",
                            "that is its claim", "the article's advice", "only means something with your own take"),
}  # fmt: skip
NOT_CLAIMED = {
    "02_what_they_are": ("Yan et al., 2013) labels", "They're involuntary.** You cannot switch them off"),
    "04_nudging_your_own": ("It loosens the small eye and jaw muscles", "what to try next"),
    "01_blink_and_you_miss_it": ("(the CASME II database uses a 500 ms cut-off)", "nothing is scored"),
}


@pytest.mark.parametrize("stem", sorted(SOURCES), ids=str)
def test_each_claim_is_defensible_with_its_source_in_the_lesson(stem):
    body = lesson(stem)
    for words in SOURCES[stem]:
        assert words in body, words
    for words in NOT_CLAIMED.get(stem, ()):
        assert words not in body, words


def test_the_micro_label_is_explained_where_it_first_appears():
    body = lesson("00_start_here")
    check = body.index("## Camera check")
    explained = body.index("In this tool *micro* is only a timing label")
    assert check < explained < body.index("## How the lessons work")
    assert "called **short** instead" in body[explained:]
    from microexp_widgets.widgets.timeline_view import _KEY

    assert "a label for its length only" in _KEY and "short" in _KEY


def test_the_guide_no_longer_claims_what_no_source_says():
    guide = flat(text(LESSONS_DIR / "facilitator_guide.ipynb"))
    assert "often *longer* than 500 ms" not in guide and "research is solid" not in guide
    assert "deliberate brow raises are faster, larger and *shorter*" in guide
    assert "Schmidt, Bhattacharya & Denlinger, 2009" in guide
    assert "Three movements are weak for this model on any face" not in guide
