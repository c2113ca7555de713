// Asks the browser for the camera once, reports "ok" or the error name to Python, and lets go of the camera at once.
// ipywebrtc does not tell Python why getUserMedia failed; this probe does, so the learner gets a plain message.
// It also guards the recorder's camera from the page side (docs/faults.md B7): when the kernel restarts or dies, or
// when the recorder's output disappears (cell re-run, notebook closed), the camera's tracks are stopped here,
// because no Python code is left to do it.

const openViews = new Map(); // token -> number of rendered views of that recorder's probe

// The containers this browser's MediaRecorder can write, in the order the kernel route prefers them: Chromium and
// Firefox record webm, WebKit (Safari) only mp4.
function recordableFormats() {
  if (typeof MediaRecorder !== "function" || typeof MediaRecorder.isTypeSupported !== "function") return [];
  return ["webm", "mp4"].filter((format) => MediaRecorder.isTypeSupported(`video/${format}`));
}

async function probe(model) {
  const id = model.get("request_id");
  let result = "ok";
  let detail = "";
  const devices = navigator.mediaDevices;
  if (!devices || typeof devices.getUserMedia !== "function") {
    result = "NoMediaDevices";
    detail = window.isSecureContext ? "navigator.mediaDevices is missing" : "this page is not a secure context";
  } else {
    try {
      const stream = await devices.getUserMedia({ video: true, audio: false });
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      result = (error && error.name) || "Error";
      detail = String((error && error.message) || error || "");
    }
  }
  model.set({ result: result, detail: detail, recordable: recordableFormats(), answered_id: id });
  model.save_changes();
}

async function releaseCamera(model) {
  const cameraId = model.get("camera_id");
  const manager = model.widget_manager;
  if (!cameraId || !manager) return;
  try {
    const camera = await manager.get_model(cameraId);
    if (camera && camera.cameraStream) {
      const stream = await camera.cameraStream;
      for (const track of stream.getTracks()) track.stop();
    }
  } catch (error) {
    // The camera model is already gone, and its tracks with it.
  }
}

function initialize({ model }) {
  const onRequest = () => {
    if (model.get("request_id") > model.get("answered_id")) probe(model);
  };
  model.on("change:request_id", onRequest);
  const kernel = model.widget_manager && model.widget_manager.kernel;
  const onStatus = (_, status) => {
    if (status === "restarting" || status === "autorestarting" || status === "dead") releaseCamera(model);
  };
  if (kernel && kernel.statusChanged) kernel.statusChanged.connect(onStatus);
  return () => {
    model.off("change:request_id", onRequest);
    if (kernel && kernel.statusChanged) kernel.statusChanged.disconnect(onStatus);
  };
}

function render({ model, el }) {
  el.style.display = "none";
  const token = model.get("token");
  openViews.set(token, (openViews.get(token) || 0) + 1);
  return () => {
    const left = (openViews.get(token) || 1) - 1;
    openViews.set(token, left);
    if (left === 0) releaseCamera(model); // the recorder is no longer on screen anywhere
  };
}

export default { initialize, render };
