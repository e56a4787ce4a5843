/**
 * File names of resources. The uploader's name is only ever a label: it never becomes a path
 * (files live in GridFS), and what is kept of it is safe to show, to put in a URL and in a
 * Content-Disposition header.
 */

/** At most this many characters, the extension included. */
export const MAX_NAME_LENGTH = 120;

// Controls (C0, C1), format characters (bidirectional overrides and isolates, zero-width
// characters, the byte-order mark, soft hyphen), line and paragraph separators, private-use
// and unassigned code points, and the characters Windows reserves in names.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}<>:"/\\|?*]/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * The stored name: the last segment of what was sent (either slash), without control, bidi
 * or reserved characters, NFC, spaces collapsed, at most MAX_NAME_LENGTH characters, ending
 * in the extension of the type found in the bytes. Nothing usable left: `resource.<ext>`.
 */
export function sanitiseFileName(original: string, ext: string): string {
  const lastSegment = String(original ?? '').split(/[/\\]/).pop() ?? '';
  let base = lastSegment
    .normalize('NFC')
    .replace(/[\t\n\v\f\r]/g, ' ')
    .replace(UNSAFE, '')
    .replace(/\s+/gu, ' ')
    .trim();
  // Drop the claimed extension (any of them): the detected type decides.
  const dot = base.lastIndexOf('.');
  if (dot > 0) base = base.slice(0, dot);
  base = base.replace(/^[.\s]+|[.\s]+$/gu, '');
  if (WINDOWS_RESERVED.test(base)) base = `${base}_`;
  const suffix = `.${ext}`;
  // Cut by code points, never in the middle of a surrogate pair.
  const room = MAX_NAME_LENGTH - suffix.length;
  const characters = [...base];
  if (characters.length > room) base = characters.slice(0, room).join('').replace(/[.\s]+$/u, '');
  return `${base || 'resource'}${suffix}`;
}

/** The plain-ASCII `filename` of Content-Disposition, for clients that do not read `filename*`. */
export function asciiFallback(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 ._()+,-]/g, '_')
    .replace(/_+/g, '_');
  return ascii.replace(/^[ .]+/, '') || 'resource';
}

/** RFC 6266 / RFC 5987: `attachment; filename="…"; filename*=UTF-8''…`. */
export function contentDisposition(name: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encoded}`;
}
