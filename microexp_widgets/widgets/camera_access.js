// Asks the browser for the camera once, reports "ok" or the error name to Python, and lets go of the camera at once.
// ipywebrtc does not tell Python why getUserMedia failed; this probe does, so the learner gets a plain message.

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
  model.set({ result: result, detail: detail, answered_id: id });
  model.save_changes();
}

function initialize({ model }) {
  const onRequest = () => {
    if (model.get("request_id") > model.get("answered_id")) probe(model);
  };
  model.on("change:request_id", onRequest);
  return () => model.off("change:request_id", onRequest);
}

function render({ el }) {
  el.style.display = "none";
}

export default { initialize, render };
