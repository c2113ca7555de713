// Download buttons for the learner's own data. The file is built in the kernel only when a button is clicked and
// arrives as a custom message (never as widget state, so it is never saved inside the notebook); the page turns
// it into a blob and hands it to the browser's own download, so nothing is served from the data folder.

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "microexp-download";
  box.style.display = "flex";
  box.style.gap = "6px";
  const buttons = {};
  for (const [kind, label] of model.get("choices")) {
    const button = document.createElement("button");
    button.className = "jupyter-button widget-button";
    button.dataset.kind = kind;
    button.textContent = label;
    button.style.width = "auto";
    button.addEventListener("click", () => {
      button.disabled = true;
      model.send({ want: kind });
    });
    buttons[kind] = button;
    box.appendChild(button);
  }
  const onMessage = (msg) => {
    if (!msg || msg.kind === undefined) return;
    const button = buttons[msg.kind];
    if (button) button.disabled = false;
    if (msg.text === undefined) return;
    const url = URL.createObjectURL(new Blob([msg.text], { type: msg.mime }));
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.name;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  model.on("msg:custom", onMessage);
  el.appendChild(box);
  return () => model.off("msg:custom", onMessage);
}

export default { render };
