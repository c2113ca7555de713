// A camera made of real footage, the same in every engine: a <video> plays the clip (muted, looped), each of its
// frames is drawn to a canvas, and navigator.mediaDevices.getUserMedia returns canvas.captureStream(). Firefox and
// WebKit have no camera fed from a file; Chromium gets this one too, so the three engines analyse the same frames.
// __FOOTAGE_URL__ is replaced by the clip's URL on the test's own server. window.__microexpFootage counts frames.
(() => {
  const url = "__FOOTAGE_URL__";
  const footage = (window.__microexpFootage = { drawn: 0, streams: 0, error: "" });
  let playing = null;

  function start() {
    if (playing) return playing;
    playing = new Promise((resolve, reject) => {
      const video = document.createElement("video");
      video.muted = true;
      video.loop = true;
      video.playsInline = true;
      video.src = url;
      // On the page but out of the way: some engines stop decoding a video that is not in the document.
      Object.assign(video.style, { position: "fixed", right: "0", bottom: "0", width: "4px", height: "4px",
        opacity: "0.01", pointerEvents: "none", zIndex: "-1" }); // prettier-ignore
      document.documentElement.append(video);
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d");
      const draw = () => {
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        footage.drawn += 1;
        video.requestVideoFrameCallback(draw);
      };
      video.addEventListener("loadeddata", () => {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        video.requestVideoFrameCallback(draw);
        video.play().then(() => resolve(canvas), reject);
      }, { once: true }); // prettier-ignore
      video.addEventListener("error", () => reject(new DOMException(`footage: ${video.error?.message}`, "NotReadableError")));
    });
    playing.catch((error) => (footage.error = String(error)));
    return playing;
  }

  const devices = navigator.mediaDevices;
  if (!devices) return;
  const fromFootage = async (constraints) => {
    if (!constraints || !constraints.video) throw new DOMException("Requested device not found", "NotFoundError");
    const canvas = await start();
    footage.streams += 1;
    return canvas.captureStream(); // a new frame in the stream for every frame drawn, so the clip's own rate
  };
  // On the prototype too, so code that reaches getUserMedia another way than through this object gets it as well.
  if (globalThis.MediaDevices) MediaDevices.prototype.getUserMedia = fromFootage;
  devices.getUserMedia = fromFootage;
})();
