// The on-screen signature: pointer events draw on a canvas (finger, pen or mouse), the strokes become a
// PNG, kept as media and written by a `sign` mutation; or the refusal path, with its reason.

import { h, show, uid } from '../dom.js';
import { t } from '../i18n.js';

/** A signature pad: {element, isEmpty(), toBlob(), clear()}. */
export function signaturePad(label) {
  const canvas = h('canvas', { class: 'pad', width: 640, height: 240, role: 'img', 'aria-label': label, tabindex: 0 });
  const ctx = canvas.getContext('2d');
  let drawing = false;
  let strokes = 0;
  const point = (e) => {
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left) * (canvas.width / box.width), (e.clientY - box.top) * (canvas.height / box.height)];
  };
  const clear = () => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    strokes = 0;
  };
  clear();
  ctx.lineWidth = 3;
  ctx.lineCap = 'round';
  ctx.strokeStyle = '#111';
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...point(e));
    canvas.closest('main')?.setAttribute('data-editing', 'signature');
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineTo(...point(e));
    ctx.stroke();
    strokes += 1;
  });
  const end = () => { drawing = false; };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return { element: canvas, isEmpty: () => strokes < 3, clear,
    toBlob: () => new Promise((resolve) => canvas.toBlob(resolve, 'image/png')) };
}

/** The widget of a signature field that is not signed yet: sign, or record a refusal with its reason. */
export function signatureInput({ label, allowRefusal, onSigned, onRefused }) {
  const pad = signaturePad(label);
  const message = h('p', { class: 'error', role: 'alert' });
  const reasonId = uid('reason');
  const refusal = h('div', { class: 'refusal', hidden: true },
    h('label', { for: reasonId }, t('sign.reason')), h('textarea', { id: reasonId, rows: 2 }),
    h('button', { type: 'button', class: 'danger', onclick: () => {
      const reason = document.getElementById(reasonId).value.trim();
      if (!reason) return show(message, t('sign.reason_needed'));
      return onRefused(reason);
    } }, t('sign.refusal_confirm')));
  const done = () => pad.element.closest('main')?.removeAttribute('data-editing');
  return h('div', { class: 'signature' }, pad.element, message,
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary', onclick: async () => {
        if (pad.isEmpty()) return show(message, t('sign.empty'));
        done();
        return onSigned(await pad.toBlob());
      } }, t('sign.confirm')),
      h('button', { type: 'button', onclick: () => { pad.clear(); done(); } }, t('sign.clear')),
      allowRefusal ? h('button', { type: 'button', onclick: () => { refusal.hidden = !refusal.hidden; } }, t('sign.refuse')) : null),
    refusal);
}
