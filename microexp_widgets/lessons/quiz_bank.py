"""The questions that end each lesson, kept here so notebooks do not print their own answers."""

from __future__ import annotations

from .progress import lesson_info
from .quiz import Choice, NumericAnswer, QuestionSpec, Quiz

C = Choice

QUESTIONS: dict[str, tuple[QuestionSpec, ...]] = {
    "00_start_here": (
        QuestionSpec(
            "00.video",
            "You record a take in these lessons. Which statement about your video is true?",
            "single",
            (
                C(
                    "It is always uploaded to a cloud service so the model can analyse it.",
                    False,
                    "No: no cloud service is involved. At most the clip goes to the computer that runs this "
                    "notebook's kernel, which on Binder or a hub is a server, and it stays in that kernel's memory.",
                ),
                C(
                    "It goes no further than the computer that runs this notebook's kernel, is kept in memory "
                    "there, and is written to disk only if you save it yourself.",
                    True,
                    "Yes: and where your browser can run the face model, the video does not even leave your browser; "
                    "only numbers per frame reach the kernel. On Binder or a hub that kernel runs on a server. "
                    "The recorder's note says which route it uses, and lesson 07 shows how to delete a take.",
                ),
                C(
                    "It is saved into the notebook file so you can watch it later.",
                    False,
                    "No: the recorder drops the video bytes from the widget state, so a saved notebook holds no video.",
                ),
            ),
        ),
    ),
    "01_blink_and_you_miss_it": (
        QuestionSpec(
            "01.duration",
            "A brow-lowering movement (AU04) leaves baseline at 1.20 s, peaks at 1.28 s and is back "
            "at 1.38 s. "
            "How long did it last, in milliseconds?",
            "numeric",
            numeric=NumericAnswer(
                180,
                10,
                "ms",
                right=("Right: 1.38 s - 1.20 s = 0.18 s = 180 ms, under the 500 ms cut-off, so it counts as micro."),
                too_low=("Too short: duration runs from onset to offset (1.38 - 1.20 s), not from onset to apex."),
                too_high=("Too long: subtract the onset time from the offset time and turn seconds into milliseconds."),
            ),
        ),
    ),
    "02_what_they_are": (
        QuestionSpec(
            "02.facts",
            "Which statements fit micro-expressions as this suite measures them?",
            "multiple",
            (
                C(
                    "They last under about half a second (CASME II uses a 500 ms cut-off).",
                    True,
                    "the usual cut-off is half a second; many are much shorter.",
                ),
                C(
                    "Most people feel them rather than consciously see them.",
                    True,
                    "the article: your gut notices 'even if your eyeballs missed the micro-glare'.",
                ),
                C(
                    "The tool shows which muscles moved (Action Units), not what anyone feels.",
                    True,
                    "movements are what a camera can measure. One movement has many possible causes (glare, cold, "
                    "concentration, a feeling), so the movement alone does not tell you the feeling.",
                ),
                C(
                    "With enough practice you can stop them completely.",
                    False,
                    "they are largely involuntary; you can soften their impact, not switch them off.",
                ),
                C(
                    "A software score from someone's face tells you what they feel.",
                    False,
                    "a movement has many possible reasons (glare, cold, concentration), so we never compute one.",
                ),
            ),
        ),
        QuestionSpec(
            "02.fraction",
            "Ekman's training material mentions expressions as short as 1/25 of a second. How many "
            "milliseconds is that?",
            "numeric",
            numeric=NumericAnswer(
                40,
                1,
                "ms",
                right="Right: 1000 ms / 25 = 40 ms, about one frame of a 25 fps video.",
                too_low="Too low: divide 1000 ms by 25.",
                too_high="Too high: divide 1000 ms by 25.",
            ),
        ),
        QuestionSpec(
            "02.limits",
            "The timeline marks one of your mouth movements 'micro'. What does that label tell you?",
            "single",
            (
                C(
                    "That you were hiding something: micro-expressions give away lies.",
                    False,
                    "No: micro-expressions are rare and usually partial, in honest and deceptive expressions "
                    "alike (Porter & ten Brinke, 2008), so they are no lie detector.",
                ),
                C(
                    "Only that the movement lasted 500 ms or less; speaking makes many such movements.",
                    True,
                    "Yes: 'micro' here is a timing label. A research-grade micro-expression is coded by trained "
                    "people from high-speed video, and talking alone moves the mouth in brief bursts.",
                ),
                C(
                    "Which emotion you felt at that moment.",
                    False,
                    "No: the tool measures movements, never feelings; one movement has many possible causes.",
                ),
            ),
        ),
    ),
    "03_make_or_break": (
        QuestionSpec(
            "03.ledger",
            "At a party someone flashes a brief grimace when you introduce yourself; the talk that "
            "follows is full "
            "of shared jokes and music you both like. What does this lesson suggest about that first blip?",
            "single",
            (
                C(
                    "It decides the impression: first reactions are final.",
                    False,
                    "The article calls them 'traffic lights', not fate: later cues keep changing the picture.",
                ),
                C(
                    "It starts you a few points down, and the later cues outweigh it.",
                    True,
                    "Yes: in the ledger the blip's share shrinks as warm cues pile up after it.",
                ),
                C(
                    "It has no effect at all on the impression.",
                    False,
                    "It does tilt the scales early on; if the talk stays neutral it can 'cling like lint'.",
                ),
            ),
        ),
    ),
    "04_nudging_your_own": (
        QuestionSpec(
            "04.weak",
            "You smiled broadly during a take, yet the cheek-raise line (AU06) in your timeline stayed near "
            "zero. What is the best way to read that?",
            "single",
            (
                C(
                    "The smile was not a real one.",
                    False,
                    "No: the tool never judges whether a smile is real, and this reading says little anyway "
                    "(see the right answer).",
                ),
                C(
                    "Not much: this face model hardly registers cheek raise for most faces, so a low AU06 is "
                    "not evidence that the cheeks stayed still.",
                    True,
                    "Yes: AU06 is one of the three channels the AU table marks weak (with AU05 and AU09). "
                    "Notice what you feel in your face instead of chasing that number.",
                ),
                C(
                    "Push the cheeks up harder until the line rises.",
                    False,
                    "No: the practice is about noticing, not chasing a number, and this number hardly moves "
                    "with this model.",
                ),
            ),
        ),
    ),
    "05_decoding_others": (
        QuestionSpec(
            "05.cluster",
            "A new colleague gives you a quick glare and folds their arms. The office is cold and "
            "the low sun is in "
            "their eyes. What is the best next step?",
            "single",
            (
                C(
                    "Conclude they are annoyed with you and keep your distance.",
                    False,
                    "Two cues, both explained by the context: that is not a warranted conclusion.",
                ),
                C(
                    "Ask a light question, for example 'Sun in your eyes? Want to swap seats?'",
                    True,
                    "Yes: ask, don't assume. People usually correct your reading for you.",
                ),
                C(
                    "Watch their face more closely for more micro-expressions.",
                    False,
                    "Staring for more twitches feeds the spiral; look at context and ask instead.",
                ),
            ),
        ),
    ),
    "06_putting_it_together": (
        QuestionSpec(
            "06.order",
            "What are the three steps of the checklist, in order?",
            "single",
            (
                C(
                    'Soft eyes, half smile; exhale; "let\'s get curious".',
                    False,
                    "Close, but the calm baseline comes first: exhale before anything else.",
                ),
                C(
                    'Exhale; soft eyes, half smile; "let\'s get curious".',
                    True,
                    "Yes: breathe out, soften the face, then nudge your inner narrator.",
                ),
                C(
                    "Exhale; watch the other person's face; decide what they feel.",
                    False,
                    "The checklist is about your own baseline and curiosity, not about reading others.",
                ),
            ),
        ),
    ),
    "07_big_picture": (
        QuestionSpec(
            "07.rogue",
            "In a first meeting a rogue eyebrow shoots up before you can stop it. What does the article suggest?",
            "single",
            (
                C(
                    "Apologise for your expression.",
                    False,
                    "No need: a single twitch is not a verdict on you.",
                ),
                C(
                    "Roll with it and follow up with warmth: ask a question, share a laugh.",
                    True,
                    "Yes: 'first impressions are living things; they update in real time'.",
                ),
                C(
                    "Keep your face still for the rest of the meeting.",
                    False,
                    "A frozen face is the 'emotionless robot' the article warns against.",
                ),
            ),
        ),
    ),
}


def questions(lesson: str) -> tuple[QuestionSpec, ...]:
    """Return the questions of one lesson, raising ``ValueError`` for an unknown lesson."""
    return QUESTIONS[lesson_info(lesson).key]


def quiz_for(lesson: str, number: int = 1, **kwargs) -> Quiz:
    """Return the ``number``-th (from 1) check-your-understanding :class:`Quiz` of a lesson."""
    specs = questions(lesson)
    if not 1 <= number <= len(specs):
        raise ValueError(f"Lesson {lesson} has {len(specs)} question(s); ask for 1 to {len(specs)}.")
    return Quiz(specs[number - 1], **kwargs)
