/**
 * The kinds of file a course version may offer for download, recognised by their bytes
 * (file-type), never by the name or the type the uploader claimed.
 *
 * file-type 21 is ESM-only; it is loaded with a dynamic `import()`, which this CommonJS build
 * keeps as a real import in Node (tsconfig `module: node16`), so neither tsconfig nor the
 * production build needs changing. Only its buffer detector (`file-type/core`) is used.
 */
import path from 'node:path';

/** How much of the start of a file the detection looks at (Office files name their parts early). */
export const SNIFF_BYTES = 64 * 1024;

export interface ResourceType {
  /** The extension the stored name gets. */
  ext: string;
  /** The Content-Type stored and served. */
  mime: string;
  /** The key of its label in `resources:types.*`. */
  label: string;
}

const ALLOWED: Record<string, ResourceType> = {
  pdf: { ext: 'pdf', mime: 'application/pdf', label: 'pdf' },
  docx: { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'word' },
  xlsx: { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'spreadsheet' },
  pptx: { ext: 'pptx', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', label: 'presentation' },
  odt: { ext: 'odt', mime: 'application/vnd.oasis.opendocument.text', label: 'word' },
  ods: { ext: 'ods', mime: 'application/vnd.oasis.opendocument.spreadsheet', label: 'spreadsheet' },
  odp: { ext: 'odp', mime: 'application/vnd.oasis.opendocument.presentation', label: 'presentation' },
  png: { ext: 'png', mime: 'image/png', label: 'image' },
  jpg: { ext: 'jpg', mime: 'image/jpeg', label: 'image' },
  mp4: { ext: 'mp4', mime: 'video/mp4', label: 'video' },
};

/** Office 97–2003 files are all "Compound File Binary": only the claimed extension tells which. */
const LEGACY_OFFICE: Record<string, ResourceType> = {
  doc: { ext: 'doc', mime: 'application/msword', label: 'word-legacy' },
  xls: { ext: 'xls', mime: 'application/vnd.ms-excel', label: 'spreadsheet-legacy' },
  ppt: { ext: 'ppt', mime: 'application/vnd.ms-powerpoint', label: 'presentation-legacy' },
};

/** Every Content-Type a stored resource may have, with its label key. */
export const RESOURCE_MIME_LABELS: Record<string, string> = Object.fromEntries(
  [...Object.values(ALLOWED), ...Object.values(LEGACY_OFFICE)].map((type) => [type.mime, type.label]),
);

/** What the refusal tells the uploader is accepted. */
export const ALLOWED_EXTENSIONS = 'PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP, PNG, JPG, MP4';

type Detector = (input: Uint8Array) => Promise<{ ext: string; mime: string } | undefined>;
let detector: Promise<Detector> | undefined;

function loadDetector(): Promise<Detector> {
  detector ??= import('file-type/core').then((module) => module.fileTypeFromBuffer as Detector);
  return detector;
}

/** The extension the uploader's file name claims, lower-case, without the dot. */
export function claimedExtension(name: string): string {
  return path.extname(name.trim()).slice(1).toLowerCase();
}

/** The allowed type of these first bytes, or undefined (refused). */
export async function detectResourceType(head: Uint8Array, claimedName: string): Promise<ResourceType | undefined> {
  if (head.length === 0) return undefined;
  const detect = await loadDetector();
  const found = await detect(head).catch(() => undefined);
  if (!found) return undefined;
  if (found.ext === 'cfb') return LEGACY_OFFICE[claimedExtension(claimedName)];
  return Object.hasOwn(ALLOWED, found.ext) ? ALLOWED[found.ext] : undefined;
}
