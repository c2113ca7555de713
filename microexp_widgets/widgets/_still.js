// Shows one picture sent from Python as a custom message, never as synced state: a saved notebook keeps no copy.
// The caption is a separate HTML widget on the Python side. A view rendered late (shown twice, page reloaded) asks
// the kernel for the current picture. For a take analysed in the page, the picture never went to Python at all:
// the message names the take and the time, and the frame is found in this page's memory.

function framePictureInPage(source, time) {
  const stills = globalThis.__microexpFaceModelPage?.stills?.get(source);
  let best = null;
  for (const still of stills || []) {
    if (still.blob && (!best || Math.abs(still.t - time) < Math.abs(best.t - time))) best = still;
  }
  return best ? best.blob : null;
}

function render({ model, el }) {
  const figure = document.createElement("figure");
  figure.style.margin = "0";
  const img = document.createElement("img");
  img.alt = "your own frame at the apex of the selected movement";
  img.style.maxWidth = "320px";
  img.style.display = "none";
  figure.append(img);
  el.append(figure);
  let url = "";
  const onMessage = (message, buffers) => {
    if (!message || (message.kind !== "still" && message.kind !== "page-still")) return;
    if (url) URL.revokeObjectURL(url);
    if (message.kind === "page-still") {
      const blob = framePictureInPage(message.source, message.time_s);
      url = blob ? URL.createObjectURL(blob) : "";
    } else {
      url = buffers && buffers.length ? URL.createObjectURL(new Blob([buffers[0]], { type: message.mime })) : "";
    }
    img.style.display = url ? "block" : "none";
    if (url) img.src = url;
    else img.removeAttribute("src");
    img.title = message.caption || "";
    if (message.alt) img.alt = message.alt;
  };
  model.on("msg:custom", onMessage);
  model.send({ kind: "ready" });
  return () => {
    model.off("msg:custom", onMessage);
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
