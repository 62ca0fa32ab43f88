// A signature question: once signed (or refused) it shows what was written — a signature is written
// once; before that, the pad, and for the party in charge the refusal path.

import { h } from '../dom.js';
import { t, tl } from '../i18n.js';
import { inputId } from './fields.js';
import { signatureInput } from './signature.js';

function signed(ctx, value) {
  if (value.refused) return h('p', { class: 'refused-sign' }, t('sign.refused_with', { reason: value.reason }));
  const img = h('img', { class: 'signature-img', alt: t('sign.image_alt') });
  ctx.app.uploads.objectUrl(value.attachment).then((url) => { if (url) img.src = url; });
  return h('div', {}, img, h('p', { class: 'muted' }, t('sign.done'), value.signer ? `：${value.signer}` : ''));
}

/** The widget of a signature field at `path`. */
export function signatureWidget(ctx, spec, path, value) {
  const error = ctx.errors[path];
  const party = !path.includes('['); // officers sign in their rows; the party in charge may refuse
  const body = value && typeof value === 'object' ? signed(ctx, value) : signatureInput({
    label: tl(spec.label) || spec.name,
    allowRefusal: party,
    onSigned: (blob) => ctx.sign(path, blob),
    onRefused: (reason) => ctx.refuse(path, reason),
  });
  return h('div', { class: 'question', id: inputId(path) },
    h('span', { class: 'label' }, tl(spec.label) || spec.name, spec.required === true ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    spec.hint ? h('p', { class: 'hint' }, tl(spec.hint)) : null,
    body, error ? h('p', { class: 'error', role: 'alert' }, tl(error.message)) : null);
}
