/**
 * Demo data (issue 6, point 7), generated without touching the database: people of the partner
 * countries, trainers, training sessions in the partner cities over the past 18 months and the
 * next 3, enrolments (with seat claims and a few waiting lists) and the attendance of the past
 * sessions. A seeded PRNG makes a run id (and `now`'s day) give the same data every time,
 * ObjectIds included; src/demo/seed.ts writes it.
 *
 * Tagging: every account's email is under `@demo-<run>.example`, and every session is created
 * by (`createdBy`) one of the run's trainers, so a run is found, removed and recreated as a
 * whole, and runs with other ids are left alone.
 */
import mongoose from 'mongoose';
import { cities as CITY_SEEDS } from '../../seeds/reference/cities';
import { countries as COUNTRY_SEEDS } from '../../seeds/reference/countries';
import { organisations as ORGANISATION_SEEDS } from '../../seeds/reference/organisations';
import type { Language } from '../i18n/languages';
import { SECTORS, type Sector, type UserDocument } from '../accounts/model';
import { type AttendanceChangeDocument, type AttendanceDocument, attendanceId, type AttendanceStatus, type TrainedPersonDocument } from '../attendance/model';
import type { ProgrammeSettings } from '../attendance/settings';
import { trainedRecord } from '../attendance/trained';
import type { EnrolmentDocument, SeatClaimDocument, WaitClaimDocument } from '../enrolment/model';
import { seatClaimId, waitClaimId } from '../enrolment/model';
import type { TrainingSessionDocument } from '../sessions/model';
import { venueKey } from '../sessions/model';
import { resolveDays } from '../sessions/schedule';
import { addDays, DEFAULT_TIME_ZONES, endOfLocalDay } from '../sessions/time-zones';
import { type DemoName, NAMES, OTHER_ORGANISATIONS, VENUES } from './names';

type Id = mongoose.Types.ObjectId;

/** What a demo account needs no password for: argon2 cannot read it, so no password ever matches. */
export const DEMO_PASSWORD_HASH = '!demo-account:no-password';
export const RUN_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const demoDomain = (run: string) => `demo-${run}.example`;

export interface DemoCourse {
  slug: string;
  /** The latest published version. */
  version: string;
  /** English title, for session titles. */
  title: string;
}

export interface DemoOptions {
  run: string;
  /** Defaults to the run id. */
  seed?: string;
  stakeholders: number;
  sessions: number;
  now: Date;
  courses: DemoCourse[];
  trainers?: number;
}

export type DemoUser = Omit<UserDocument, 'twoFactor' | 'lastSignInAt' | 'consent'>;
export type DemoSession = TrainingSessionDocument;

export interface DemoData {
  users: DemoUser[];
  sessions: DemoSession[];
  enrolments: EnrolmentDocument[];
  seatClaims: SeatClaimDocument[];
  waitClaims: WaitClaimDocument[];
  attendance: AttendanceDocument[];
  attendanceChanges: AttendanceChangeDocument[];
}

// ---------------------------------------------------------------------------------------------
// Randomness.

/** A 32-bit hash of a string (FNV-1a), to seed the PRNG. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for demo data; the same seed, the same sequence. */
export function createRandom(seed: string) {
  let state = hash32(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chance = (p: number) => next() < p;
  /** Weighted choice among [value, weight] pairs. */
  const weighted = <T>(entries: ReadonlyArray<readonly [T, number]>): T => {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let at = next() * total;
    for (const [value, weight] of entries) {
      at -= weight;
      if (at < 0) return value;
    }
    return entries.at(-1)![0];
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  /** A deterministic ObjectId whose timestamp is `at`. */
  const objectId = (at: Date): Id => {
    const seconds = Math.max(0, Math.floor(at.getTime() / 1000)).toString(16).padStart(8, '0');
    let rest = '';
    while (rest.length < 16) rest += Math.floor(next() * 0x10000).toString(16).padStart(4, '0');
    return new mongoose.Types.ObjectId(seconds + rest);
  };
  return { next, int, pick, chance, weighted, shuffle, objectId };
}
type Random = ReturnType<typeof createRandom>;

// ---------------------------------------------------------------------------------------------
// Reference data.

const PARTNER_CITIES = CITY_SEEDS.filter((city) => city.partner);
const COUNTRY_LANGUAGES = new Map(COUNTRY_SEEDS.map((country) => [country.code, country.languages as Language[]]));

/** Regional language mixes where a country has several: Belgium, Catalonia. */
function languageOf(random: Random, country: string, city: string): Language {
  if (country === 'BE') {
    if (city === 'be-liege' || city === 'be-mons' || city === 'be-charleroi') return 'fr';
    if (city === 'be-brussels') return random.chance(0.6) ? 'fr' : 'nl';
    return 'nl';
  }
  if (country === 'ES') return random.chance(0.6) ? 'ca' : 'es';
  return COUNTRY_LANGUAGES.get(country)?.[0] ?? 'en';
}

const SECTOR_WEIGHTS: ReadonlyArray<readonly [Sector, number]> = [
  ['local-government', 22],
  ['police', 14],
  ['education', 18],
  ['social-youth-work', 20],
  ['probation-justice', 6],
  ['health', 7],
  ['civil-society', 10],
  ['other', 3],
];
// Every sector is weighted: a new one in SECTORS shows up here as a type error.
const _allSectors: Record<Sector, true> = Object.fromEntries(SECTORS.map((sector) => [sector, true])) as Record<Sector, true>;
void _allSectors;

const nameOf = (name: DemoName) => (typeof name === 'string' ? name : name[0]);
/** ASCII, lower-case, dot-free: "Müller" → "mueller", "De Luca" → "deluca", "Lefèvre" → "lefevre". */
function asciiOf(name: DemoName): string {
  if (typeof name !== 'string') return name[1];
  return name
    .replace(/ß/g, 'ss')
    .replace(/[äÄ]/g, 'ae')
    .replace(/[öÖ]/g, 'oe')
    .replace(/[üÜ]/g, 'ue')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const DAY = 86_400_000;
const isoDate = (at: Date) => at.toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Generation.

interface Person {
  doc: DemoUser;
  country: string;
}

function makePerson(random: Random, run: string, n: number, role: 'stakeholder' | 'trainer', now: Date, country?: string): Person {
  const city = country ? random.pick(PARTNER_CITIES.filter((candidate) => candidate.country === country)) : random.pick(PARTNER_CITIES);
  const language = languageOf(random, city.country, city.id);
  const names = NAMES[language];
  const first = random.pick(names.first);
  const last = random.pick(names.last);
  const sector = role === 'trainer' ? random.pick(['local-government', 'social-youth-work', 'civil-society'] as const) : random.weighted(SECTOR_WEIGHTS);
  // Half work for a partner organisation of their country (their city's, mostly); the others type theirs.
  const partners = ORGANISATION_SEEDS.filter((organisation) => organisation.country === city.country && organisation.role !== 'lead');
  const own = partners.find((organisation) => organisation.city === city.id);
  const organisation =
    random.chance(0.5) && partners.length > 0 ? (own && random.chance(0.7) ? own : random.pick(partners)) : undefined;
  const createdAt = new Date(now.getTime() - random.int(200, 700) * DAY - random.int(0, DAY - 1));
  const prefix = role === 'trainer' ? 'trainer.' : '';
  return {
    country: city.country,
    doc: {
      _id: random.objectId(createdAt),
      email: `${prefix}${asciiOf(first)}.${asciiOf(last)}.${n}@${demoDomain(run)}`,
      name: `${nameOf(first)} ${nameOf(last)}`,
      passwordHash: DEMO_PASSWORD_HASH,
      roles: [role],
      language,
      status: 'active',
      country: city.country,
      city: city.id,
      ...(organisation
        ? { organisationId: organisation.id, organisationName: organisation.name }
        : { organisationName: random.pick(OTHER_ORGANISATIONS[sector]!) }),
      sector,
      emailVerifiedAt: new Date(createdAt.getTime() + random.int(1, 48) * 3_600_000),
      scopeCountries: [],
      sessionEpoch: 0,
      createdAt,
      updatedAt: createdAt,
    },
  };
}

/** A weekday (Monday–Thursday) `offset` days from `now`, as a UTC calendar date. */
function weekdayNear(now: Date, offset: number): string {
  const at = new Date(now.getTime() + offset * DAY);
  const weekday = at.getUTCDay(); // 0 Sunday
  const shift = weekday === 5 ? 3 : weekday === 6 ? 2 : weekday === 0 ? 1 : 0;
  return isoDate(new Date(at.getTime() + shift * DAY));
}

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;

export function generateDemo(options: DemoOptions): DemoData {
  if (!RUN_ID.test(options.run)) throw new Error(`the run id must be lower-case letters, digits and dashes (got "${options.run}")`);
  if (options.courses.length === 0) throw new Error('no published module to teach');
  const random = createRandom(`${options.seed ?? options.run}:${isoDate(options.now)}`);
  const now = options.now;
  const data: DemoData = { users: [], sessions: [], enrolments: [], seatClaims: [], waitClaims: [], attendance: [], attendanceChanges: [] };

  // Trainers: spread over the countries, then more where there are more partner cities.
  const trainerCount = options.trainers ?? Math.max(3, Math.min(15, Math.ceil(options.sessions / 8)));
  const countries = [...new Set(PARTNER_CITIES.map((city) => city.country))];
  const trainers: Person[] = [];
  for (let i = 0; i < trainerCount; i += 1) trainers.push(makePerson(random, options.run, i + 1, 'trainer', now, i < countries.length ? countries[i] : undefined));
  const people: Person[] = [];
  for (let i = 0; i < options.stakeholders; i += 1) people.push(makePerson(random, options.run, i + 1, 'stakeholder', now));
  data.users.push(...trainers.map((trainer) => trainer.doc), ...people.map((person) => person.doc));
  const peopleByCountry = new Map<string, Person[]>();
  for (const person of people) peopleByCountry.set(person.country, [...(peopleByCountry.get(person.country) ?? []), person]);

  const booked = new Map<string, Array<{ startsAt: Date; endsAt: Date }>>();
  const PAST_DAYS = 548;
  const FUTURE_DAYS = 91;
  let ticketTime = 0;

  for (let s = 0; s < options.sessions; s += 1) {
    // Spread evenly over the 21 months, jittered: 18 months past, 3 to come.
    const slot = -PAST_DAYS + ((s + random.next()) * (PAST_DAYS + FUTURE_DAYS)) / options.sessions;
    const firstDate = weekdayNear(now, Math.min(FUTURE_DAYS - 4, Math.max(-PAST_DAYS, Math.round(slot))));
    const city = random.pick(PARTNER_CITIES);
    const zone = DEFAULT_TIME_ZONES[city.country]!;
    const language = languageOf(random, city.country, city.id);
    const length = random.weighted([
      [1, 3],
      [2, 6],
      [3, 2],
    ] as const);
    const [start, end] = random.pick([
      ['09:00', '17:00'],
      ['09:30', '16:30'],
      ['08:30', '16:00'],
    ] as const);
    const { days, errors } = resolveDays(
      Array.from({ length }, (_, offset) => ({ date: addDays(firstDate, offset), start, end })),
      zone,
    );
    if (errors.length > 0) throw new Error(`demo session days are invalid: ${JSON.stringify(errors)}`);
    const first = days[0]!;
    const last = days.at(-1)!;
    const past = last.endsAt < now;

    // Trainers: one or two free at that time, from the session's country first.
    const free = random.shuffle([...trainers]).filter((trainer) => !(booked.get(String(trainer.doc._id)) ?? []).some((other) => days.some((day) => overlaps(day, other))));
    free.sort((a, b) => Number(b.country === city.country) - Number(a.country === city.country));
    const chosen = free.slice(0, random.chance(0.35) ? 2 : 1);
    if (chosen.length === 0) continue; // Every trainer is busy then: one session fewer.
    for (const trainer of chosen) booked.set(String(trainer.doc._id), [...(booked.get(String(trainer.doc._id)) ?? []), ...days]);

    const courses = random.shuffle([...options.courses]).slice(0, random.weighted([
      [1, 5],
      [2, 3],
      [3, 2],
    ] as const));
    const capacity = random.int(15, 30);
    const venues = VENUES[language];
    const venueName = random.pick(venues.venues);
    const deadlineDate = addDays(first.date, -random.int(1, 7));
    const createdAt = new Date(Math.min(now.getTime() - 3_600_000, first.startsAt.getTime() - random.int(30, 75) * DAY));
    const deadline = endOfLocalDay(deadlineDate, zone)!;
    const cityName = city.names.en ?? city.name;
    const title = `${courses.map((course) => course.title).join(' · ')} — ${cityName}`.slice(0, 200);
    const session: DemoSession = {
      _id: random.objectId(createdAt),
      title,
      courses: courses.map(({ slug, version }) => ({ slug, version })),
      language,
      city: city.id,
      country: city.country,
      venue: { name: venueName, address: `${random.int(1, 120)} ${random.pick(venues.streets)}, ${city.name}`, nameKey: venueKey(venueName) },
      timezone: zone,
      days,
      capacity,
      enrolmentDeadlineDate: deadlineDate,
      enrolmentDeadline: deadline,
      trainers: chosen.map((trainer) => trainer.doc._id),
      trainerNames: Object.fromEntries(chosen.map((trainer) => [String(trainer.doc._id), trainer.doc.name])),
      status: 'open',
      seatsTaken: 0,
      waitlisted: 0,
      sequence: 0,
      firstStartsAt: first.startsAt,
      lastEndsAt: last.endsAt,
      createdBy: chosen[0]!.doc._id,
      createdAt,
      updatedAt: createdAt,
    };

    // Who enrols: mostly people of the country, some from elsewhere (exchanges between cities).
    const enrolUntil = Math.min(now.getTime(), deadline.getTime());
    const wanted = past ? random.int(Math.ceil(capacity * 0.6), capacity) : random.chance(0.2) ? capacity + random.int(1, 4) : random.int(Math.ceil(capacity * 0.2), Math.ceil(capacity * 0.9));
    const local = random.shuffle([...(peopleByCountry.get(city.country) ?? [])]);
    const candidates = [...local.slice(0, Math.ceil(wanted * 0.85)), ...random.shuffle(people.filter((person) => person.country !== city.country)).slice(0, wanted)];
    const attendees = [...new Map(candidates.map((person) => [String(person.doc._id), person])).values()].slice(0, wanted);
    const freeSeats = random.shuffle(Array.from({ length: capacity }, (_, index) => index + 1));
    let waitTicket = 0;
    attendees.forEach((person, index) => {
      const at = new Date(createdAt.getTime() + ((enrolUntil - createdAt.getTime()) * (index + random.next())) / (attendees.length + 1));
      const user = person.doc._id;
      const by = random.chance(0.7) ? user : chosen[0]!.doc._id;
      const enrolmentId = random.objectId(at);
      if (index < capacity) {
        const seat = freeSeats.pop()!;
        // A few cancel before the start (future sessions: their seat is free again).
        const cancels = !past && random.chance(0.05);
        ticketTime = Math.max(at.getTime() * 1000, ticketTime + 1);
        if (cancels) {
          const cancelledAt = new Date(Math.min(now.getTime(), at.getTime() + DAY));
          data.enrolments.push({
            _id: enrolmentId,
            session: session._id,
            user,
            status: 'cancelled',
            enrolledBy: by,
            history: [
              { at, by, from: null, to: 'enrolled' },
              { at: cancelledAt, by: user, from: 'enrolled', to: 'cancelled' },
            ],
            createdAt: at,
            updatedAt: cancelledAt,
          });
          freeSeats.unshift(seat); // Free again.
          return;
        }
        data.seatClaims.push({ _id: seatClaimId(session._id, seat), session: session._id, user, seat, claimedAt: at, order: ticketTime });
        data.enrolments.push({ _id: enrolmentId, session: session._id, user, status: 'enrolled', seat, enrolledBy: by, history: [{ at, by, from: null, to: 'enrolled' }], createdAt: at, updatedAt: at });
        session.seatsTaken += 1;
      } else {
        waitTicket += 1;
        data.waitClaims.push({ _id: waitClaimId(session._id, waitTicket), session: session._id, user, n: waitTicket, claimedAt: at });
        data.enrolments.push({ _id: enrolmentId, session: session._id, user, status: 'waitlisted', waitTicket, enrolledBy: by, history: [{ at, by, from: null, to: 'waitlisted' }], createdAt: at, updatedAt: at });
        session.waitlisted += 1;
      }
    });
    // Cancellations freed seats: nobody waits while a seat is free.
    if (session.waitlisted > 0 && session.seatsTaken < capacity) {
      const enrolledCount = session.seatsTaken;
      const promote = Math.min(capacity - enrolledCount, session.waitlisted);
      const waiting = data.waitClaims.filter((claim) => claim.session.equals(session._id)).slice(0, promote);
      for (const claim of waiting) {
        const enrolment = data.enrolments.find((candidate) => candidate.session.equals(session._id) && candidate.user.equals(claim.user))!;
        const seat = freeSeats.pop()!;
        const at = new Date(claim.claimedAt.getTime() + 3_600_000);
        ticketTime = Math.max(at.getTime() * 1000, ticketTime + 1);
        data.seatClaims.push({ _id: seatClaimId(session._id, seat), session: session._id, user: claim.user, seat, claimedAt: at, order: ticketTime });
        Object.assign(enrolment, { status: 'enrolled', seat, waitTicket: undefined, updatedAt: at, history: [...enrolment.history, { at, by: enrolment.enrolledBy, from: 'waitlisted', to: 'enrolled' }] });
        delete enrolment.waitTicket;
        data.waitClaims.splice(data.waitClaims.indexOf(claim), 1);
        session.seatsTaken += 1;
        session.waitlisted -= 1;
      }
    }
    data.sessions.push(session);

    if (past) recordAttendance(random, data, session);
  }
  ensureEveryStatus(data);
  return data;
}

/** The roll calls of a past session: most attend every day, some miss one, a few never come. */
function recordAttendance(random: Random, data: DemoData, session: DemoSession): void {
  const recorder = session.trainers[0]!;
  const enrolled = data.enrolments.filter((enrolment) => enrolment.session.equals(session._id) && enrolment.status === 'enrolled');
  for (const enrolment of enrolled) {
    const profile = random.weighted([
      ['full', 62],
      ['missed-one', 28],
      ['no-show', 10],
    ] as const);
    const missed = random.int(0, session.days.length - 1);
    session.days.forEach((day, index) => {
      let status: AttendanceStatus;
      if (profile === 'no-show') status = random.chance(0.3) ? 'excused' : 'absent';
      else if (profile === 'missed-one' && index === missed) status = random.chance(0.45) ? 'excused' : 'absent';
      else status = random.chance(0.1) ? 'late' : 'present';
      const checkIn = (status === 'present' || status === 'late') && random.chance(0.3);
      const via = checkIn ? 'check-in' : 'roll-call';
      const by = checkIn ? enrolment.user : recorder;
      const recordedAt = new Date(day.startsAt.getTime() + (status === 'late' ? random.int(20, 90) : random.int(0, 15)) * 60_000);
      const id = attendanceId(session._id, index, enrolment.user);
      const note = status === 'excused' ? random.pick(['Sick', 'Work commitment', 'Family reasons']) : undefined;
      // Now and then marked absent at the roll call, corrected when they turn up late.
      if (status === 'late' && !checkIn && random.chance(0.3)) {
        const firstAt = new Date(day.startsAt.getTime() + random.int(0, 10) * 60_000);
        data.attendanceChanges.push({ _id: random.objectId(firstAt), attendance: id, session: session._id, day: index, user: enrolment.user, from: null, to: 'absent', by, at: firstAt, via });
        data.attendanceChanges.push({ _id: random.objectId(recordedAt), attendance: id, session: session._id, day: index, user: enrolment.user, from: 'absent', to: 'late', by, at: recordedAt, via });
      } else {
        data.attendanceChanges.push({ _id: random.objectId(recordedAt), attendance: id, session: session._id, day: index, user: enrolment.user, from: null, to: status, ...(note ? { note } : {}), by, at: recordedAt, via });
      }
      data.attendance.push({ _id: id, session: session._id, day: index, date: day.date, user: enrolment.user, status, ...(note ? { note } : {}), recordedBy: by, recordedAt, via });
    });
  }
}

/**
 * Tiny runs might miss a status by chance: the last records of the trail are then set so that
 * all four occur (each with its change), which dashboards and tests rely on.
 */
function ensureEveryStatus(data: DemoData): void {
  const present = new Set(data.attendance.map((record) => record.status));
  const missing = (['present', 'late', 'excused', 'absent'] as const).filter((status) => !present.has(status));
  if (missing.length === 0 || data.attendance.length < 8) return;
  missing.forEach((status, index) => {
    const record = data.attendance[data.attendance.length - 1 - index * 2]!;
    const at = new Date(record.recordedAt.getTime() + 3_600_000);
    const change = data.attendanceChanges.filter((candidate) => candidate.attendance === record._id).at(-1)!;
    data.attendanceChanges.push({ ...change, _id: new mongoose.Types.ObjectId(change._id.toHexString().slice(0, 8) + 'ffff' + change._id.toHexString().slice(12)), from: record.status, to: status, at, via: 'roll-call', by: record.recordedBy });
    record.status = status;
    record.recordedAt = at;
    record.via = 'roll-call';
  });
}

/**
 * Who is trained, for all the run's people at once, by the one definition the recount uses
 * (trainedRecord in src/attendance/trained.ts), from the data in memory.
 */
export function trainedPeople(
  data: Pick<DemoData, 'users' | 'sessions' | 'attendance'>,
  settings: ProgrammeSettings,
  organisationTypes: ReadonlyMap<string, string>,
  now: Date,
): TrainedPersonDocument[] {
  const sessions = new Map(data.sessions.map((session) => [String(session._id), session]));
  const users = new Map(data.users.map((user) => [String(user._id), user]));
  const byUser = new Map<string, AttendanceDocument[]>();
  for (const record of data.attendance) {
    const key = String(record.user);
    const list = byUser.get(key);
    if (list) list.push(record);
    else byUser.set(key, [record]);
  }
  const result: TrainedPersonDocument[] = [];
  for (const [userId, records] of byUser) {
    const own = [...new Set(records.map((record) => String(record.session)))].map((id) => sessions.get(id)!).filter(Boolean);
    const account = users.get(userId);
    const organisationType = account?.organisationId ? organisationTypes.get(account.organisationId) : undefined;
    result.push(trainedRecord(new mongoose.Types.ObjectId(userId), records, own, account, organisationType, settings, now));
  }
  return result;
}
