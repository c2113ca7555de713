"""Page conditions the browser tests wait for, written once (``page.wait_for_function``)."""

# A TimelineView has drawn a take's figure: its title counts the movements ("24 movements in ...").
TIMELINE_TITLE_DRAWN = """
() => [...document.querySelectorAll('.microexp-timeline-view .gtitle')]
  .some(t => /^\\d+ movements in /.test(t.textContent))
"""

# ... and its table of movements has rows to pick from.
TIMELINE_DRAWN = """
() => (TITLE)() && document.querySelectorAll('.microexp-events select option').length > 0
""".replace("TITLE", TIMELINE_TITLE_DRAWN.strip())
