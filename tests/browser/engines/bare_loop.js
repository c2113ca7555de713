// The page's face model with nothing around it: the same landmarker the recorder uses, on a fresh stream of the same
// camera, one detectForVideo per new frame and nothing else (no meters, no stills, no messages, no preview on screen).
// Frames are asked for before each one is analysed, as the recorder does, so both meet the camera's frames alike.
// Returns the frames analysed, the seconds, frames per second and the mean ms per frame.
async ({ seconds }) => {
  const page = globalThis.__microexpFaceModelPage;
  const landmarker = await [...page.landmarkers.values()][0];
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  await video.play();
  let frames = 0;
  let busyMs = 0;
  const startedAt = performance.now();
  await new Promise((resolve) => {
    const step = () => {
      if (performance.now() - startedAt >= seconds * 1000) return resolve();
      video.requestVideoFrameCallback(step);
      const began = performance.now();
      page.lastStamp = Math.max(page.lastStamp + 1, Math.round(began)); // VIDEO mode: always a later timestamp
      landmarker.detectForVideo(video, page.lastStamp);
      busyMs += performance.now() - began;
      frames += 1;
    };
    video.requestVideoFrameCallback(step);
  });
  const elapsed = (performance.now() - startedAt) / 1000;
  for (const track of stream.getTracks()) track.stop();
  video.srcObject = null;
  return { frames, seconds: elapsed, fps: frames / elapsed, msPerFrame: frames ? busyMs / frames : 0 };
};
