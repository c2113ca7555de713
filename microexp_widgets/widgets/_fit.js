// Plotly's FigureWidget measures its width when it is first drawn and afterwards only on a window resize. A figure
// drawn while its notebook cell was still being laid out stays at plotly's default 700 px. This strip spans the same
// box as the figure and, whenever that width changes, tells plotly through the one signal it listens to.

function render({ el }) {
  let last = 0;
  const observer = new ResizeObserver(() => {
    const width = Math.round(el.getBoundingClientRect().width);
    if (width > 0 && width !== last) {
      last = width;
      window.dispatchEvent(new Event("resize"));
    }
  });
  observer.observe(el);
  return () => observer.disconnect();
}

export default { render };
