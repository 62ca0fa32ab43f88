// Who uses this device (no DOM): the device token is kept only sealed with a key derived from a local PIN
// (PBKDF2 → AES-GCM, WebCrypto), so a lost phone does not give its token away; the PIN is never stored.

export const ITERATIONS = 310_000;
export const PIN_PATTERN = /^[0-9]{4,8}$/;

const bytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));
const encode = (text) => new TextEncoder().encode(text);

/** The AES-GCM key of a PIN and salt (non-extractable). */
export async function deriveKey(pin, salt, iterations = ITERATIONS) {
  const material = await crypto.subtle.importKey('raw', encode(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash: 'SHA-256' }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Seal a secret with a key: {salt, iv, data, iterations} (the salt stays with the key's derivation). */
export async function sealWith(key, salt, secret, iterations = ITERATIONS) {
  const iv = bytes(12);
  const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encode(secret)));
  return { salt, iv, data, iterations };
}

/** Seal a secret under a new PIN: returns [sealed, key] (the key is kept in memory to re-seal later). */
export async function seal(pin, secret, iterations = ITERATIONS) {
  if (!PIN_PATTERN.test(pin)) throw new Error('pin must be 4–8 digits');
  const salt = bytes(16);
  const key = await deriveKey(pin, salt, iterations);
  return [await sealWith(key, salt, secret, iterations), key];
}

/** The wrong PIN (the authenticated decryption failed). */
export class WrongPin extends Error {
  constructor() { super('wrong pin'); this.name = 'WrongPin'; }
}

/** Open a sealed secret with a PIN: [secret, key], or WrongPin. */
export async function unseal(pin, sealed) {
  const key = await deriveKey(pin, sealed.salt, sealed.iterations);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv }, key, sealed.data);
    return [new TextDecoder().decode(plain), key];
  } catch {
    throw new WrongPin();
  }
}

/** How long to wait after `failures` wrong PINs in a row (slows guessing; nothing is wiped). */
export function pinDelayMs(failures) {
  return failures < 3 ? 0 : Math.min(5 * 60_000, 1000 * 2 ** (failures - 3));
}
