/**
 * The sign-in sheet of a session day (issue 6, point 3): the paper evidence EU-funded projects
 * file. A4 portrait, in the session's language (not the reader's: the sheet is signed in the
 * room): the programme, the session (title, modules with versions, date and times with the
 * zone, venue, trainers) repeated at the top of every page, then one row per enrolled person
 * with their organisation and an empty signature box, and "page X of Y" at the bottom.
 *
 * A sheet is small (a session holds at most 500 people), so pdfkit buffers its pages and
 * numbers them at the end.
 */
import { fitText } from '../pdf/fit';
import { pdfFonts } from '../pdf/fonts';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { TFunction } from 'i18next';
import mongoose from 'mongoose';
import PDFDocument from 'pdfkit';
import { User } from '../accounts/model';
import { Enrolment } from '../enrolment/model';
import { ForbiddenError } from '../http/errors';
import { managesSession } from '../sessions/access';
import type { TrainingSessionDocument } from '../sessions/model';
import { namesFor } from '../sessions/present';
import { zoneLabel } from '../sessions/pages/view';
import { sessionDay } from './roll-call';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const ROW_HEIGHT = 30;
const TABLE_HEADER_HEIGHT = 18;
const FOOTER_Y = PAGE.height - 30;
const TABLE_BOTTOM = PAGE.height - 48;
const COLUMNS = { number: 24, name: 170, organisation: 150 } as const;
const SIGNATURE_WIDTH = CONTENT_WIDTH - COLUMNS.number - COLUMNS.name - COLUMNS.organisation;


export interface SignInSheetPerson {
  name: string;
  organisation: string;
}

/** Everyone enrolled in the session, by name. */
export async function signInSheetPeople(session: mongoose.Types.ObjectId): Promise<SignInSheetPerson[]> {
  const enrolments = await Enrolment.find({ session, status: 'enrolled' }).select({ user: 1 }).lean();
  const users = await User.find({ _id: mongoose.trusted({ $in: enrolments.map((enrolment) => enrolment.user) }) })
    .select({ name: 1, organisationName: 1 })
    .lean();
  return users.map((user) => ({ name: user.name ?? '', organisation: user.organisationName ?? '' })).sort((a, b) => a.name.localeCompare(b.name));
}

export interface SignInSheetInput {
  session: TrainingSessionDocument;
  /** 0-based. */
  day: number;
  people: SignInSheetPerson[];
  t: TFunction;
  moduleTitles: Map<string, string>;
  cityName: string;
  trainerNames: string[];
}

/** The sheet as a PDF document (a Buffer). */
export async function signInSheetPdf(input: SignInSheetInput): Promise<Buffer> {
  const { session, day, people, t } = input;
  const lang = session.language;
  const theDay = session.days[day]!;
  const font = pdfFonts();
  const doc = new PDFDocument({ size: 'A4', layout: 'portrait', margin: MARGIN, bufferPages: true, autoFirstPage: false, info: { Title: `${String(t('attendance:sign-in-sheet.title'))} — ${session.title}` } });
  doc.registerFont('body', font.regular);
  doc.registerFont('bold', font.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const dateLabel = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: session.timezone }).format(theDay.startsAt);
  const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: session.timezone });
  const headerLines: Array<{ text: string; bold?: boolean; size: number }> = [
    { text: String(t('attendance:sign-in-sheet.programme')), size: 9 },
    { text: session.title, bold: true, size: 15 },
    { text: String(t('attendance:sign-in-sheet.title')), bold: true, size: 11 },
    {
      text: String(t('attendance:sign-in-sheet.modules', { modules: session.courses.map((course) => `${input.moduleTitles.get(course.slug) ?? course.slug} (${String(t('attendance:sign-in-sheet.version', { version: course.version }))})`).join('; ') })),
      size: 9,
    },
    {
      text: String(t('attendance:sign-in-sheet.when', { day: day + 1, days: session.days.length, date: dateLabel, start: time.format(theDay.startsAt), end: time.format(theDay.endsAt), zone: zoneLabel(session.timezone, theDay.startsAt, lang) })),
      size: 9,
    },
    { text: String(t('attendance:sign-in-sheet.venue', { venue: [session.venue.name, session.venue.address, input.cityName].filter(Boolean).join(', ') })), size: 9 },
    { text: String(t('attendance:sign-in-sheet.trainers', { names: input.trainerNames.join(', ') || '—' })), size: 9 },
  ];

  const fit = (raw: string, width: number) => fitText(doc, raw, width);

  let y = MARGIN;

  const tableHeader = () => {
    doc.rect(MARGIN, y, CONTENT_WIDTH, TABLE_HEADER_HEIGHT).fill('#e6e6e6');
    doc.fillColor('black').font('bold').fontSize(9);
    const cells = ['#', String(t('attendance:sign-in-sheet.name')), String(t('attendance:sign-in-sheet.organisation')), String(t('attendance:sign-in-sheet.signature'))];
    const widths = [COLUMNS.number, COLUMNS.name, COLUMNS.organisation, SIGNATURE_WIDTH];
    let x = MARGIN;
    cells.forEach((cell, index) => {
      doc.text(fit(cell, widths[index]! - 6), x + 3, y + 5, { lineBreak: false });
      x += widths[index]!;
    });
    y += TABLE_HEADER_HEIGHT;
  };

  const newPage = () => {
    doc.addPage({ size: 'A4', layout: 'portrait', margin: MARGIN });
    y = MARGIN;
    for (const line of headerLines) {
      doc.font(line.bold ? 'bold' : 'body').fontSize(line.size).fillColor('black');
      const height = doc.heightOfString(line.text, { width: CONTENT_WIDTH });
      doc.text(line.text, MARGIN, y, { width: CONTENT_WIDTH });
      y += height + 3;
    }
    y += 8;
    tableHeader();
  };

  newPage();
  if (people.length === 0) {
    doc.font('body').fontSize(10).text(String(t('attendance:sign-in-sheet.nobody')), MARGIN + 3, y + 8, { lineBreak: false });
  }
  people.forEach((person, index) => {
    if (y + ROW_HEIGHT > TABLE_BOTTOM) newPage();
    doc.font('body').fontSize(10).fillColor('black');
    const textY = y + (ROW_HEIGHT - 10) / 2;
    let x = MARGIN;
    doc.text(String(index + 1), x + 3, textY, { lineBreak: false });
    x += COLUMNS.number;
    doc.text(fit(person.name, COLUMNS.name - 6), x + 3, textY, { lineBreak: false });
    x += COLUMNS.name;
    doc.fontSize(9).text(fit(person.organisation, COLUMNS.organisation - 6), x + 3, textY + 1, { lineBreak: false });
    x += COLUMNS.organisation;
    // The signature box, and the row's rules.
    doc.lineWidth(0.75).rect(x + 4, y + 3, SIGNATURE_WIDTH - 8, ROW_HEIGHT - 6).stroke();
    doc.lineWidth(0.3).moveTo(MARGIN, y + ROW_HEIGHT).lineTo(MARGIN + CONTENT_WIDTH, y + ROW_HEIGHT).stroke();
    y += ROW_HEIGHT;
  });

  const range = doc.bufferedPageRange();
  for (let index = 0; index < range.count; index += 1) {
    doc.switchToPage(range.start + index);
    doc.font('body').fontSize(8).fillColor('black');
    const label = String(t('attendance:sign-in-sheet.page', { page: index + 1, pages: range.count }));
    // Writing below the bottom margin would make pdfkit add a page: the margin is lifted for the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(label, MARGIN, FOOTER_Y, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    doc.text(`${session.title} — ${theDay.date}`, MARGIN, FOOTER_Y, { width: CONTENT_WIDTH * 0.7, align: 'left', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** A short file name: the day's date and the end of the session id. */
export const signInSheetFileName = (session: TrainingSessionDocument, day: number) => `sign-in-sheet-${session.days[day]!.date}-${String(session._id).slice(-6)}.pdf`;

const signedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
};

async function signInSheet(req: Request, res: Response) {
  const dayNumber = /^\d{1,2}$/.test(String(req.params.day)) ? Number(req.params.day) : 0;
  const { session, day } = await sessionDay(String(req.params.id), dayNumber);
  if (!managesSession(req.user, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators print the sign-in sheet');
  const names = await namesFor([session], session.language);
  const pdf = await signInSheetPdf({
    session,
    day,
    people: await signInSheetPeople(session._id),
    t: req.i18n.getFixedT(session.language),
    moduleTitles: names.courses,
    cityName: names.cities.get(session.city) ?? session.city,
    trainerNames: session.trainers.map((id) => names.trainers.get(String(id)) ?? '').filter(Boolean),
  });
  res.set('Cache-Control', 'private, no-store');
  res.type('application/pdf');
  res.attachment(signInSheetFileName(session, day));
  res.send(pdf);
}

/** `GET /sessions/:id/days/:day/sign-in-sheet.pdf` (its staff). */
export function signInSheetPages(): Router {
  const router = Router();
  router.get('/sessions/:id/days/:day/sign-in-sheet.pdf', signedIn, signInSheet);
  return router;
}
