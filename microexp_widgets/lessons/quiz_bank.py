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
                    "It goes no further than the computer that runs this notebook's kernel, and nothing of it is "
                    "written to disk unless you choose to save it.",
                    True,
                    "Yes: where your browser can run the face model, the video does not even leave your browser; "
                    "only numbers per frame reach the kernel. On Binder or a hub that kernel runs on a server. A "
                    "take goes into your practice log only if you press Save, and then as your ratings, never video.",
                ),
                C(
                    "Each take's numbers go into your practice log by themselves, so you can see your progress.",
                    False,
                    "No: nothing goes into the practice log unless you press a Save button, and the log never "
                    "holds video or a score of your face.",
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
                right=(
                    "Right: 1.38 s - 1.20 s = 0.18 s = 180 ms, under the 500 ms cut-off, so this tool labels it "
                    "micro: a label for its length, nothing more."
                ),
                too_low=("Too short: duration runs from onset to offset (1.38 - 1.20 s), not from onset to apex."),
                too_high=("Too long: subtract the onset time from the offset time and turn seconds into milliseconds."),
            ),
        ),
    ),
    "02_what_they_are": (
        QuestionSpec(
            "02.facts",
            "Which statements are fair, as this lesson teaches them?",
            "multiple",
            (
                C(
                    "They last under about half a second (this tool's 500 ms cut-off, the most inclusive one).",
                    True,
                    "the 500 ms line comes from Yan et al. (2013); Ekman's training material speaks of 1/25 to "
                    "1/5 of a second, and Shen et al. (2012) argued for about 200 ms.",
                ),
                C(
                    "That people feel them rather than see them is the article's claim, not something the drill shows.",
                    True,
                    "the drill shows that noticing a change on a drawn face is easier than naming it; what a gut "
                    "feeling picks up in a real conversation is another question.",
                ),
                C(
                    "The tool shows which muscles moved (Action Units), not what anyone feels.",
                    True,
                    "movements are what a camera can measure. One movement has many possible causes (glare, cold, "
                    "concentration, a feeling), so the movement alone does not tell you the feeling.",
                ),
                C(
                    "They happen all the time, so nearly every face you meet is full of them.",
                    False,
                    "they are rare: even in a lab set up to provoke them, CASME II holds 247 among nearly 3000 facial "
                    "movements (Yan et al., 2014), and Porter & ten Brinke (2008) found 14 in 697 expressions.",
                ),
                C(
                    "A software score from someone's face tells you what they feel.",
                    False,
                    "a movement has many possible reasons (glare, cold, concentration), so we never compute one.",
                ),
            ),
        ),
        QuestionSpec(
            "02.blanks",
            "In the drill someone said 'something moved' after 14 of 15 real flashes, and also after 4 of 5 blank "
            "flashes, where nothing moved. What does their noticing line tell you?",
            "single",
            (
                C(
                    "That they noticed almost every movement, even the 40 ms ones.",
                    False,
                    "No: 'yes' came nearly as often when nothing moved, so a high noticing rate is what answering "
                    "'yes' most of the time gives, whatever was seen.",
                ),
                C(
                    "Little on its own: they said 'yes' almost as often when nothing moved.",
                    True,
                    "Yes: noticing only says something was seen where it lies above the 'yes' line of the blank "
                    "flashes. That is why the drill has blanks, and why its plot draws each question's chance line.",
                ),
                C(
                    "That noticing is easy and naming is hard, whatever the flashes showed.",
                    False,
                    "No: a yes/no answer is right by guessing 1 time in 2 and naming one of five 1 time in 5, so the "
                    "two only compare once the blanks and the chance lines are read too.",
                ),
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
                    "people frame by frame, sometimes from high-speed video (CASME II was filmed at 200 frames per "
                    "second), and talking alone moves the mouth in brief bursts.",
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
            "In the article's house-party scene, she flashes a brief grimace when you introduce yourself; the "
            "talk that follows is full of shared jokes and music you both like. What does this lesson suggest "
            "about that first blip?",
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
            "04.transparency",
            "Before watching your take you rated how visible your nerves were at 7 (on 0 to 10); after watching it "
            "as an observer, at 3. What does this lesson suggest?",
            "single",
            (
                C(
                    "The second number is your score: you did better the second time.",
                    False,
                    "No: nothing here is a score, and there was only one take. Both numbers are your own "
                    "impressions of the same take, and neither is marked.",
                ),
                C(
                    "A common gap: nerves feel more visible from inside than they look from outside.",
                    True,
                    "Yes: the illusion of transparency. Nervous speakers think their nerves show far more than "
                    "their audience sees (Savitsky & Gilovich, 2003); predicting first, then watching yourself as an "
                    "observer, is how video feedback corrects that (Harvey et al., 2000).",
                ),
                C(
                    "The tool measured your nerves at 3.",
                    False,
                    "No: the tool measures movements, never nerves or feelings. Both numbers are yours.",
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


def printable_quiz() -> str:
    """Every question with its options and no answers, numbered, for a room without screens (the guide prints it)."""
    lines = []
    for number, spec in enumerate((spec for specs in QUESTIONS.values() for spec in specs), start=1):
        lines.append(f"{number}. {spec.prompt}")
        lines += [f"   ({letter}) {choice.text}" for letter, choice in zip("abcdefgh", spec.choices, strict=False)]
        if spec.kind == "numeric":
            lines.append(f"   answer: ________ {spec.numeric.unit}")
        lines.append("")
    return "\n".join(lines)


def questions(lesson: str) -> tuple[QuestionSpec, ...]:
    """Return the questions of one lesson, raising ``ValueError`` for an unknown lesson."""
    return QUESTIONS[lesson_info(lesson).key]


def quiz_for(lesson: str, number: int = 1, **kwargs) -> Quiz:
    """Return the ``number``-th (from 1) check-your-understanding :class:`Quiz` of a lesson."""
    specs = questions(lesson)
    if not 1 <= number <= len(specs):
        raise ValueError(f"Lesson {lesson} has {len(specs)} question(s); ask for 1 to {len(specs)}.")
    return Quiz(specs[number - 1], **kwargs)
