/**
 * What `/api/v1` answers, as zod schemas. The OpenAPI document is generated from these, and
 * test/openapi parses real responses with these very objects, so the two cannot drift apart.
 *
 * Objects are strict on purpose: a field the server starts sending without describing it here
 * fails the test. The document itself leaves response objects open (document.ts), because the
 * contract lets fields be added (docs/api.md) and clients must tolerate them.
 */
import { checkInCodeSchema, checkInResultSchema } from '../attendance/check-in-routes';
import { z } from 'zod';
import { enrolmentImportReportSchema } from '../enrolment/import-schemas';
import { invitationListSchema, invitationSentSchema } from '../invitations/schemas';
import { ACCOUNT_STATUSES, ROLES, SECTORS } from '../accounts/model';
import { AUDIT_ACTIONS } from '../audit/model';
import { ATTENDANCE_STATUSES } from '../attendance/model';
import { MAX_PAGE_SIZE } from '../http/pagination';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { ORGANISATION_TYPES, PHASES } from '../reference/model';
import { courseDiffSchema } from '../courses/diff/schema';

/** A database id: 24 hexadecimal digits. */
export const objectId = z.string().regex(/^[a-f\d]{24}$/);
const timestamp = z.iso.datetime({ offset: true });
const countryCode = z.string().regex(/^[A-Z]{2}$/);
const language = z.enum(SUPPORTED_LANGUAGES);
const count = z.number().int().min(0);

export const fieldErrorSchema = z
  .strictObject({
    path: z.string().meta({ description: 'The field, dotted for nested ones (`roles.0`); empty for the whole body.' }),
    message: z.string().meta({ description: "What is wrong, in the reader's language." }),
  })
  .meta({ description: 'A problem with one input field.' });

/** RFC 9457 problem details, as src/http/error-handler.ts sends them. */
export const problemSchema = z
  .strictObject({
    type: z.string().meta({ description: 'A URI reference ending with a stable code, e.g. `/problems/validation`, `/problems/otp-required`.' }),
    title: z.string().meta({ description: "A short, human title in the reader's language." }),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional().meta({ description: 'For 400 (and some 409): what is wrong with which field.' }),
  })
  .meta({ description: 'An error (`application/problem+json`).' });

/** `{items, total, page, pageSize}`: every paged list. */
function pageOf<Item extends z.ZodType>(item: Item) {
  return z.strictObject({
    items: z.array(item),
    total: count.meta({ description: 'How many items match, on all pages.' }),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE),
  });
}

/** A paged list of localised items: `lang` tells which language was actually served. */
function localisedPageOf<Item extends z.ZodType>(item: Item) {
  return pageOf(item).extend({ lang: language.meta({ description: 'The language the names are in.' }) });
}

// Reference data.
export const countrySchema = z.strictObject({
  code: countryCode.meta({ description: 'ISO 3166-1 alpha-2.' }),
  euCode: z.string().regex(/^[A-Z]{2}$/).meta({ description: 'The EU style code (EL for Greece).' }),
  name: z.string().meta({ description: "The country's name in the served language." }),
  languages: z.array(language),
});
export const citySchema = z.strictObject({
  id: z.string().meta({ description: 'A stable slug; the `city` of a session or an account.' }),
  name: z.string(),
  localName: z.string().meta({ description: 'The name as its own people write it.' }),
  country: countryCode,
  partner: z.boolean().meta({ description: 'Whether the city is a LIAISE partner.' }),
  phases: z.array(z.enum(PHASES)),
});
export const organisationSchema = z.strictObject({
  id: z.string().meta({ description: 'A stable slug; what `organisation` takes for a partner organisation.' }),
  name: z.string(),
  localName: z.string(),
  type: z.enum(ORGANISATION_TYPES),
  country: countryCode,
  city: z.string().optional().meta({ description: "The city's id, when the organisation belongs to one." }),
  phases: z.array(z.enum(PHASES)),
  role: z.enum(['lead', 'partner', 'associated']),
});
export const countryListSchema = localisedPageOf(countrySchema);
export const cityListSchema = localisedPageOf(citySchema);
export const organisationListSchema = localisedPageOf(organisationSchema);

// Accounts.
/** `POST /auth/register`: the same whether or not the address already had an account. */
export const registrationAcceptedSchema = z.strictObject({ status: z.literal('verification-sent'), email: z.email() });

export const newTokenSchema = z.strictObject({
  token: z.string().meta({ description: 'The token itself, shown this once: send it as `Authorization: Bearer <token>`.' }),
  expiresAt: timestamp,
});

export const tokenSchema = z.strictObject({
  id: objectId,
  name: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  current: z.boolean().meta({ description: 'Whether this is the token the request was made with.' }),
});
/** The caller's live tokens, newest first; not paged (a person has few). */
export const tokenListSchema = z.strictObject({ items: z.array(tokenSchema) });

const profileFields = {
  id: objectId,
  email: z.email(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  country: countryCode.nullable(),
  city: z.string().nullable().meta({ description: "A city's id (or a name given at registration)." }),
  organisation: z.string().nullable().meta({ description: "The organisation's name." }),
  organisationId: z.string().nullable().meta({ description: "The partner organisation's id; null for another organisation." }),
  sector: z.enum(SECTORS).nullable(),
  language: language,
  emailVerified: z.boolean(),
};
/** `PATCH /me`. */
export const profileSchema = z.strictObject(profileFields);
/** `GET /me`. */
export const meSchema = z.strictObject({ ...profileFields, twoFactorEnabled: z.boolean() });

// Users and the audit log.
export const userSchema = z.strictObject({
  id: objectId,
  email: z.email(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  status: z.enum(ACCOUNT_STATUSES),
  country: countryCode.nullable(),
  city: z.string().nullable(),
  organisation: z.string().nullable(),
  scopeCountries: z.array(countryCode).meta({ description: "A coordinator's countries; empty means all." }),
  emailVerified: z.boolean(),
  createdAt: timestamp,
  lastSignInAt: timestamp.nullable(),
});
export const userListSchema = pageOf(userSchema);

/** `POST /users`. */
export const createdUserSchema = z.strictObject({
  id: objectId,
  email: z.email(),
  roles: z.array(z.enum(ROLES)),
  invitationSent: z
    .boolean()
    .optional()
    .meta({ description: 'Only for an account made without a password: whether the invitation to choose one was mailed.' }),
});

export const auditEventSchema = z.strictObject({
  id: objectId,
  actor: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('user'), id: objectId, email: z.email(), name: z.string() }),
    z.strictObject({ type: z.literal('system'), name: z.string() }),
  ]),
  action: z.enum(AUDIT_ACTIONS),
  target: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('user'),
      id: objectId,
      label: z.string().meta({ description: 'How the record read then (an email).' }),
    }),
    z.strictObject({
      type: z.literal('settings').meta({ description: 'The programme settings (`PUT /settings/programme`).' }),
      id: z.literal('programme'),
      label: z.string(),
    }),
  ]),
  before: z.record(z.string(), z.unknown()).meta({ description: 'The changed fields as they were.' }),
  after: z.record(z.string(), z.unknown()).meta({ description: 'The changed fields as they became.' }),
  at: timestamp,
  requestId: z.string().nullable(),
});
export const auditEventListSchema = pageOf(auditEventSchema);

// Courses (issue 4).
const semver = z.string().regex(/^\d+\.\d+\.\d+$/);
const versionStatus = z.enum(['draft', 'published', 'archived']);
const completenessSchema = z
  .record(language, z.number().min(0).max(1))
  .meta({ description: 'Per language, the share of lessons, check questions and changelog present (0 to 1).' });
export const courseSchema = z.strictObject({
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  order: z.number().int(),
  latestVersion: semver.nullable().meta({ description: 'The latest published version; null before the first.' }),
  versions: z.array(z.strictObject({ version: semver, status: versionStatus, publishedAt: timestamp.nullable() })).meta({ description: 'Newest first; drafts only for authors.' }),
  languages: z.array(language).meta({ description: 'The languages the latest published version is complete in.' }),
});
export const courseListSchema = localisedPageOf(courseSchema);
const quizQuestionSchema = z.strictObject({
  key: z.string(),
  prompt: z.string(),
  options: z.array(z.strictObject({ key: z.string(), text: z.string() })),
  correct: z.array(z.string()).optional().meta({ description: 'The right option keys: for authors only.' }),
  feedback: z.string().optional().meta({ description: 'For authors only; learners get it with their score.' }),
});
export const resourceSchema = z.strictObject({
  id: objectId,
  name: z.string().meta({ description: 'The sanitised file name, with the extension of the type found in the file.' }),
  contentType: z.string().meta({ description: 'Found from the file’s bytes, not from what the uploader claimed.' }),
  size: z.number().int().min(0).meta({ description: 'Bytes.' }),
  url: z.string().meta({ description: 'Where to download it (a web page path, not under `/api/v1`).' }),
});
export const resourceUploadedSchema = z.strictObject({
  resource: resourceSchema,
  revision: z.number().int().min(0).meta({ description: 'The draft’s new revision: send it with the next edit.' }),
});
export const resourceRemovedSchema = z.strictObject({
  revision: z.number().int().min(0).meta({ description: 'The draft’s new revision: send it with the next edit.' }),
});
export const courseVersionSchema = z.strictObject({
  slug: z.string(),
  version: semver,
  status: versionStatus,
  publishedAt: timestamp.nullable(),
  lang: language.meta({ description: 'The language served; gaps in it are filled in English (see `completeness`).' }),
  changelog: z.string().nullable(),
  lessons: z.array(z.strictObject({ key: z.string(), title: z.string(), body: z.string().meta({ description: 'Markdown.' }), minutes: z.number().int() })),
  quiz: z.strictObject({ questions: z.array(quizQuestionSchema) }).optional(),
  resources: z.array(resourceSchema).meta({ description: 'Files to download with the version.' }),
  completeness: completenessSchema,
  revision: z.number().int().min(0).optional().meta({ description: 'For authors: the revision to send with the next lesson edit.' }),
});
export const lessonEditedSchema = z.strictObject({
  slug: z.string(),
  version: semver,
  revision: z.number().int().min(0).meta({ description: 'The draft’s new revision: send it with the next edit.' }),
  lesson: z.strictObject({ key: z.string(), lang: language, title: z.string(), body: z.string(), minutes: z.number().int() }),
});

export const translationStatusSchema = z.strictObject({
  slug: z.string(),
  version: semver,
  status: versionStatus,
  languages: z.array(
    z.strictObject({
      lang: language,
      share: z.number().min(0).max(1).meta({ description: 'Share of lessons, questions and changelog present in this language.' }),
      lessons: z.array(z.strictObject({ key: z.string(), present: z.boolean() })),
      questions: z.array(z.strictObject({ key: z.string(), present: z.boolean() })),
      changelog: z.boolean(),
    }),
  ),
});

export const progressSchema = z.strictObject({
  version: semver.nullable().meta({ description: 'The version the learner is pinned to; null until they start.' }),
  latestVersion: semver,
  completedLessons: z.array(z.string()),
  completedAt: timestamp.optional().meta({ description: 'When every lesson was done and the check passed.' }),
});

// Training sessions.
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const localTime = z.string().regex(/^\d{2}:\d{2}$/);
export const sessionSchema = z.strictObject({
  id: objectId,
  title: z.string(),
  courses: z.array(z.strictObject({ slug: z.string(), version: semver.meta({ description: 'The version pinned for this session.' }), title: z.string() })),
  language: language.meta({ description: 'The teaching language.' }),
  city: z.string().meta({ description: 'A city id of the reference data.' }),
  cityName: z.string(),
  country: countryCode,
  venue: z.strictObject({ name: z.string(), address: z.string() }),
  timezone: z.string().meta({ description: 'IANA time zone of the session: its times are wall-clock times there.' }),
  days: z.array(z.strictObject({ date: localDate, start: localTime, end: localTime, startsAt: timestamp, endsAt: timestamp })),
  capacity: z.number().int().min(1).max(500),
  enrolmentDeadline: localDate.meta({ description: 'The last local date to enrol.' }),
  enrolmentClosesAt: timestamp,
  trainers: z.array(z.strictObject({ id: objectId, name: z.string() })),
  status: z.enum(['open', 'cancelled']),
  seatsTaken: count,
  waitlisted: count,
  seatsLeft: count,
});
const sessionWarnings = z
  .array(z.strictObject({ code: z.literal('venue-busy'), session: z.strictObject({ id: objectId, title: z.string() }) }))
  .meta({ description: 'Not errors: the same venue is booked by another session at an overlapping time.' });
export const scheduledSessionSchema = sessionSchema.extend({ warnings: sessionWarnings });
export const sessionListSchema = localisedPageOf(sessionSchema);

export const enrolmentSchema = z.strictObject({
  userId: objectId,
  status: z.enum(['enrolled', 'waitlisted']),
  position: z.number().int().min(1).optional().meta({ description: 'The place on the waiting list (1 is next).' }),
});
export const enrolmentListSchema = pageOf(
  z.strictObject({
    userId: objectId,
    name: z.string(),
    email: z.email(),
    organisation: z.string().nullable(),
    sector: z.string().nullable(),
    status: z.enum(['enrolled', 'waitlisted']),
    position: z.number().int().min(1).optional(),
  }),
);

// Attendance and the target.
const attendanceStatus = z.enum(['present', 'late', 'excused', 'absent']);
export const dayAttendanceSchema = z.strictObject({
  sessionId: objectId,
  day: z.number().int().min(1),
  date: z.string(),
  records: z.array(z.strictObject({ userId: objectId, status: attendanceStatus, note: z.string().nullable(), recordedAt: timestamp })),
});
export const sessionAttendanceSchema = z.strictObject({
  sessionId: objectId,
  days: z.array(z.strictObject({ day: z.number().int().min(1), date: z.string() })),
  items: z.array(z.strictObject({ userId: objectId, days: z.array(attendanceStatus.nullable()).meta({ description: 'One status per day; null: not recorded.' }), trained: z.boolean() })),
});
const counts = z.record(z.string(), count);
export const targetSchema = z.strictObject({
  target: z.number().int().min(1),
  trained: count.meta({ description: 'Distinct people trained: present (or late) on every day of at least one session, by the programme’s rule.' }),
  byCountry: counts,
  byCity: counts,
  byCourse: counts,
  bySector: counts,
  byOrganisationType: counts,
  updatedAt: timestamp,
  recounting: z.boolean().meta({ description: 'True while everyone is being counted again after a change of the rule: until then the figures mix the old rule and the new.' }),
});

/** `GET /settings/programme`: the target and the rule of who counts as trained. */
export const programmeSettingsSchema = z.strictObject({
  target: z.number().int().min(1).meta({ description: 'The number of people the programme means to train.' }),
  countingStatuses: z.array(z.enum(ATTENDANCE_STATUSES)).min(1).meta({ description: 'The statuses that count as having attended a day.' }),
  requiredShare: z.number().min(0.1).max(1).meta({ description: 'The share of a session’s days a person must attend to be trained by it: 1 is every day.' }),
  updatedAt: timestamp.optional().meta({ description: 'When the settings were last saved; absent while the defaults stand.' }),
  updatedBy: objectId.optional().meta({ description: 'The account that saved them last.' }),
});
/** `PUT /settings/programme`: what was saved, and the count after it. */
export const programmeSettingsChangeSchema = programmeSettingsSchema.extend({
  trained: count.meta({ description: 'Distinct people trained after the change.' }),
  trainedBefore: count.meta({ description: 'Distinct people trained before it.' }),
  recounted: z.boolean().meta({ description: 'Whether the rule changed, so that everyone was counted again.' }),
});

/** `GET /openapi.json`: only its outline; the validators of OpenAPI check the rest. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** Named response schemas: `#/components/schemas/<name>`. Anything named here is referenced, not repeated. */
export const RESPONSE_COMPONENTS: Record<string, z.ZodType> = {
  Problem: problemSchema,
  FieldError: fieldErrorSchema,
  Country: countrySchema,
  CountryList: countryListSchema,
  City: citySchema,
  CityList: cityListSchema,
  Organisation: organisationSchema,
  OrganisationList: organisationListSchema,
  RegistrationAccepted: registrationAcceptedSchema,
  NewToken: newTokenSchema,
  Token: tokenSchema,
  TokenList: tokenListSchema,
  Profile: profileSchema,
  Me: meSchema,
  User: userSchema,
  UserList: userListSchema,
  CreatedUser: createdUserSchema,
  AuditEvent: auditEventSchema,
  AuditEventList: auditEventListSchema,
  OpenApiDocument: openApiDocumentSchema,
  Course: courseSchema,
  CourseList: courseListSchema,
  CourseVersion: courseVersionSchema,
  CourseDiff: courseDiffSchema,
  CourseProgress: progressSchema,
  LessonEdited: lessonEditedSchema,
  Resource: resourceSchema,
  ResourceUploaded: resourceUploadedSchema,
  ResourceRemoved: resourceRemovedSchema,
  TranslationStatus: translationStatusSchema,
  Session: sessionSchema,
  ScheduledSession: scheduledSessionSchema,
  SessionList: sessionListSchema,
  Enrolment: enrolmentSchema,
  InvitationSent: invitationSentSchema,
  InvitationList: invitationListSchema,
  DayAttendance: dayAttendanceSchema,
  CheckInCode: checkInCodeSchema,
  CheckInResult: checkInResultSchema,
  SessionAttendance: sessionAttendanceSchema,
  Target: targetSchema,
  ProgrammeSettings: programmeSettingsSchema,
  ProgrammeSettingsChange: programmeSettingsChangeSchema,
  EnrolmentList: enrolmentListSchema,
  EnrolmentImportReport: enrolmentImportReportSchema,
};
