// The figure is drawn by JupyterLab's plotly renderer as an ordinary output, so it draws in full whenever it is shown
// (a FigureWidget loads all of plotly.js per widget and can miss anywidget's start-up deadline on a busy machine).
// This strip sits beside that output and passes clicks on the plot to the kernel; it re-attaches after each redraw.

function render({ model, el }) {
  const hooked = new WeakSet();
  const hook = () => {
    const box = el.parentElement;
    if (!box) return;
    for (const plot of box.querySelectorAll(".js-plotly-plot")) {
      if (hooked.has(plot) || typeof plot.on !== "function") continue;
      hooked.add(plot);
      plot.on("plotly_click", (event) => {
        const point = event && event.points && event.points[0];
        if (!point) return;
        const meta = (point.data && point.data.meta) || {};
        const key = Array.isArray(point.customdata) ? point.customdata[0] : null;
        model.send({ kind: "click", role: meta.role || "", key, x: point.x });
      });
    }
  };
  const observer = new MutationObserver(hook);
  const start = () => {
    if (!el.parentElement) return setTimeout(start, 100);
    observer.observe(el.parentElement, { childList: true, subtree: true });
    hook();
  };
  start();
  return () => observer.disconnect();
}

export default { render };
