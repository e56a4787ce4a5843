/** `text` on one line, cut with "…" to fit `width` points at the document's current font and size. */
export function fitText(doc: PDFKit.PDFDocument, raw: string, width: number): string {
  const text = raw.replace(/\s+/g, ' ').trim();
  if (!text || doc.widthOfString(text) <= width) return text;
  // Binary search on the length: widths are not additive (kerning), so measure each candidate.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${text.slice(0, middle)}…`) <= width) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low)}…`;
}
