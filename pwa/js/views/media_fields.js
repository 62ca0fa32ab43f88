// Photo and audio questions: what was captured (display copies, playable audio), and the ways to add more
// — the file input with `capture`, the camera, the microphone. Refused devices say so and offer the rest.

import { h, show } from '../dom.js';
import { t, tl } from '../i18n.js';
import { AudioRecorder, cameraDialog, mediaError } from './capture.js';
import { inputId } from './fields.js';

function preview(ctx, kind, sha256) {
  const holder = kind === 'photo'
    ? h('img', { alt: t('media.photo_alt', { n: sha256.slice(0, 8) }), class: 'thumb', 'data-sha256': sha256 })
    : h('audio', { controls: true, 'data-sha256': sha256, 'aria-label': t('media.audio_alt', { n: sha256.slice(0, 8) }) });
  ctx.app.uploads.objectUrl(sha256).then((url) => {
    if (url) holder.src = url;
    else if (kind === 'photo') holder.replaceWith(h('span', { class: 'thumb placeholder', 'data-sha256': sha256 }, t('media.on_server')));
  });
  return holder;
}

function photoButtons(ctx, path, message) {
  const id = `${inputId(path)}-file`;
  const input = h('input', { id, type: 'file', accept: 'image/*', capture: 'environment', multiple: true, class: 'file',
    onchange: async (e) => {
      for (const file of e.target.files) await ctx.addMedia(path, 'photo', file);
      e.target.value = '';
    } });
  return [h('label', { for: id, class: 'button' }, t('media.take_photo')), input,
    h('button', { type: 'button', onclick: async () => {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return show(message, t('capture.camera_unavailable'));
      const blob = await cameraDialog();
      if (blob) await ctx.addMedia(path, 'photo', blob);
      return null;
    } }, t('media.camera'))];
}

function audioButtons(ctx, path, message) {
  let recorder = null;
  const button = h('button', { type: 'button', 'aria-pressed': 'false', onclick: async () => {
    const main = button.closest('main');
    if (!recorder) {
      recorder = new AudioRecorder();
      try {
        await recorder.start();
      } catch (error) {
        recorder = null;
        return show(message, mediaError(error, 'microphone'));
      }
      main.setAttribute('data-editing', 'audio');
      button.setAttribute('aria-pressed', 'true');
      return show(button, t('media.stop_recording'));
    }
    const blob = await recorder.stop();
    recorder = null;
    main.removeAttribute('data-editing');
    return ctx.addMedia(path, 'audio', blob);
  } }, t('media.record'));
  return [button];
}

/** The widget of a photo or audio field: its captured files and the buttons to add or remove some. */
export function mediaWidget(ctx, spec, path, value) {
  const kind = spec.type;
  const hashes = Array.isArray(value) ? value : [];
  const message = h('p', { class: 'error', role: 'alert' });
  const error = ctx.errors[path];
  return h('div', { class: `question media ${kind}`, id: inputId(path) },
    h('span', { class: 'label' }, tl(spec.label) || spec.name, spec.required === true ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    spec.hint ? h('p', { class: 'hint' }, tl(spec.hint)) : null,
    h('ul', { class: 'media-list' }, hashes.map((sha) => h('li', {}, preview(ctx, kind, sha),
      h('button', { type: 'button', class: 'link', onclick: () => ctx.removeMedia(path, kind, sha) }, t('media.remove'))))),
    h('div', { class: 'row' }, kind === 'photo' ? photoButtons(ctx, path, message) : audioButtons(ctx, path, message)),
    message, error ? h('p', { class: 'error', role: 'alert' }, tl(error.message)) : null);
}
