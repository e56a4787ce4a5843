import { existsSync } from 'node:fs';

/** Fonts that have the letters of all eleven languages (Greek, Czech…), where systems usually keep them. */
const FONT_CANDIDATES = [
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf'],
] as const;

/**
 * The fonts every PDF of the app is written in: REPORT_FONT (and REPORT_FONT_BOLD) when set,
 * else the first candidate the system has, else the standard fonts, which know only Western
 * European letters (WinAnsi).
 */
export function pdfFonts(): { regular: string; bold: string } {
  const fromEnv = process.env.REPORT_FONT;
  if (fromEnv && existsSync(fromEnv)) {
    const bold = process.env.REPORT_FONT_BOLD;
    return { regular: fromEnv, bold: bold && existsSync(bold) ? bold : fromEnv };
  }
  const found = FONT_CANDIDATES.find(([regular, bold]) => existsSync(regular) && existsSync(bold));
  return found ? { regular: found[0], bold: found[1] } : { regular: 'Helvetica', bold: 'Helvetica-Bold' };
}
