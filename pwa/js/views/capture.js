// Capturing evidence: GPS, photos (file input with `capture`, or the camera through getUserMedia) with a
// stamped display copy, audio through MediaRecorder. The original bytes are what is kept, hashed and
// uploaded; the stamp (time, place, task) is drawn on the display copy only.

import { h, show } from '../dom.js';
import { t } from '../i18n.js';

const DISPLAY_MAX = 1280;

/** {lat, lon, accuracy} from the device, or an error (refused, unavailable, too slow). */
export function currentPosition(timeout = 10_000) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('no geolocation'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) }),
      reject, { enableHighAccuracy: true, timeout, maximumAge: 60_000 });
  });
}

/** The stamp lines of a photo: time, place, task. */
export function stampLines(task, position, now = new Date()) {
  const place = position ? `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)} ±${position.accuracy}m` : (task.entity.address || '');
  return [now.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }), place, `${task.entity.name} · ${task.uid.slice(0, 8)}`];
}

/** A JPEG display copy of an image, at most DISPLAY_MAX wide, with the stamp drawn on it. */
export async function stampedCopy(blob, lines) {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, DISPLAY_MAX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const size = Math.max(12, Math.round(canvas.width / 40));
  ctx.font = `${size}px sans-serif`;
  const height = (size + 4) * lines.length + 8;
  ctx.fillStyle = 'rgba(0,0,0,0.55)';
  ctx.fillRect(0, canvas.height - height, canvas.width, height);
  ctx.fillStyle = '#fff';
  lines.forEach((line, i) => ctx.fillText(line, 8, canvas.height - height + (size + 4) * (i + 1)));
  bitmap.close();
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
}

function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

/** A camera dialog; resolves with a JPEG Blob of the frame taken, or null when closed. */
export function cameraDialog() {
  return new Promise((resolve) => {
    const video = h('video', { autoplay: true, playsinline: true, muted: true, 'aria-label': t('capture.preview') });
    const message = h('p', { role: 'alert', class: 'error' });
    let stream = null;
    const close = (value) => { stopStream(stream); dialog.close(); dialog.remove(); resolve(value); };
    const take = () => {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d').drawImage(video, 0, 0);
      canvas.toBlob((blob) => close(blob), 'image/jpeg', 0.92);
    };
    const dialog = h('dialog', { class: 'camera', 'aria-label': t('capture.camera') }, video, message,
      h('div', { class: 'row' }, h('button', { class: 'primary', type: 'button', onclick: take }, t('capture.shoot')),
        h('button', { type: 'button', onclick: () => close(null) }, t('common.cancel'))));
    document.body.append(dialog);
    dialog.showModal();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => { stream = s; video.srcObject = s; })
      .catch((error) => show(message, mediaError(error, 'camera')));
  });
}

/** The message for a refused or missing camera/microphone. */
export function mediaError(error, what) {
  if (error && (error.name === 'NotAllowedError' || error.name === 'SecurityError')) return t(`capture.${what}_denied`);
  return t(`capture.${what}_unavailable`);
}

/** An audio recorder: start() asks for the microphone, stop() resolves with the recording Blob. */
export class AudioRecorder {
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.chunks = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.addEventListener('dataavailable', (e) => { if (e.data.size) this.chunks.push(e.data); });
    this.started = Date.now();
    this.recorder.start(1000);
  }

  stop() {
    return new Promise((resolve) => {
      this.recorder.addEventListener('stop', () => {
        stopStream(this.stream);
        resolve(new Blob(this.chunks, { type: this.recorder.mimeType || 'audio/webm' }));
      }, { once: true });
      this.recorder.stop();
    });
  }
}
