// Shows one picture sent from Python as a custom message, never as synced state: a saved notebook keeps no copy.

function initialize({ model }) {
  model.__still = { url: "", caption: "" };
  model.__views = new Set();
  const onMessage = (message, buffers) => {
    if (!message || message.kind !== "still") return;
    if (model.__still.url) URL.revokeObjectURL(model.__still.url);
    model.__still.url = buffers && buffers.length ? URL.createObjectURL(new Blob([buffers[0]], { type: message.mime })) : "";
    model.__still.caption = message.caption || "";
    for (const show of model.__views) show();
  };
  model.on("msg:custom", onMessage);
  return () => {
    model.off("msg:custom", onMessage);
    if (model.__still.url) URL.revokeObjectURL(model.__still.url);
  };
}

function render({ model, el }) {
  const figure = document.createElement("figure");
  figure.style.margin = "0";
  const img = document.createElement("img");
  img.alt = "your own frame at the apex of the selected movement";
  img.style.maxWidth = "320px";
  img.style.display = "block";
  const caption = document.createElement("figcaption");
  figure.append(img, caption);
  el.append(figure);
  const show = () => {
    const still = model.__still || { url: "", caption: "" };
    img.style.display = still.url ? "block" : "none";
    if (still.url) img.src = still.url;
    else img.removeAttribute("src");
    caption.textContent = still.caption; // text, never HTML
  };
  model.__views.add(show);
  show();
  return () => model.__views.delete(show);
}

export default { initialize, render };
