// BreathingPacer view: a circle that grows on the inhale and shrinks on the (emphasised) exhale.
// The clock is performance.now() read in requestAnimationFrame, so a slow kernel never slows the breath,
// and a hidden tab catches up when it is shown again. Each finished cycle is reported to Python once.

const SMALL = 0.45; // circle scale at empty lungs
const LARGE = 1.0; // circle scale at full lungs

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Where in a session `elapsed` seconds fall: finished cycles, phase name, beat number and phase progress.
function position(elapsed, model) {
  const spc = model.get("seconds_per_count");
  const phases = [
    ["in", model.get("inhale_counts")],
    ["hold", model.get("hold_counts")],
    ["out", model.get("exhale_counts")],
  ].filter(([, counts]) => counts > 0);
  const cycleSeconds = phases.reduce((sum, [, counts]) => sum + counts * spc, 0);
  const done = Math.floor(elapsed / cycleSeconds);
  let within = elapsed - done * cycleSeconds;
  for (const [name, counts] of phases) {
    const length = counts * spc;
    if (within < length) {
      return { done, name, beat: Math.floor(within / spc) + 1, counts, progress: within / length };
    }
    within -= length;
  }
  return { done: done + 1, name: "in", beat: 1, counts: phases[0][1], progress: 0 };
}

function render({ model, el }) {
  const root = element("div", "microexp-pacer");
  const ring = element("div", "mx-ring");
  const ball = element("div", "mx-ball");
  ring.append(ball);
  const phase = element("div", "mx-phase", "Press Start and follow the circle.");
  const cycles = element("div", "mx-cycles");
  const start = element("button", "mx-start", "Start");
  const stop = element("button", "mx-stop", "Stop");
  root.append(ring, phase, cycles, start, stop);
  el.append(root);

  let frameRequest = 0;
  let startedAt = null;
  let reported = 0;

  function showCycles() {
    cycles.textContent = `${model.get("completed_cycles")} of ${model.get("cycles")} breaths done`;
  }

  function draw(now) {
    const total = model.get("cycles");
    const where = position((now - startedAt) / 1000, model);
    if (where.done > reported) {
      reported = Math.min(where.done, total);
      model.set("completed_cycles", reported);
      if (reported >= total) model.set("running", false);
      model.save_changes();
      showCycles();
    }
    if (reported >= total) {
      finish("Done. Notice how your face feels now.");
      return;
    }
    let scale = SMALL;
    if (where.name === "in") scale = SMALL + (LARGE - SMALL) * where.progress;
    else if (where.name === "hold") scale = LARGE;
    else scale = LARGE - (LARGE - SMALL) * where.progress;
    ball.style.transform = `scale(${scale.toFixed(3)})`;
    const out = where.name === "out";
    ball.classList.toggle("mx-out", out);
    phase.classList.toggle("mx-out", out);
    const words = { in: "Breathe in", hold: "Hold", out: "Breathe out slowly" }[where.name];
    phase.textContent = `${words} ${where.beat} / ${where.counts}`;
    frameRequest = requestAnimationFrame(draw);
  }

  function begin() {
    cancelAnimationFrame(frameRequest);
    startedAt = performance.now();
    reported = 0;
    showCycles();
    frameRequest = requestAnimationFrame(draw);
  }

  function finish(message) {
    cancelAnimationFrame(frameRequest);
    frameRequest = 0;
    startedAt = null;
    ball.style.transform = `scale(${SMALL})`;
    ball.classList.remove("mx-out");
    phase.classList.remove("mx-out");
    phase.textContent = message;
  }

  start.addEventListener("click", () => {
    const restart = model.get("running"); // set() fires change:running (and so begin) only on a change
    model.set("completed_cycles", 0);
    model.set("running", true);
    model.save_changes();
    if (restart) begin();
  });
  stop.addEventListener("click", () => {
    model.set("running", false); // change:running -> finish()
    model.save_changes();
  });

  const onRunning = () => {
    if (model.get("running")) begin();
    else if (startedAt !== null) finish(reported >= model.get("cycles") ? "Done." : "Stopped.");
  };
  model.on("change:running", onRunning);
  model.on("change:completed_cycles", showCycles);
  model.on("change:cycles", showCycles);
  showCycles();
  if (model.get("running")) begin();

  return () => {
    cancelAnimationFrame(frameRequest);
    model.off("change:running", onRunning);
    model.off("change:completed_cycles", showCycles);
    model.off("change:cycles", showCycles);
  };
}

export default { render };
