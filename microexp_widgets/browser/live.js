// The face model in the page: MediaPipe's Face Landmarker (WebAssembly, CPU, VIDEO mode) on the camera stream.
// Its files come from the kernel's shared FaceModelFiles widget (never from a CDN), are checked by SHA-256 and kept
// in the browser's cache by hash. While the camera is on, every frame the page can analyse moves the meters; during a
// take, each analysed frame's time, 52 blendshapes and face box go to the kernel in small batches. No picture leaves.

// A 1-function WebAssembly module that uses one SIMD instruction (i8x16.splat): it validates only where SIMD runs.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11,
]);
const CACHE_NAME = "microexp-widgets-face-model";
const BATCH_MS = 250; // how often a take's numbers go to the kernel
const FILES_TIMEOUT_MS = 180000;
const ROW_WIDTH = 57; // time, 52 blendshapes, face box x, y, width, height
const STILL_WIDTH = 320; // the learner's own frames, kept in this page only, for the apex picture
const MAX_STILLS = 6000; // about four minutes at 24 frames/s, some 60 MB at most
// The meters and texts are repainted at most this often: every repaint costs the model CPU on a weak laptop, and the
// bars glide between repaints on the compositor.
const PAINT_MS = 100;

// Shared by every widget on the page: the model is fetched and started once per page, whatever the notebook.
const page = (globalThis.__microexpFaceModelPage ??= { landmarkers: new Map(), lastStamp: 0, stills: new Map() });
page.stills ??= new Map(); // "token:take" -> [{t, blob}], the learner's frames of that take; never sent anywhere
const lives = new Map(); // token -> Live

class PlainError extends Error {}

function bytesOf(buffer) {
  if (buffer instanceof Uint8Array) return buffer;
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new Uint8Array(buffer);
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function openCache() {
  try {
    return await caches.open(CACHE_NAME);
  } catch (error) {
    return null; // no Cache Storage here (an insecure or private context): the files are simply sent again next time
  }
}

function cacheKey(sha) {
  return new URL(`/microexp-widgets-face-model/${sha}`, location.origin).href;
}

function requestFiles(filesModel, names) {
  return new Promise((resolve, reject) => {
    const got = new Map();
    let timer = 0;
    const onMessage = (message, buffers) => {
      if (!message || !names.includes(message.name)) return;
      if (message.kind === "missing") {
        cleanup();
        reject(new PlainError(message.problem));
      } else if (message.kind === "file" && buffers && buffers.length) {
        got.set(message.name, bytesOf(buffers[0]));
        if (got.size === names.length) {
          cleanup();
          resolve(got);
        }
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      filesModel.off("msg:custom", onMessage);
    };
    timer = setTimeout(() => {
      cleanup();
      reject(new PlainError("The kernel did not send the face model in time"));
    }, FILES_TIMEOUT_MS);
    filesModel.on("msg:custom", onMessage);
    filesModel.send({ kind: "get", names: names });
  });
}

async function loadFiles(filesModel, listing) {
  const cache = await openCache();
  const bytes = new Map();
  const wanted = [];
  for (const file of listing) {
    const hit = cache ? await cache.match(cacheKey(file.sha256)) : null;
    if (hit) {
      const cached = new Uint8Array(await hit.arrayBuffer());
      if ((await sha256Hex(cached)) === file.sha256) {
        bytes.set(file.name, cached);
        continue;
      }
    }
    wanted.push(file.name);
  }
  if (wanted.length) {
    const sent = await requestFiles(filesModel, wanted);
    for (const file of listing) {
      if (!sent.has(file.name)) continue;
      const data = await gunzip(sent.get(file.name));
      if ((await sha256Hex(data)) !== file.sha256) {
        throw new PlainError(`The face model's file ${file.name} arrived altered (its SHA-256 differs)`);
      }
      bytes.set(file.name, data);
      // A full or refused cache only means the next page fetches the files again.
      if (cache) cache.put(cacheKey(file.sha256), new Response(data)).catch(() => {});
    }
  }
  return bytes;
}

// MediaPipe's web build draws every frame into a WebGL texture, even on the CPU delegate, on a canvas of its own
// choosing: an OffscreenCanvas wherever one exists. WebKitGTK's OffscreenCanvas has no WebGL while its <canvas> has,
// so the model failed there; it gets a canvas of the kind that offers WebGL. Without any, the page says so plainly
// instead of failing deep in the runtime ("GLctx is undefined").
function webglCanvas() {
  const makers = [() => document.createElement("canvas")];
  if (typeof OffscreenCanvas === "function") makers.unshift(() => new OffscreenCanvas(1, 1));
  for (const make of makers) {
    try {
      const gl = make().getContext("webgl2") || make().getContext("webgl");
      if (!gl) continue;
      gl.getExtension("WEBGL_lose_context")?.loseContext(); // only asked, not kept: contexts are few per page
      return make();
    } catch (error) {
      // this kind of canvas cannot give a WebGL context here: try the next
    }
  }
  return null;
}

async function startLandmarker(filesModel) {
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(SIMD_PROBE)) {
    throw new PlainError("This browser cannot run the face model (it lacks WebAssembly SIMD)");
  }
  const canvas = webglCanvas();
  if (!canvas) {
    throw new PlainError("This browser cannot run the face model (it offers no WebGL, which the model needs)");
  }
  if (!globalThis.crypto || !crypto.subtle || typeof DecompressionStream !== "function") {
    throw new PlainError("This page cannot check the face model's files (it is not a secure context)");
  }
  const listing = filesModel.get("files") || [];
  if (!listing.length) throw new PlainError(filesModel.get("problem") || "The kernel has no face model to send");
  const bytes = await loadFiles(filesModel, listing);
  const urls = [];
  const url = (name, type) => {
    urls.push(URL.createObjectURL(new Blob([bytes.get(name)], { type })));
    return urls[urls.length - 1];
  };
  try {
    const vision = await import(url("vision_bundle.mjs", "text/javascript"));
    // FilesetResolver builds URLs from a base folder, which a blob: URL cannot be; a hand-made fileset can.
    const fileset = {
      wasmLoaderPath: url("vision_wasm_internal.js", "text/javascript"),
      wasmBinaryPath: url("vision_wasm_internal.wasm", "application/wasm"),
    };
    return await vision.FaceLandmarker.createFromOptions(fileset, {
      canvas,
      baseOptions: { modelAssetBuffer: bytes.get("face_landmarker.task"), delegate: "CPU" },
      runningMode: "VIDEO",
      numFaces: 1,
      outputFaceBlendshapes: true,
    });
  } finally {
    for (const u of urls) URL.revokeObjectURL(u);
  }
}

function landmarkerFor(filesModel) {
  const listing = filesModel.get("files") || [];
  const key = listing.map((f) => f.sha256).join(",") || "none";
  if (!page.landmarkers.has(key)) {
    const loading = startLandmarker(filesModel);
    loading.catch(() => page.landmarkers.delete(key)); // a later widget may try again (e.g. after fetch-assets)
    page.landmarkers.set(key, loading);
  }
  return page.landmarkers.get(key);
}

// As in the kernel's face.py: when a face is first found, the tracker is settled on that frame (scores overshoot for
// a few frames otherwise), with settling frames spaced like real ones; later timestamps shift by the time they took.
const SETTLE_FRAMES = 4;
const SETTLE_STEP_MS = 40;

// Follow the face through one more frame on the page's one landmarker; each VIDEO-mode call needs a strictly
// larger timestamp than the last.
function follow(landmarker, source, timeMs) {
  const run = (stepMs) => {
    page.lastStamp = Math.max(page.lastStamp + stepMs, Math.round(timeMs) + (page.shiftMs || 0));
    return landmarker.detectForVideo(source, page.lastStamp);
  };
  let result = run(1);
  const found = () => Boolean(result.faceLandmarks && result.faceLandmarks.length);
  if (found() && !page.tracking) {
    for (let i = 0; i < SETTLE_FRAMES; i++) result = run(SETTLE_STEP_MS);
    page.shiftMs = (page.shiftMs || 0) + SETTLE_FRAMES * SETTLE_STEP_MS;
  }
  page.tracking = found();
  return measure(result);
}
page.follow = follow; // the agreement test feeds decoded frames through exactly this

function measure(result) {
  const shapes = result.faceBlendshapes && result.faceBlendshapes[0];
  const points = result.faceLandmarks && result.faceLandmarks[0];
  if (!shapes || !points || !points.length) return null;
  const scores = new Float32Array(52).fill(NaN);
  shapes.categories.forEach((c, i) => {
    scores[Number.isInteger(c.index) ? c.index : i] = c.score;
  });
  let x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const p of points) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  return { scores, box: [x0, y0, x1 - x0, y1 - y0] };
}

class Live {
  constructor(model) {
    this.model = model;
    this.views = new Set();
    this.video = document.createElement("video");
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.autoplay = true;
    this.video.className = "microexp-live-video";
    this.stream = null;
    this.cameraToken = 0;
    this.landmarker = null;
    this.frameHandle = 0;
    this.rate = { frames: 0, since: performance.now(), shown: 0 };
    this.levels = new Map();
    this.paintedAt = 0;
    this.face = false;
    this.take = null; // {id, t0, rows, sent, analysed, presented0, clock, limit}
    this.countdown = null; // {id, timer}
    this.closed = false;
    this.canvas = document.createElement("canvas");
    this.onCamera = () => this.followCamera();
    model.on("change:camera_id", this.onCamera);
    this.onMessage = (message) => this.handle(message);
    model.on("msg:custom", this.onMessage);
    // The take ends where the learner pressed Stop, not when the kernel's answer comes back (seconds later on a
    // busy server): frames after the click, often the learner reaching for the mouse, are not part of the take.
    this.onClick = (event) => this.stopPressed(event);
    document.addEventListener("click", this.onClick, true);
    this.load();
  }

  async load() {
    try {
      const manager = this.model.widget_manager;
      const filesModel = await manager.get_model(this.model.get("files_id"));
      this.landmarker = await landmarkerFor(filesModel);
      if (this.closed) return;
      this.model.set({ model_state: "ready", failure: "" });
    } catch (error) {
      const text = error instanceof PlainError ? error.message : `The face model did not start in this browser (${error})`;
      this.model.set({ model_state: "failed", failure: text });
    }
    this.model.save_changes();
    this.followCamera();
  }

  async followCamera() {
    const token = ++this.cameraToken;
    const cameraId = this.model.get("camera_id");
    if (!cameraId || !this.landmarker) {
      this.detach();
      return;
    }
    try {
      const camera = await this.model.widget_manager.get_model(cameraId);
      const stream = await camera.captureStream();
      if (token !== this.cameraToken || this.closed) return;
      this.stream = stream;
      this.video.srcObject = stream;
      // The preview is muted and follows a click; if play() is refused, frames still arrive and are analysed.
      await this.video.play().catch(() => {});
      this.rate = { frames: 0, since: performance.now(), shown: 0 };
      this.nextFrame();
    } catch (error) {
      this.detach(); // the kernel's camera check reports camera faults in words
    }
  }

  detach() {
    if (this.frameHandle && this.video.cancelVideoFrameCallback) this.video.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = 0;
    this.video.srcObject = null;
    this.stream = null;
    this.face = false;
    this.levels.clear();
    if (this.take) this.endTake("camera-off");
    if (this.countdown) this.cancelCountdown();
    this.paint();
  }

  nextFrame() {
    if (!this.stream || this.closed) return;
    if (this.video.requestVideoFrameCallback) {
      this.frameHandle = this.video.requestVideoFrameCallback((now, meta) => this.analyse(now, meta));
    } else {
      // Browsers without per-frame callbacks: look once per screen refresh, and analyse when the picture moved on.
      requestAnimationFrame((now) => {
        const t = this.video.currentTime;
        if (t !== this.lastVideoTime) {
          this.lastVideoTime = t;
          this.analyse(now, {});
        } else this.nextFrame();
      });
    }
  }

  analyse(now, meta) {
    if (!this.stream || this.closed) return;
    const began = performance.now(); // a take's ms per frame: all of this frame's work in the page, not the model alone
    // Ask for the next frame before working on this one: a frame the camera presents while the model is busy then
    // comes straight after, instead of being skipped because nobody was waiting for it yet.
    this.nextFrame();
    const frameMs = Number.isFinite(meta.captureTime) ? meta.captureTime : now;
    let found = null;
    try {
      if (this.video.readyState >= 2 && this.video.videoWidth > 0) {
        found = follow(this.landmarker, this.video, frameMs);
        this.rate.frames += 1;
      }
    } catch (error) {
      this.model.set({ model_state: "failed", failure: `The face model stopped in this browser (${error})` });
      this.model.save_changes();
      this.detach();
      return;
    }
    this.face = found !== null;
    this.updateLevels(found);
    const take = this.take;
    const inTake = Boolean(take && frameMs >= take.t0 && !(frameMs > take.endAt));
    if (inTake) {
      const row = new Float32Array(ROW_WIDTH).fill(NaN);
      row[0] = (frameMs - take.t0) / 1000;
      if (found) {
        row.set(found.scores, 1);
        row.set(found.box, 53);
      }
      take.rows.push(row);
      take.analysed += 1;
      this.keepStill(take, row[0]);
      if (meta.presentedFrames !== undefined) {
        take.presented1 = meta.presentedFrames;
        if (take.presented0 === undefined) take.presented0 = meta.presentedFrames;
      }
      if (now - take.sent >= BATCH_MS) this.flush();
    }
    const elapsed = now - this.rate.since;
    if (elapsed >= 1000) {
      this.rate.shown = (this.rate.frames * 1000) / elapsed;
      this.rate = { frames: 0, since: now, shown: this.rate.shown };
    }
    if (now - this.paintedAt >= PAINT_MS) this.paint();
    if (inTake) take.busyMs += performance.now() - began;
  }

  keepStill(take, t) {
    if (take.stills.length >= MAX_STILLS) return;
    const width = Math.min(STILL_WIDTH, this.video.videoWidth);
    const height = Math.round((this.video.videoHeight * width) / this.video.videoWidth);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.canvas.getContext("2d").drawImage(this.video, 0, 0, width, height);
    const entry = { t, blob: null };
    take.stills.push(entry);
    this.canvas.toBlob((blob) => (entry.blob = blob), "image/jpeg", 0.85); // encoded off the main thread
  }

  forgetStills() {
    const prefix = `${this.model.get("token")}:`;
    for (const key of [...page.stills.keys()]) if (key.startsWith(prefix)) page.stills.delete(key);
  }

  updateLevels(found) {
    for (const meter of this.model.get("meters")) {
      let value = 0;
      if (found) {
        for (const i of meter.sources) value += found.scores[i];
        value /= meter.sources.length;
      }
      const old = this.levels.get(meter.code) || 0;
      this.levels.set(meter.code, old + 0.6 * (value - old)); // a little smoothing so the bars do not flicker
    }
  }

  handle(message) {
    if (!message) return;
    if (message.kind === "record") this.startCountdown(message.take);
    else if (message.kind === "forget") this.forgetStills();
    else if (message.kind === "stop") {
      if (this.countdown && this.countdown.id === message.take) {
        this.cancelCountdown();
        this.model.send({ kind: "ended", take: message.take, reason: "cancelled" });
      } else if (this.take && this.take.id === message.take) this.endTake("stop");
    }
  }

  stopPressed(event) {
    const take = this.take;
    if (!take || take.endAt !== undefined || !(event.target instanceof Element)) return;
    const stop = event.target.closest(".microexp-stop");
    const recorder = stop && stop.closest(".microexp-recorder");
    if (!recorder || ![...this.views].some((view) => recorder.contains(view.root))) return;
    take.endAt = performance.now();
    this.paint();
  }

  startCountdown(id) {
    if (this.take || this.countdown) return;
    let left = this.model.get("countdown");
    const tick = () => {
      if (!this.countdown) return;
      if (left <= 0) {
        this.countdown = null;
        this.startTake(id);
        return;
      }
      this.countdown.left = left;
      this.paint();
      left -= 1;
      this.countdown.timer = setTimeout(tick, 1000);
    };
    this.countdown = { id, timer: 0, left };
    tick();
  }

  cancelCountdown() {
    if (this.countdown) clearTimeout(this.countdown.timer);
    this.countdown = null;
    this.paint();
  }

  startTake(id) {
    const t0 = performance.now();
    const limitMs = this.model.get("max_seconds") * 1000;
    this.take = { id, t0, rows: [], stills: [], sent: t0, analysed: 0, busyMs: 0, presented0: undefined };
    this.forgetStills(); // one take's frames at a time, as in the kernel route
    this.take.limit = setTimeout(() => this.endTake("limit"), limitMs);
    this.take.clock = setInterval(() => this.paint(), 100);
    this.model.send({ kind: "started", take: id });
    this.paint();
  }

  flush() {
    const take = this.take;
    if (!take || !take.rows.length) return;
    const batch = new Float32Array(take.rows.length * ROW_WIDTH);
    take.rows.forEach((row, i) => batch.set(row, i * ROW_WIDTH));
    take.rows = [];
    take.sent = performance.now();
    this.model.send({ kind: "frames", take: take.id }, undefined, [batch.buffer]);
  }

  endTake(reason) {
    const take = this.take;
    if (!take) return;
    this.flush();
    clearTimeout(take.limit);
    clearInterval(take.clock);
    this.take = null;
    if (reason !== "camera-off") page.stills.set(`${this.model.get("token")}:${take.id}`, take.stills);
    const seconds = (((reason === "stop" && take.endAt) || performance.now()) - take.t0) / 1000;
    const presented =
      take.presented0 !== undefined ? take.presented1 - take.presented0 + 1 : take.analysed;
    const msPerFrame = take.analysed ? take.busyMs / take.analysed : 0;
    this.model.send({ kind: "ended", take: take.id, reason, seconds, analysed: take.analysed, presented, msPerFrame });
    this.lastTake = { seconds, rate: seconds > 0 ? take.analysed / seconds : 0 };
    this.paint();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The views: the preview, the face-found light, the meters by face region, the countdown, clock and frame rate.

  addView(el) {
    const root = document.createElement("div");
    root.className = "microexp-live";
    root.innerHTML = `
      <div class="microexp-live-stage"><div class="microexp-live-overlay"></div></div>
      <div class="microexp-live-side">
        <div class="microexp-live-clock"></div>
        <div class="microexp-live-face"></div>
        <div class="microexp-live-rate"></div>
        <div class="microexp-live-meters"></div>
      </div>`;
    const view = {
      root,
      stage: root.querySelector(".microexp-live-stage"),
      overlay: root.querySelector(".microexp-live-overlay"),
      clock: root.querySelector(".microexp-live-clock"),
      face: root.querySelector(".microexp-live-face"),
      rate: root.querySelector(".microexp-live-rate"),
      bars: new Map(),
    };
    const meters = root.querySelector(".microexp-live-meters");
    const regions = new Map();
    for (const meter of this.model.get("meters")) {
      if (!regions.has(meter.region)) {
        const group = document.createElement("div");
        group.className = "microexp-live-region";
        const title = document.createElement("div");
        title.className = "microexp-live-region-title";
        title.textContent = meter.region;
        group.append(title);
        meters.append(group);
        regions.set(meter.region, group);
      }
      const row = document.createElement("div");
      row.className = "microexp-live-meter";
      const label = document.createElement("span");
      label.textContent = `${meter.code} ${meter.name}`;
      const track = document.createElement("span");
      track.className = "microexp-live-track";
      const bar = document.createElement("span");
      bar.className = "microexp-live-bar";
      track.append(bar);
      row.append(label, track);
      regions.get(meter.region).append(row);
      view.bars.set(meter.code, bar);
    }
    el.append(root);
    this.views.add(view);
    this.placeVideo();
    this.paint();
    return () => {
      this.views.delete(view);
      root.remove();
      this.placeVideo();
    };
  }

  placeVideo() {
    const first = this.views.values().next().value;
    if (first && this.video.parentElement !== first.stage) first.stage.prepend(this.video);
  }

  paint() {
    this.paintedAt = performance.now();
    const on = Boolean(this.stream);
    for (const view of this.views) {
      view.root.style.display = on ? "flex" : "none";
      if (!on) continue;
      view.face.textContent = this.face ? "● face found" : "○ no face in view";
      view.face.className = "microexp-live-face " + (this.face ? "found" : "missing");
      view.rate.textContent = `analysing ${this.rate.shown.toFixed(0)} frames/s`;
      if (this.countdown) {
        view.overlay.textContent = String(this.countdown.left);
        view.clock.textContent = `Recording starts in ${this.countdown.left}…`;
      } else if (this.take && this.take.endAt !== undefined) {
        const s = (this.take.endAt - this.take.t0) / 1000;
        view.overlay.textContent = "";
        view.clock.textContent = `■ stopped at ${s.toFixed(1)} s`;
      } else if (this.take) {
        const s = (performance.now() - this.take.t0) / 1000;
        view.overlay.textContent = "";
        view.clock.textContent = `● REC ${s.toFixed(1)} s of ${this.model.get("max_seconds")} s`;
      } else {
        view.overlay.textContent = "";
        view.clock.textContent = this.lastTake
          ? `last take: ${this.lastTake.seconds.toFixed(1)} s, ${this.lastTake.rate.toFixed(1)} frames/s analysed`
          : "";
      }
      for (const [code, bar] of view.bars) {
        bar.style.transform = `scaleX(${Math.min(1, Math.max(0, this.levels.get(code) || 0)).toFixed(2)})`;
      }
    }
  }

  close() {
    this.closed = true;
    document.removeEventListener("click", this.onClick, true);
    this.forgetStills();
    this.model.off("change:camera_id", this.onCamera);
    this.model.off("msg:custom", this.onMessage);
    this.detach();
  }
}

function initialize({ model }) {
  const live = new Live(model);
  lives.set(model.get("token"), live);
  const kernel = model.widget_manager && model.widget_manager.kernel;
  const onStatus = (_, status) => {
    if (status === "restarting" || status === "autorestarting" || status === "dead") live.close();
  };
  if (kernel && kernel.statusChanged) kernel.statusChanged.connect(onStatus);
  return () => {
    if (kernel && kernel.statusChanged) kernel.statusChanged.disconnect(onStatus);
    live.close();
    lives.delete(model.get("token"));
  };
}

function render({ model, el }) {
  const live = lives.get(model.get("token"));
  return live ? live.addView(el) : undefined;
}

export default { initialize, render };
