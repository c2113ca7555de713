// Replay view: plays one take back in this page, to watch as an observer would.
//
// Two sources. "frames": the frames the page kept of a camera take analysed here (page.stills, the same frames the
// apex picture uses); they never left this tab, and Python sends only their name. "clip": a clip the kernel already
// holds (an upload, a sample clip, a take recorded on the kernel route), sent as a custom message, never as state.
// The picture is drawn as the camera saw it, not mirrored: the way someone across the table sees the face.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // text, never HTML
  return node;
}

function keptFrames(source) {
  const stills = globalThis.__microexpFaceModelPage?.stills?.get(source) || [];
  return stills.filter((still) => still.blob);
}

const GONE =
  "The picture of this take was kept in this browser tab only, and the tab no longer has it (the page was " +
  "reloaded, or a newer take replaced it). The lanes below still show what moved.";

function render({ model, el }) {
  const root = element("div", "microexp-replay");
  const stage = element("div", "mx-replay-stage");
  const img = element("img", "mx-replay-frame");
  const video = element("video", "mx-replay-frame");
  video.muted = true;
  video.playsInline = true;
  video.preload = "auto";
  stage.append(img, video);
  const controls = element("div", "mx-replay-controls");
  const play = element("button", "mx-replay-play", "Play");
  play.type = "button";
  const range = element("input", "mx-replay-range");
  range.type = "range";
  range.min = "0";
  range.step = "0.05";
  range.setAttribute("aria-label", "position in the replay, in seconds");
  const clock = element("span", "mx-replay-time");
  const slowLabel = element("label", "mx-replay-slow");
  const slow = element("input");
  slow.type = "checkbox";
  slowLabel.append(slow, document.createTextNode(" slow motion (¼ speed)"));
  controls.append(play, range, clock, slowLabel);
  const note = element("p", "mx-replay-note");
  note.setAttribute("aria-live", "polite");
  root.append(stage, controls, note);
  el.append(root);

  let kind = "none";
  let frames = []; // [{t, url}] for "frames"
  let source = "";
  let clipUrl = "";
  let duration = 0;
  let position = 0;
  let playing = false;
  let raf = 0;
  let startedAt = 0;
  let startPos = 0;

  const speed = () => (slow.checked ? 0.25 : 1);

  function forgetUrls() {
    for (const frame of frames) URL.revokeObjectURL(frame.url);
    frames = [];
    if (clipUrl) URL.revokeObjectURL(clipUrl);
    clipUrl = "";
  }

  function loadFrames() {
    for (const frame of frames) URL.revokeObjectURL(frame.url);
    frames = keptFrames(source).map((still) => ({ t: still.t, url: URL.createObjectURL(still.blob) }));
  }

  function frameAt(t) {
    let lo = 0;
    let hi = frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (frames[mid].t <= t) lo = mid;
      else hi = mid - 1;
    }
    return frames[lo];
  }

  function drawTime() {
    clock.textContent = `${position.toFixed(1)} s of ${duration.toFixed(1)} s`;
    range.value = String(position);
    range.setAttribute("aria-valuetext", `${position.toFixed(1)} seconds`);
  }

  function drawAt(t) {
    position = Math.max(0, Math.min(duration, t));
    if (kind === "frames" && frames.length) {
      const frame = frameAt(position);
      if (img.getAttribute("src") !== frame.url) img.src = frame.url;
    }
    img.alt = `${model.get("label")}, at ${position.toFixed(1)} s`;
    drawTime();
  }

  function setPlaying(on) {
    playing = on;
    play.textContent = on ? "Pause" : "Play";
    if (!on) cancelAnimationFrame(raf);
  }

  function tick() {
    const t = startPos + ((performance.now() - startedAt) / 1000) * speed();
    if (t >= duration) {
      drawAt(duration);
      setPlaying(false);
      return;
    }
    drawAt(t);
    raf = requestAnimationFrame(tick);
  }

  function start() {
    if (position >= duration - 0.05) drawAt(0);
    setPlaying(true);
    if (kind === "clip") {
      video.playbackRate = speed();
      video.currentTime = position;
      video.play().catch(() => setPlaying(false));
      return;
    }
    if (keptFrames(source).length > frames.length) loadFrames(); // frames still being encoded when it was shown
    startedAt = performance.now();
    startPos = position;
    raf = requestAnimationFrame(tick);
  }

  function pause() {
    if (kind === "clip") video.pause();
    setPlaying(false);
  }

  function seek(t) {
    pause();
    if (kind === "clip" && Number.isFinite(t)) video.currentTime = Math.max(0, t);
    drawAt(t);
  }

  function report(extra) {
    model.set("loaded", { kind, frames: frames.length, duration_s: duration, ...extra });
    model.save_changes();
  }

  function show(message, buffers) {
    pause();
    forgetUrls();
    kind = message.kind;
    source = message.source || "";
    duration = Number(message.duration_s) || 0;
    position = 0;
    note.textContent = "";
    img.style.display = "none";
    video.style.display = "none";
    video.removeAttribute("src");
    controls.style.display = "none";
    if (kind === "frames") {
      loadFrames();
      if (!frames.length) {
        kind = "gone";
        note.textContent = GONE;
      } else {
        duration = Math.max(duration, frames[frames.length - 1].t);
        img.style.display = "block";
      }
    } else if (kind === "clip" && buffers && buffers.length) {
      clipUrl = URL.createObjectURL(new Blob([buffers[0]], { type: message.mime }));
      video.src = clipUrl;
      video.style.display = "block";
    } else {
      kind = "none";
      note.textContent = message.text || "";
    }
    if (kind === "frames" || kind === "clip") {
      controls.style.display = "flex";
      range.max = String(duration);
      drawAt(0);
      if (kind === "frames") note.textContent = "Not mirrored: this is how someone facing you sees you.";
    }
    report({});
  }

  video.addEventListener("timeupdate", () => {
    if (kind === "clip") {
      position = Math.min(duration || video.currentTime, video.currentTime);
      drawTime();
    }
  });
  video.addEventListener("ended", () => setPlaying(false));
  video.addEventListener("error", () => {
    if (kind !== "clip") return;
    note.textContent = "This browser cannot play this clip. The lanes below still show what moved, and when.";
    report({ error: true });
  });
  play.addEventListener("click", () => (playing ? pause() : start()));
  range.addEventListener("input", () => seek(Number(range.value)));
  slow.addEventListener("change", () => {
    if (!playing) return;
    if (kind === "clip") video.playbackRate = speed();
    else {
      startedAt = performance.now();
      startPos = position;
    }
  });

  const onMessage = (message, buffers) => {
    if (!message) return;
    if (message.kind === "seek") seek(Number(message.time_s));
    else if (["frames", "clip", "none"].includes(message.kind)) show(message, buffers);
  };
  model.on("msg:custom", onMessage);
  model.send({ kind: "ready" });
  return () => {
    model.off("msg:custom", onMessage);
    pause();
    forgetUrls();
  };
}

export default { render };
