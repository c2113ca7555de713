// FlashDrill view: flashes the pre-rendered target face between neutral faces, timed by requestAnimationFrame.
//
// Timing: a change made inside a rAF callback is painted in the frame that callback's timestamp belongs to.
// The target is swapped in in one callback (shownAt) and the neutral face back in the first callback whose
// timestamp is at least (requested - half a frame) later (hiddenAt). hiddenAt - shownAt is therefore the time
// the target was actually on screen, and it lands within half a frame of the request unless the browser
// drops frames (which the report then shows). The frame period is measured during the neutral hold.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // text, never HTML
  return node;
}

function render({ model, el }) {
  const root = element("div", "microexp-flash");
  const head = element("div", "mx-head");
  const stage = element("div", "mx-stage");
  const neutral = element("div", "mx-layer mx-neutral");
  const target = element("div", "mx-layer mx-target");
  const controls = element("div", "mx-controls");
  const feedback = element("div", "mx-feedback");
  feedback.setAttribute("aria-live", "polite"); // screen readers hear the feedback after each answer
  const feedbackText = element("span", "mx-feedback-text");
  const reveal = element("div", "mx-reveal");
  stage.append(neutral, target);
  feedback.append(feedbackText, reveal);
  root.append(head, stage, controls, feedback);
  el.append(root);

  let frameRequest = 0;
  let flashing = false;
  let localPhase = null; // "answer" between the end of a flash and Python's acknowledgement
  let picked = { noticed: null, answer: null }; // the two answers of the current trial, sent together

  function sizeStage() {
    const svg = neutral.querySelector("svg");
    if (svg) {
      stage.style.width = `${svg.getAttribute("width")}px`;
      stage.style.height = `${svg.getAttribute("height")}px`;
    }
  }

  function showNeutral() {
    neutral.style.visibility = "visible";
    target.style.visibility = "hidden";
  }

  function drawStatic() {
    neutral.innerHTML = model.get("neutral_svg"); // our own SVG, built from numbers only
    target.innerHTML = model.get("target_svg");
    sizeStage();
    if (!flashing) showNeutral();
  }

  function drawText() {
    const count = model.get("trial_count");
    const index = model.get("trial_index");
    const status = model.get("status");
    head.textContent =
      status === "finished"
        ? `Finished: ${count} flashes.`
        : status === "skipped"
          ? "Drill skipped."
          : status === "intro"
            ? `Before you start: ${count} flashes, two questions each.`
            : `${model.get("mode")}: flash ${index + 1} of ${count}`;
    feedbackText.textContent = model.get("feedback");
    reveal.innerHTML = model.get("reveal_svg");
  }

  function button(className, text, onClick) {
    const node = element("button", className, text);
    node.addEventListener("click", onClick);
    return node;
  }

  function sendAnswers() {
    for (const b of controls.querySelectorAll("button")) b.disabled = true;
    localPhase = null;
    model.set("answer_report", { trial: model.get("trial_index"), ...picked, at: Date.now() });
    model.save_changes();
  }

  function question(label, options, key) {
    const row = element("div", "mx-question");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", label);
    row.append(element("span", "mx-ask", label));
    for (const [text, value] of options) {
      const node = button(`mx-choice mx-${key}`, text, () => {
        picked[key] = value;
        for (const b of row.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === node));
        if (picked.noticed !== null && picked.answer !== null) sendAnswers();
      });
      node.setAttribute("aria-pressed", "false");
      row.append(node);
    }
    return row;
  }

  function start(choice) {
    model.set("start_report", { choice, at: Date.now() });
    model.save_changes();
  }

  function drawControls() {
    // Keyboard users keep their place: if a control of this drill had focus, the next main button gets it.
    const hadFocus = root.contains(document.activeElement);
    controls.replaceChildren();
    const status = model.get("status");
    if (flashing) {
      controls.append(element("span", "mx-watch", "Watch the face..."));
    } else if (status === "intro") {
      controls.append(
        element("div", "mx-note", model.get("note")),
        button("mx-start", "Start", () => start("standard")),
        button("mx-calm", "Start at a calm pace", () => start("calm")),
        button("mx-skip", "Skip the drill", () => start("skip")),
      );
    } else if (status === "answer" || localPhase === "answer") {
      controls.append(
        question("Did anything move?", [["Yes", true], ["No", false]], "noticed"),
        question("Which movement? (guess if unsure)", model.get("choices").map((c) => [c, c]), "answer"),
      );
    } else if (status === "ready") {
      const show = button("mx-show", "Show the face", () => flash());
      controls.append(show);
      if (hadFocus) show.focus();
    }
  }

  function flash() {
    if (flashing || model.get("status") !== "ready") return;
    flashing = true;
    drawControls();
    showNeutral();
    const trial = model.get("trial_index");
    const requested = model.get("exposure_ms");
    const holdMs = model.get("hold_ms");
    const holdDeltas = [];
    const flashDeltas = [];
    let last = null;
    let holdStart = null;
    let shownAt = null;
    let period = null;

    function step(now) {
      if (last !== null) (shownAt === null ? holdDeltas : flashDeltas).push(now - last);
      last = now;
      if (shownAt === null) {
        if (holdStart === null) holdStart = now;
        if (now - holdStart >= holdMs && holdDeltas.length >= 10) {
          period = median(holdDeltas);
          target.style.visibility = "visible";
          neutral.style.visibility = "hidden";
          shownAt = now;
        }
        frameRequest = requestAnimationFrame(step);
        return;
      }
      if (now - shownAt >= requested - period / 2) {
        showNeutral();
        flashing = false;
        localPhase = "answer";
        picked = { noticed: null, answer: null };
        model.set("flash_report", {
          trial,
          requested_ms: requested,
          measured_ms: now - shownAt,
          frame_ms: period,
          frames: flashDeltas.length,
          longest_frame_ms: Math.max(...flashDeltas),
        });
        model.save_changes();
        drawControls();
        return;
      }
      frameRequest = requestAnimationFrame(step);
    }
    frameRequest = requestAnimationFrame(step);
  }

  const onTrial = () => {
    localPhase = null;
    drawStatic();
    drawText();
    drawControls();
  };
  const onText = () => drawText();
  const onStatus = () => {
    if (model.get("status") !== "answer") localPhase = null;
    drawText();
    drawControls();
  };
  // One list for subscribing and unsubscribing, so the cleanup can never miss a handler.
  const handlers = [
    ["change:trial_index", onTrial],
    ["change:target_svg", drawStatic],
    ["change:feedback", onText],
    ["change:reveal_svg", onText],
    ["change:status", onStatus],
    ["change:flash_request", () => flash()],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);
  onTrial();

  return () => {
    cancelAnimationFrame(frameRequest);
    for (const [event, handler] of handlers) model.off(event, handler);
  };
}

export default { render };
