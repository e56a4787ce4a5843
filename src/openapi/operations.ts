/**
 * Every `/api/v1` operation, described once: the request schemas are the very ones the
 * routers validate with, the response schemas those of responses.ts. document.ts turns this
 * table into OpenAPI 3.1; test/openapi checks it against the real router and real answers.
 */
import { z } from 'zod';
import { tokenRequestSchema } from '../accounts/api';
import { registrationSchema } from '../accounts/schemas';
import { courseListQuery, courseVersionQuery, lessonEditSchema, publishSchema } from '../courses/api';
import { changelogEditSchema, checkEditSchema, lessonAdditionSchema, lessonOrderSchema, lessonRemovalQuery } from '../courses/authoring-api';
import { courseDiffQuery, courseDiffSchema } from '../courses/diff/schema';
import { progressMarkSchema } from '../courses/progress-api';
import { sessionReadQuery } from '../sessions/api';
import { attendanceReportQuery } from '../reports/query';
import { enrolmentInputSchema, enrolmentListQuery } from '../enrolment/api';
import { invitationListQuery } from '../invitations/api';
import { invitationListSchema, invitationSentSchema } from '../invitations/schemas';
import { attendanceBatchSchema, statsQuery } from '../attendance/api';
import { settingsSchema } from '../attendance/settings';
import { checkInCodeRequestSchema, checkInRequestSchema, checkInCodeSchema, checkInResultSchema } from '../attendance/check-in-routes';
import { enrolmentImportReportSchema, enrolmentImportUploadSchema } from '../enrolment/import-schemas';
import { sessionPatchSchema } from '../sessions/change';
import { sessionListQuery } from '../sessions/find';
import { scheduleInputSchema } from '../sessions/schedule';
import { resourceRemovalQuery, resourceUploadSchema } from '../courses/resources/api';
import { profilePatchSchema } from '../profile/schemas';
import { citiesQuery, countriesQuery, organisationsQuery } from '../reference/api';
import { auditListQuery, staffCreationSchema, userListQuery, userUpdateSchema } from '../users/schemas';
import {
  auditEventListSchema,
  courseListSchema,
  courseVersionSchema,
  lessonEditedSchema,
  resourceRemovedSchema,
  resourceUploadedSchema,
  translationStatusSchema,
  scheduledSessionSchema,
  sessionListSchema,
  sessionSchema,
  enrolmentListSchema,
  enrolmentSchema,
  dayAttendanceSchema,
  sessionAttendanceSchema,
  targetSchema,
  cityListSchema,
  createdUserSchema,
  meSchema,
  objectId,
  newTokenSchema,
  openApiDocumentSchema,
  organisationListSchema,
  programmeSettingsChangeSchema,
  programmeSettingsSchema,
  countryListSchema,
  profileSchema,
  progressSchema,
  registrationAcceptedSchema,
  tokenListSchema,
  userListSchema,
  userSchema,
} from './responses';

export const TAGS = {
  Accounts: 'Registration, API tokens and the caller’s own account.',
  Users: 'Account administration, for administrators and coordinators (within their countries).',
  'Reference data': 'Partner countries, cities and organisations.',
  Audit: 'The log of changes to accounts, for administrators.',
  Courses: 'The training modules, their versions, and writing them (trainers, coordinators, administrators).',
  Sessions: 'Two-day training sessions: scheduling, finding, changing and cancelling them.',
  Attendance: 'Roll calls, the people trained and the programme’s target.',
  Reports: 'Exports for coordinators (within their countries) and administrators.',
  Meta: 'This description of the API.',
} as const;
export type Tag = keyof typeof TAGS;

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type SuccessStatus = 200 | 201 | 202 | 204;
/** The error statuses the API uses (docs/api.md, "Conventions"); 5xx are left undescribed. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;

export interface PathParameter {
  description: string;
  schema: z.ZodType;
}

export interface Operation {
  operationId: string;
  method: Method;
  /** OpenAPI form (`/users/{id}`), relative to the server URL `/api/v1`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** No token needed: `security: []`. */
  public: boolean;
  pathParameters?: Record<string, PathParameter>;
  /** The schema the router parses `req.query` with. */
  query?: z.ZodObject;
  /** The schema the router parses `req.body` with (a JSON object). */
  body?: z.ZodType;
  /** How the body is sent: JSON unless said otherwise (a file upload is multipart). */
  bodyMediaType?: 'multipart/form-data';
  /** `mediaType`: a document that is not JSON (e.g. `text/calendar`), described as a string. */
  success: { status: SuccessStatus; description: string; schema?: z.ZodType; mediaType?: string };
  /** A second way to succeed, e.g. 202 when the request was turned into an invitation. */
  alsoSuccess?: { status: SuccessStatus; description: string; schema: z.ZodType };
  /** Each refusal the operation can give, with when; all `application/problem+json`. */
  errors: Partial<Record<ErrorStatus, string>>;
  /** Where a query parameter means something else here than its shared description says. */
  queryDescriptions?: Record<string, string>;
}

const INVALID_QUERY = 'A query parameter is out of range or unknown to the operation (`errors` tells which).';
const INVALID_BODY = 'The body is not JSON, or does not match the schema (`errors` tells which field).';
const TOO_LARGE = 'The body is over 100 kB.';
const NEEDS_TOKEN = 'No token, or an invalid, expired or revoked one, or one ended by a change of password or email address, or the account is disabled.';
/** bearerAuthentication runs before every public operation but the description itself. */
const BAD_TOKEN_ON_PUBLIC =
  'An `Authorization` header was sent with an invalid or expired token (`type` ends `invalid-token`); leave the header out to call anonymously.';
const RATE_LIMITED = 'Too many attempts from this address (or for this account): wait for `Retry-After` seconds.';
const NOT_STAFF = 'The caller is neither an administrator nor a coordinator.';
const NOT_AUTHOR = 'The caller is not a trainer, coordinator or administrator.';
const DRAFT_CONFLICT = 'The version is published or archived (`immutable`), or someone saved the draft since `revision` (`stale-revision`).';
const COURSE_VERSION: Record<string, PathParameter> = {
  slug: { description: "The module's slug, e.g. `awareness`.", schema: z.string() },
  version: { description: 'A version such as `1.1.0`, or `latest` for the latest published one.', schema: z.string() },
};
const USER_ID: Record<string, PathParameter> = {
  id: { description: "The account's id.", schema: objectId },
};

export const OPERATIONS: Operation[] = [
  // Reference data.
  {
    operationId: 'listCountries',
    method: 'get',
    path: '/countries',
    tag: 'Reference data',
    summary: 'List the partner countries',
    description: 'Names in the served language (`lang`), sorted by them.',
    public: true,
    query: countriesQuery,
    success: { status: 200, description: 'One page of countries.', schema: countryListSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC },
  },
  {
    operationId: 'listCities',
    method: 'get',
    path: '/cities',
    tag: 'Reference data',
    summary: 'List cities',
    description: "Optionally of one country. A city's `id` is what a training session's or an account's `city` holds.",
    public: true,
    query: citiesQuery,
    success: { status: 200, description: 'One page of cities.', schema: cityListSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC },
  },
  {
    operationId: 'listOrganisations',
    method: 'get',
    path: '/organisations',
    tag: 'Reference data',
    summary: 'List partner organisations',
    description: 'Optionally of one country and of one type.',
    public: true,
    query: organisationsQuery,
    success: { status: 200, description: 'One page of organisations.', schema: organisationListSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC },
  },

  // Accounts.
  {
    operationId: 'register',
    method: 'post',
    path: '/auth/register',
    tag: 'Accounts',
    summary: 'Register as a stakeholder',
    description:
      'Creates a stakeholder account and mails a link to verify the address; the person then signs in (`POST /auth/tokens`). When the address already has an account, nothing is created and its owner is mailed that someone tried to register with it. The answer is the same either way, so it does not tell who has an account. The password needs 12 or more characters and must not be common or made of the person’s details. `organisation` is a partner organisation’s id or the name of another one. Rate limited per client address.',
    public: true,
    body: registrationSchema,
    success: { status: 202, description: 'A mail is on its way to the address: the verification link, or word that the account exists.', schema: registrationAcceptedSchema },
    errors: {
      400: `${INVALID_BODY} Also a weak password, or an unknown country, city or organisation.`,
      401: BAD_TOKEN_ON_PUBLIC,
      413: TOO_LARGE,
      429: RATE_LIMITED,
    },
  },
  {
    operationId: 'createToken',
    method: 'post',
    path: '/auth/tokens',
    tag: 'Accounts',
    summary: 'Sign in: get an API token',
    description:
      'Exchanges email and password (and `otp`, a code of the authenticator app, once two-factor authentication is on) for a token that expires after 30 days. The token acts with its owner’s roles as they are when it is used; it stops working when the password or email address changes or the account is disabled, and does not come back when the account is enabled again. Failed attempts count towards the same limits as the web sign-in.',
    public: true,
    body: tokenRequestSchema,
    success: { status: 201, description: 'A new token; it is shown this once.', schema: newTokenSchema },
    errors: {
      400: INVALID_BODY,
      401: 'Wrong email, password or code (`type` ends `invalid-credentials`), or the account needs a code and `otp` is missing (`type` ends `otp-required`).',
      403: 'Administrators and coordinators must set up two-factor authentication in the web app first (`type` ends `two-factor-setup-required`).',
      413: TOO_LARGE,
      429: RATE_LIMITED,
    },
  },
  {
    operationId: 'listTokens',
    method: 'get',
    path: '/auth/tokens',
    tag: 'Accounts',
    summary: "List the caller's API tokens",
    description: 'The live ones (neither expired nor revoked), newest first. Not paged.',
    public: false,
    success: { status: 200, description: "The caller's tokens.", schema: tokenListSchema },
    errors: { 401: NEEDS_TOKEN },
  },
  {
    operationId: 'revokeCurrentToken',
    method: 'delete',
    path: '/auth/tokens/current',
    tag: 'Accounts',
    summary: 'Sign out: revoke the token of this request',
    public: false,
    success: { status: 204, description: 'The token no longer works.' },
    errors: { 401: NEEDS_TOKEN },
  },
  {
    operationId: 'revokeToken',
    method: 'delete',
    path: '/auth/tokens/{id}',
    tag: 'Accounts',
    summary: "Revoke one of the caller's tokens",
    public: false,
    pathParameters: { id: { description: "The token's id (from the list).", schema: objectId } },
    success: { status: 204, description: 'The token no longer works.' },
    errors: { 401: NEEDS_TOKEN, 404: 'No such live token of the caller’s (another person’s token is not found either).' },
  },
  {
    operationId: 'getMe',
    method: 'get',
    path: '/me',
    tag: 'Accounts',
    summary: "The caller's account",
    public: false,
    success: { status: 200, description: "The caller's details.", schema: meSchema },
    errors: { 401: NEEDS_TOKEN },
  },
  {
    operationId: 'updateMe',
    method: 'patch',
    path: '/me',
    tag: 'Accounts',
    summary: "Change the caller's details",
    description:
      'Each field is optional; `null` (or an empty string) clears `city`, `organisation` and `sector`. Email and password are changed in the web app; unknown fields are refused.',
    public: false,
    body: profilePatchSchema,
    success: { status: 200, description: "The caller's details after the change.", schema: profileSchema },
    errors: { 400: `${INVALID_BODY} Also an unknown country, city or organisation.`, 401: NEEDS_TOKEN, 413: TOO_LARGE },
  },

  // Users.
  {
    operationId: 'listUsers',
    method: 'get',
    path: '/users',
    tag: 'Users',
    summary: 'List and search accounts',
    description: 'Newest first. Coordinators see the accounts of their countries. Unknown query parameters are refused.',
    public: false,
    query: userListQuery,
    success: { status: 200, description: 'One page of accounts.', schema: userListSchema },
    errors: { 400: INVALID_QUERY, 401: NEEDS_TOKEN, 403: NOT_STAFF },
  },
  {
    operationId: 'createUser',
    method: 'post',
    path: '/users',
    tag: 'Users',
    summary: 'Create an account',
    description:
      'Administrators create any account; coordinators stakeholders and trainers of their countries. The account counts as verified. Without a password, its owner is mailed an invitation to choose one.',
    public: false,
    body: staffCreationSchema,
    success: { status: 201, description: 'The account was created.', schema: createdUserSchema },
    errors: {
      400: `${INVALID_BODY} Also a weak password, no role, or an unknown country, city or organisation.`,
      401: NEEDS_TOKEN,
      403: `${NOT_STAFF} Or the roles or country are beyond what the caller may give.`,
      409: 'An account with this email exists (`type` ends `email-taken`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'getUser',
    method: 'get',
    path: '/users/{id}',
    tag: 'Users',
    summary: 'One account',
    public: false,
    pathParameters: USER_ID,
    success: { status: 200, description: 'The account.', schema: userSchema },
    errors: {
      401: NEEDS_TOKEN,
      403: `${NOT_STAFF} Or the account is one the coordinator may see but not manage.`,
      404: 'No such account, or one outside the coordinator’s countries.',
    },
  },
  {
    operationId: 'updateUser',
    method: 'patch',
    path: '/users/{id}',
    tag: 'Users',
    summary: "Change an account's roles, country scope or status",
    description: 'Disabling an account ends its sessions and stops its tokens at once. Every change is written to the audit log.',
    public: false,
    pathParameters: USER_ID,
    body: userUpdateSchema,
    success: { status: 200, description: 'The account after the change.', schema: userSchema },
    errors: {
      400: `${INVALID_BODY} Also no role left, or an unknown country.`,
      401: NEEDS_TOKEN,
      403: `${NOT_STAFF} Or the change is beyond what the caller may make.`,
      404: 'No such account, or one outside the coordinator’s countries.',
      409: 'The change would lock administrators out (their own account, the last administrator), or the account changed meanwhile.',
      413: TOO_LARGE,
    },
  },

  // Audit.
  {
    operationId: 'listAuditEvents',
    method: 'get',
    path: '/audit-events',
    tag: 'Audit',
    summary: 'Read the audit log',
    description: 'Newest first. Unknown query parameters are refused.',
    public: false,
    query: auditListQuery,
    success: { status: 200, description: 'One page of events.', schema: auditEventListSchema },
    errors: { 400: INVALID_QUERY, 401: NEEDS_TOKEN, 403: 'The caller is not an administrator.' },
  },

  // Courses.
  {
    operationId: 'listCourses',
    method: 'get',
    path: '/courses',
    tag: 'Courses',
    summary: 'List the training modules',
    description: 'In programme order, titles in the served language (`lang`). Authors also see drafts among `versions`.',
    public: true,
    query: courseListQuery,
    success: { status: 200, description: 'One page of modules.', schema: courseListSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC },
  },
  {
    operationId: 'getCourseVersion',
    method: 'get',
    path: '/courses/{slug}/versions/{version}',
    tag: 'Courses',
    summary: 'One version of a module, with its lessons and check',
    description:
      'Text in `lang` where the version has it, else in English. The check shows prompts and options; the right answers and feedback only to authors.',
    public: true,
    pathParameters: COURSE_VERSION,
    query: courseVersionQuery,
    success: { status: 200, description: 'The version.', schema: courseVersionSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC, 404: 'No such module or version, or a draft and the caller is not an author.' },
  },
  {
    operationId: 'diffCourseVersions',
    method: 'get',
    path: '/courses/{slug}/diff',
    tag: 'Courses',
    summary: 'What changed between two versions of a module',
    description:
      'Lessons and questions added, removed, changed or moved, and per language the changed titles and texts: changed lines with 3 lines of context, paired lines with their words marked. `from` and `to` are versions or `latest`; drafts only for authors. `lang` limits the per-language detail to one language (the summary still covers all). Long texts are cut (`truncated`).',
    public: true,
    pathParameters: { slug: COURSE_VERSION.slug! },
    query: courseDiffQuery,
    success: { status: 200, description: 'The differences, from `from` to `to`.', schema: courseDiffSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC, 404: 'No such module or version, or a draft and the caller is not an author.' },
  },
  {
    operationId: 'startCourseDraft',
    method: 'post',
    path: '/courses/{slug}/versions',
    tag: 'Courses',
    summary: 'Start a draft from the latest published version',
    description: 'The draft gets the next minor version number (1.1.0 → 1.2.0). A module has at most one draft.',
    public: false,
    pathParameters: { slug: COURSE_VERSION.slug! },
    success: { status: 201, description: 'The new draft.', schema: courseVersionSchema },
    errors: {
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module.',
      409: 'The module already has a draft (`type` ends `draft-exists`).',
    },
  },
  {
    operationId: 'editCourseLesson',
    method: 'put',
    path: '/courses/{slug}/versions/{version}/lessons/{key}',
    tag: 'Courses',
    summary: "Change a draft lesson's text in one language",
    description: 'Send the `revision` the draft had when you read it: if someone saved since, the edit is refused rather than overwriting theirs.',
    public: false,
    pathParameters: { ...COURSE_VERSION, key: { description: "The lesson's key.", schema: z.string() } },
    body: lessonEditSchema,
    success: { status: 200, description: 'Saved, with the new revision.', schema: lessonEditedSchema },
    errors: {
      400: INVALID_BODY,
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module, version or lesson.',
      409: 'The version is published or archived and cannot change (`type` ends `immutable`), or the draft was saved by someone else since `revision` (`type` ends `stale-revision`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'addCourseLesson',
    method: 'post',
    path: '/courses/{slug}/versions/{version}/lessons',
    tag: 'Courses',
    summary: 'Add a lesson to a draft',
    description: 'Written in one language; the key is made from the title unless given. `position` (from 0) places it; at the end by default.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: lessonAdditionSchema,
    success: { status: 201, description: 'Added, with the new revision.', schema: lessonEditedSchema },
    errors: {
      400: 'The body does not match the schema, or `key` is already used by a lesson of this draft (`errors` tells which field).',
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module or version.',
      409: DRAFT_CONFLICT,
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'removeCourseLesson',
    method: 'delete',
    path: '/courses/{slug}/versions/{version}/lessons/{key}',
    tag: 'Courses',
    summary: 'Remove a lesson from a draft',
    description: 'In every language. A version keeps at least one lesson.',
    public: false,
    pathParameters: { ...COURSE_VERSION, key: { description: "The lesson's key.", schema: z.string() } },
    query: lessonRemovalQuery,
    success: { status: 200, description: 'The draft after the change.', schema: courseVersionSchema },
    errors: {
      400: INVALID_QUERY,
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module, version or lesson.',
      409: `${DRAFT_CONFLICT} Also when it is the last lesson (\`last-lesson\`).`,
    },
  },
  {
    operationId: 'orderCourseLessons',
    method: 'put',
    path: '/courses/{slug}/versions/{version}/order',
    tag: 'Courses',
    summary: "Set the order of a draft's lessons",
    description: '`order` lists every lesson key of the draft, each once.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: lessonOrderSchema,
    success: { status: 200, description: 'The draft after the change.', schema: courseVersionSchema },
    errors: { 400: 'Not every key of the draft once, or a malformed body.', 401: NEEDS_TOKEN, 403: NOT_AUTHOR, 404: 'No such module or version.', 409: DRAFT_CONFLICT, 413: TOO_LARGE },
  },
  {
    operationId: 'editCourseCheck',
    method: 'put',
    path: '/courses/{slug}/versions/{version}/check',
    tag: 'Courses',
    summary: "Replace a draft's knowledge check, with its text in one language",
    description:
      'Questions, options and correct answers are the same in every language; the text is given in `lang`. Text in other languages is kept for the questions and options that remain; new ones await translation.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: checkEditSchema,
    success: { status: 200, description: 'The draft after the change, in `lang`.', schema: courseVersionSchema },
    errors: {
      400: 'A malformed body, duplicate keys, or a correct answer that is not one of the options (`errors` tells which).',
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module or version.',
      409: DRAFT_CONFLICT,
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'editCourseChangelog',
    method: 'put',
    path: '/courses/{slug}/versions/{version}/changelog',
    tag: 'Courses',
    summary: "Set a draft's changelog in one language",
    description: 'Markdown. An empty `text` removes the changelog in that language.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: changelogEditSchema,
    success: { status: 200, description: 'The draft after the change, in `lang`.', schema: courseVersionSchema },
    errors: { 400: INVALID_BODY, 401: NEEDS_TOKEN, 403: NOT_AUTHOR, 404: 'No such module or version.', 409: DRAFT_CONFLICT, 413: TOO_LARGE },
  },
  {
    operationId: 'archiveCourseVersion',
    method: 'post',
    path: '/courses/{slug}/versions/{version}/archive',
    tag: 'Courses',
    summary: 'Archive a published version',
    description: 'Learners pinned to it can still read and finish it; new learners start the latest published version, which cannot itself be archived.',
    public: false,
    pathParameters: COURSE_VERSION,
    success: { status: 200, description: 'The archived version.', schema: courseVersionSchema },
    errors: {
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module or version.',
      409: 'Not published (`not-published`), or the latest published version (`latest-published`).',
    },
  },
  {
    operationId: 'getCourseTranslationStatus',
    method: 'get',
    path: '/courses/{slug}/versions/{version}/translation-status',
    tag: 'Courses',
    summary: 'What is translated in each language',
    description: 'Per language: the share present, and which lessons and questions have their text.',
    public: false,
    pathParameters: COURSE_VERSION,
    success: { status: 200, description: 'The status per language.', schema: translationStatusSchema },
    errors: { 401: NEEDS_TOKEN, 403: NOT_AUTHOR, 404: 'No such module or version.' },
  },
  {
    operationId: 'uploadCourseResource',
    method: 'post',
    path: '/courses/{slug}/versions/{version}/resources',
    tag: 'Courses',
    summary: 'Upload a downloadable resource to a draft',
    description:
      'Multipart, one `file` and the `revision`. Accepted: PDF, DOCX/XLSX/PPTX, DOC/XLS/PPT, ODT/ODS/ODP, PNG, JPEG and MP4, judged by the file’s bytes; at most 25 MB. The stored name is the file’s name made safe, with the extension of the type found.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: resourceUploadSchema,
    bodyMediaType: 'multipart/form-data',
    success: { status: 201, description: 'Stored and listed in the draft, with the new revision.', schema: resourceUploadedSchema },
    errors: {
      400: 'No file, more than one file, a missing or invalid `revision`, an unknown field, or a malformed multipart body (`errors` tells which).',
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module or version.',
      409: 'The version is published or archived (`immutable`), or someone saved the draft since `revision` (`stale-revision`). Nothing is stored.',
      413: 'The file is over 25 MB (`type` ends `resource-too-large`). Nothing is stored.',
      415: 'The file is not of an accepted type, whatever its name says (`type` ends `unsupported-resource-type`). Nothing is stored.',
    },
  },
  {
    operationId: 'removeCourseResource',
    method: 'delete',
    path: '/courses/{slug}/versions/{version}/resources/{id}',
    tag: 'Courses',
    summary: 'Remove a resource from a draft',
    description: 'The file itself is deleted only when no other version (e.g. the published one the draft was copied from) still offers it.',
    public: false,
    pathParameters: { ...COURSE_VERSION, id: { description: 'The resource’s `id`.', schema: z.string() } },
    query: resourceRemovalQuery,
    success: { status: 200, description: 'Removed, with the new revision.', schema: resourceRemovedSchema },
    errors: {
      400: INVALID_QUERY,
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module, version or resource.',
      409: 'The version is published or archived (`immutable`), or someone saved the draft since `revision` (`stale-revision`).',
    },
  },
  {
    operationId: 'publishCourseVersion',
    method: 'post',
    path: '/courses/{slug}/versions/{version}/publish',
    tag: 'Courses',
    summary: 'Publish a draft',
    description: '`changelog` is English text or an object per language. Learners who started an older version stay on it until they choose to switch.',
    public: false,
    pathParameters: COURSE_VERSION,
    body: publishSchema,
    success: { status: 200, description: 'The published version.', schema: courseVersionSchema },
    errors: {
      400: INVALID_BODY,
      401: NEEDS_TOKEN,
      403: NOT_AUTHOR,
      404: 'No such module or version.',
      409: 'Not a draft (`immutable`), not newer than the latest published version (`not-newer`), or English text missing, the changelog included (`english-incomplete`, with `errors`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'getCourseProgress',
    method: 'get',
    path: '/courses/{slug}/progress',
    tag: 'Courses',
    summary: "The caller's progress in a module",
    description: 'The version the caller is pinned to (the one they started), the lessons done, and when they completed the module.',
    public: false,
    pathParameters: { slug: COURSE_VERSION.slug! },
    success: { status: 200, description: 'The progress.', schema: progressSchema },
    errors: { 401: NEEDS_TOKEN, 404: 'No such module.' },
  },
  {
    operationId: 'markCourseLessonDone',
    method: 'post',
    path: '/courses/{slug}/progress',
    tag: 'Courses',
    summary: 'Mark a lesson done',
    description: 'Starts the module on its latest published version if the caller has not started it. Marking a lesson twice changes nothing.',
    public: false,
    pathParameters: { slug: COURSE_VERSION.slug! },
    body: progressMarkSchema,
    success: { status: 200, description: 'The progress after the change.', schema: progressSchema },
    errors: { 400: INVALID_BODY, 401: NEEDS_TOKEN, 404: 'No such module, or no such lesson in the version the caller is pinned to.', 413: TOO_LARGE },
  },

  // Training sessions.
  {
    operationId: 'scheduleSession',
    method: 'post',
    path: '/sessions',
    tag: 'Sessions',
    summary: 'Schedule a training session',
    description:
      'Trainers (who teach it) and coordinators (in their countries). Each course is pinned to its latest published version; coordinators may name a version. `days` are local dates and times in `timezone` (by default the zone of the city’s country), 1 to 5 days, in order, not overlapping; `enrolmentDeadline` defaults to the day before day 1. Only coordinators may record a session in the past.',
    public: false,
    body: scheduleInputSchema,
    success: { status: 201, description: 'Scheduled; `warnings` lists other sessions at the same venue at the same time.', schema: scheduledSessionSchema },
    errors: {
      400: 'A field is invalid (`errors` tells which and why).',
      401: NEEDS_TOKEN,
      403: 'The caller does not schedule sessions, or the city is outside the countries they coordinate.',
      409: 'A trainer already teaches another session at an overlapping time (`trainer-booked`; `errors` names the trainer and the session).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'listSessions',
    method: 'get',
    path: '/sessions',
    tag: 'Sessions',
    summary: 'Find training sessions',
    description: 'In date order. Without `from`/`to`: open sessions not yet over. `from`/`to` are local dates compared with the sessions’ own dates.',
    public: true,
    query: sessionListQuery,
    queryDescriptions: {
      from: 'Only sessions with a day on or after this local date (YYYY-MM-DD).',
      to: 'Only sessions whose first day is on or before this local date (YYYY-MM-DD).',
      status: 'Only sessions with this status (default: open).',
      country: 'Only sessions in this country (ISO 3166-1 alpha-2, either case).',
    },
    success: { status: 200, description: 'One page of sessions.', schema: sessionListSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC },
  },
  {
    operationId: 'getSession',
    method: 'get',
    path: '/sessions/{id}',
    tag: 'Sessions',
    summary: 'One training session',
    description: 'Everything a participant needs: days and times in the session’s zone, venue, modules with their versions, seats left.',
    public: true,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    query: sessionReadQuery,
    success: { status: 200, description: 'The session.', schema: sessionSchema },
    errors: { 400: INVALID_QUERY, 401: BAD_TOKEN_ON_PUBLIC, 404: 'No such session.' },
  },
  {
    operationId: 'getSessionCalendar',
    method: 'get',
    path: '/sessions/{id}.ics',
    tag: 'Sessions',
    summary: 'The session as an iCalendar file',
    description:
      'One VEVENT per day with its TZID and VTIMEZONE, location and description; UIDs stay the same across changes and SEQUENCE grows with each change of time or place. A cancelled session is sent with METHOD:CANCEL.',
    public: true,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    success: { status: 200, description: 'The calendar (`text/calendar`).', mediaType: 'text/calendar' },
    errors: { 401: BAD_TOKEN_ON_PUBLIC, 404: 'No such session.' },
  },
  {
    operationId: 'updateSession',
    method: 'patch',
    path: '/sessions/{id}',
    tag: 'Sessions',
    summary: 'Change a training session',
    description: 'Its trainers, coordinators of its country, administrators. Any creation field; the session is checked as a whole again. A change of time or place bumps the calendar sequence and is announced to participants.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    body: sessionPatchSchema,
    success: { status: 200, description: 'The session after the change.', schema: scheduledSessionSchema },
    errors: {
      400: 'A field is invalid (`errors` tells which and why).',
      401: NEEDS_TOKEN,
      403: 'The caller neither teaches the session nor coordinates its country.',
      404: 'No such session.',
      409: 'The session is cancelled (`session-cancelled`), the capacity is below the seats taken (`capacity-below-seats`), or a trainer is booked elsewhere (`trainer-booked`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'cancelSession',
    method: 'post',
    path: '/sessions/{id}/cancel',
    tag: 'Sessions',
    summary: 'Cancel a training session',
    description: 'Everyone enrolled or waiting is told; calendars receive a cancellation.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    success: { status: 200, description: 'The cancelled session.', schema: sessionSchema },
    errors: { 401: NEEDS_TOKEN, 403: 'The caller neither teaches the session nor coordinates its country.', 404: 'No such session.', 409: 'Already cancelled (`session-cancelled`).' },
  },

  // Enrolment.
  {
    operationId: 'enrol',
    method: 'post',
    path: '/sessions/{id}/enrolments',
    tag: 'Sessions',
    summary: 'Enrol in a session, or enrol someone',
    description:
      '`{}` enrols the caller (a verified account). Its trainers, coordinators of its country and administrators add someone else by `userId` or `email`: a person the caller may already see (for administrators and coordinators, the accounts of their countries; for trainers, the people on one of their rosters) is enrolled at once (201); anyone else, and an address or id without an account, is invited by mail to accept or decline (202, the same answer whoever it is), and shows in `GET /sessions/{id}/invitations` as typed until they accept. Beyond capacity, people join the waiting list with a position; capacity is never exceeded, whatever the concurrency.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    body: enrolmentInputSchema,
    success: { status: 201, description: 'Enrolled, or on the waiting list at `position`.', schema: enrolmentSchema },
    alsoSuccess: { status: 202, description: 'Invited: the person is asked by mail and enrolled when they accept. Adding the same person again answers the same invitation.', schema: invitationSentSchema },
    errors: {
      400: INVALID_BODY,
      401: NEEDS_TOKEN,
      403: 'The caller’s email is not verified, or they may not enrol someone else in this session.',
      404: 'No such session, or the account named is one the caller may see and it is disabled (`user-unknown`).',
      409: 'Already enrolled or waiting (`already-enrolled`, `already-waitlisted`), the deadline has passed (`deadline-passed`) or the session is not open (`session-not-open`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'cancelEnrolment',
    method: 'delete',
    path: '/sessions/{id}/enrolments/{userId}',
    tag: 'Sessions',
    summary: 'Cancel an enrolment',
    description: '`me` for oneself; its trainers, coordinators of its country and administrators for anyone. The first person waiting is promoted at once.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() }, userId: { description: 'The person’s account id, or `me`.', schema: z.string() } },
    success: { status: 204, description: 'Cancelled.' },
    errors: { 401: NEEDS_TOKEN, 403: 'The caller may not cancel this person’s enrolment.', 404: 'No such session, or the person is neither enrolled nor waiting.' },
  },
  {
    operationId: 'listEnrolments',
    method: 'get',
    path: '/sessions/{id}/enrolments',
    tag: 'Sessions',
    summary: 'The people enrolled and waiting',
    description: 'Enrolled first (in the order they enrolled), then the waiting list in order. Its trainers, coordinators of its country and administrators.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    query: enrolmentListQuery,
    success: { status: 200, description: 'One page of people.', schema: enrolmentListSchema },
    errors: { 400: INVALID_QUERY, 401: NEEDS_TOKEN, 403: 'The caller is not staff of this session.', 404: 'No such session.' },
  },
  {
    operationId: 'listInvitations',
    method: 'get',
    path: '/sessions/{id}/invitations',
    tag: 'Sessions',
    summary: 'The invitations not yet accepted',
    description: 'What the inviters typed, who invited and when, and whether the invitation waits for an answer, was declined or expired. Its trainers, coordinators of its country and administrators.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    query: invitationListQuery,
    success: { status: 200, description: 'One page of invitations, oldest first.', schema: invitationListSchema },
    errors: { 400: INVALID_QUERY, 401: NEEDS_TOKEN, 403: 'The caller is not staff of this session.', 404: 'No such session.' },
  },
  {
    operationId: 'withdrawInvitation',
    method: 'delete',
    path: '/sessions/{id}/invitations/{invitationId}',
    tag: 'Sessions',
    summary: 'Withdraw an invitation',
    description: 'For a mistyped address: the link in the mail stops working. An accepted invitation is an enrolment: cancel that instead.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() }, invitationId: { description: 'The invitation id.', schema: z.string() } },
    success: { status: 204, description: 'Withdrawn.' },
    errors: { 401: NEEDS_TOKEN, 403: 'The caller is not staff of this session.', 404: 'No such session, or no such invitation not yet accepted in it.' },
  },
  {
    operationId: 'importEnrolments',
    method: 'post',
    path: '/sessions/{id}/enrolments/import',
    tag: 'Sessions',
    summary: 'Import participants from a CSV file',
    description:
      'Its trainers, coordinators of its country and administrators. Multipart with the field `file`, or the file itself as a `text/csv` body. Each row is enrolled, put on the waiting list, invited, found already there (`already`, nothing changes: re-importing a file creates no duplicates) or rejected with its `reason`, by the rule of `POST /sessions/{id}/enrolments`: people the caller may not see, and addresses without an account, are invited (`invited`), with the row’s details offered when they create their account. A file that cannot be read as a whole is refused and nothing is done.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    body: enrolmentImportUploadSchema,
    bodyMediaType: 'multipart/form-data',
    success: { status: 200, description: 'The report: one entry per row, in file order, and the totals.', schema: enrolmentImportReportSchema },
    errors: {
      400: 'No file, or a file that cannot be read: binary content (`not-csv`), empty, no header line, no email or name column, more than 1,000 rows, or broken quoting (`errors` says which, in the reader’s language). Nothing is done.',
      401: NEEDS_TOKEN,
      403: 'The caller is not staff of this session.',
      404: 'No such session.',
      409: 'The session is not open (`session-not-open`) or its enrolment deadline has passed (`deadline-passed`). Nothing is done.',
      413: 'The file is over 2 MB (`type` ends `import-too-large`). Nothing is done.',
      415: 'The body is neither multipart nor `text/csv`.',
    },
  },

  // Attendance and the target.
  {
    operationId: 'recordAttendance',
    method: 'put',
    path: '/sessions/{id}/days/{day}/attendance',
    tag: 'Attendance',
    summary: 'Record the roll call of a session day',
    description:
      'Its trainers, coordinators of its country, administrators; from the day’s start. Idempotent: the same status again changes nothing. All or nothing: anyone not enrolled is named and nothing of the batch is saved. Every change is kept in the audit trail.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() }, day: { description: 'The day, from 1.', schema: z.string() } },
    body: attendanceBatchSchema,
    success: { status: 200, description: 'The day’s records.', schema: dayAttendanceSchema },
    errors: {
      400: 'A malformed body, an unknown status, or people not enrolled (`errors` names them).',
      401: NEEDS_TOKEN,
      403: 'The caller is not staff of this session.',
      404: 'No such session or day.',
      409: 'The day has not started (`day-not-started`) or the session is cancelled (`session-cancelled`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'getSessionAttendance',
    method: 'get',
    path: '/sessions/{id}/attendance',
    tag: 'Attendance',
    summary: 'Attendance of a session',
    description: 'Per person who has a record: the status of each day (null: not recorded) and whether this session trains them.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() } },
    success: { status: 200, description: 'The attendance.', schema: sessionAttendanceSchema },
    errors: { 401: NEEDS_TOKEN, 403: 'The caller is not staff of this session.', 404: 'No such session.' },
  },
  {
    operationId: 'openCheckInCode',
    method: 'post',
    path: '/sessions/{id}/days/{day}/check-in-code',
    tag: 'Attendance',
    summary: 'Open a self check-in code for a session day',
    description:
      'Its trainers, coordinators of its country, administrators; only during the day’s times. A 6-character code (no 0, O, 1 or I) valid for `minutes` (5 to 240, default 30) from now, never past the day’s end. It replaces the day’s previous code, is returned once and is stored only as a hash. `url` opens the check-in form with the code filled in (what the QR image on the staff page holds).',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() }, day: { description: 'The day, from 1.', schema: z.string() } },
    body: checkInCodeRequestSchema,
    success: { status: 201, description: 'The code and its window.', schema: checkInCodeSchema },
    errors: {
      400: INVALID_BODY,
      401: NEEDS_TOKEN,
      403: 'The caller is not staff of this session.',
      404: 'No such session or day.',
      409: 'Now is not within the day’s times (`outside-day`), or the session is cancelled (`session-cancelled`).',
      413: TOO_LARGE,
    },
  },
  {
    operationId: 'checkIn',
    method: 'post',
    path: '/sessions/{id}/days/{day}/check-in',
    tag: 'Attendance',
    summary: 'Check oneself in to a session day with its code',
    description:
      'A person enrolled in the session, with the code the staff opened for this day. Marks them `present` (recorded as a check-in, in the audit trail). Idempotent: checking in again, or after the staff recorded a status other than `absent`, changes nothing and returns that status with `already: true`.',
    public: false,
    pathParameters: { id: { description: 'The session id.', schema: z.string() }, day: { description: 'The day, from 1.', schema: z.string() } },
    body: checkInRequestSchema,
    success: { status: 200, description: 'The person’s status for the day.', schema: checkInResultSchema },
    errors: {
      400: 'A malformed body, or a code that is not this day’s (`errors` names `code`): another day’s or session’s code, a replaced one, a typo.',
      401: NEEDS_TOKEN,
      403: 'The caller is not enrolled in this session (`not-enrolled`).',
      404: 'No such session or day.',
      409: 'The code is right but outside its window (`check-in-closed`), or the session is cancelled (`session-cancelled`).',
      413: TOO_LARGE,
      429: 'Ten refused check-ins by this person in 15 minutes: wait for `Retry-After` seconds.',
    },
  },
  {
    operationId: 'getTarget',
    method: 'get',
    path: '/stats/target',
    tag: 'Attendance',
    summary: 'Progress toward the programme’s target',
    description: 'Distinct trained people, kept on every attendance change. Coordinators limited to some countries see those only.',
    public: false,
    query: statsQuery,
    success: { status: 200, description: 'The counts.', schema: targetSchema },
    errors: { 400: INVALID_QUERY, 401: NEEDS_TOKEN, 403: 'The caller is not a coordinator or administrator.' },
  },
  {
    operationId: 'getProgrammeSettings',
    method: 'get',
    path: '/settings/programme',
    tag: 'Attendance',
    summary: 'The programme’s target and the rule of who counts as trained',
    description: 'A person is trained by a session when one of `countingStatuses` was recorded for them on at least `requiredShare` of its days. Coordinators and administrators.',
    public: false,
    success: { status: 200, description: 'The settings.', schema: programmeSettingsSchema },
    errors: { 401: NEEDS_TOKEN, 403: NOT_STAFF },
  },
  {
    operationId: 'putProgrammeSettings',
    method: 'put',
    path: '/settings/programme',
    tag: 'Attendance',
    summary: 'Change the target and the rule of who counts as trained',
    description:
      'Administrators only; every field is required. When `countingStatuses` or `requiredShare` change, everyone who attended anything is counted again before the answer (`recounted: true`); a change of `target` alone counts nobody again. Each change is written to the audit log.',
    public: false,
    body: settingsSchema,
    success: { status: 200, description: 'The saved settings, with the number of people trained before and after.', schema: programmeSettingsChangeSchema },
    errors: { 400: `${INVALID_BODY} Also a target outside 1 to 1,000,000, no status or an unknown one, or a share outside 0.1 to 1.`, 401: NEEDS_TOKEN, 403: 'The caller is not an administrator.', 413: TOO_LARGE },
  },

  // Reports.
  {
    operationId: 'exportAttendance',
    method: 'get',
    path: '/reports/attendance',
    tag: 'Reports',
    summary: 'Export attendance as CSV, XLSX or PDF',
    description:
      'One row per person per session day: session, modules and versions, city, country, date, start and end, person, email, organisation, sector, status, trained. In date, session and person order, streamed from the database. `format=csv` is `text/csv` (UTF-8 with a byte order mark, header row in `lang`, RFC 4180 quoting, CRLF); `format=xlsx` is `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` (bold frozen header with an auto-filter, dates as dates); `format=pdf` is `application/pdf` (a table with its header on every page, totals and page numbers). Sent as an attachment named `attendance-<from>-<to>.<ext>`. A coordinator limited to some countries gets only their rows.',
    public: false,
    query: attendanceReportQuery,
    queryDescriptions: {
      format: 'The file format: `csv`, `xlsx` or `pdf`.',
      from: 'Only days on or after this local date (YYYY-MM-DD).',
      to: 'Only days on or before this local date (YYYY-MM-DD).',
      country: 'Only sessions in this country (ISO 3166-1 alpha-2, either case); a coordinator may name only their own countries.',
      city: 'Only sessions in this city (a city id of the reference data).',
      course: 'Only sessions teaching this module (its slug).',
      session: 'Only this session (its id).',
      language: 'Only sessions taught in this language.',
      lang: 'The language of the file (header, statuses, sectors, country names); the caller’s otherwise.',
      separator: 'CSV only: `,` (default) or `;` (what Excel expects in much of Europe).',
    },
    success: { status: 200, description: 'The file (`text/csv` here; `xlsx` and `pdf` as the description says).', mediaType: 'text/csv' },
    errors: {
      400: 'Unknown format or query parameter, a malformed date, or an unknown city, module or session (`errors` tells which).',
      401: NEEDS_TOKEN,
      403: 'The caller is neither an administrator nor a coordinator, or a coordinator asked for a country (or a city or session in one) outside their countries (`type` ends `outside-scope`).',
    },
  },

  // Meta.
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    tag: 'Meta',
    summary: 'This OpenAPI 3.1 description',
    description: 'Served without reading any token.',
    public: true,
    success: { status: 200, description: 'The OpenAPI document.', schema: openApiDocumentSchema },
    errors: {},
  },
];

/** Named request and response schemas: `#/components/schemas/<name>`. */
export const REQUEST_COMPONENTS: Record<string, z.ZodType> = {
  Registration: registrationSchema,
  TokenRequest: tokenRequestSchema,
  ProfilePatch: profilePatchSchema,
  NewUser: staffCreationSchema,
  UserUpdate: userUpdateSchema,
  LessonEdit: lessonEditSchema,
  LessonAddition: lessonAdditionSchema,
  LessonOrder: lessonOrderSchema,
  CheckEdit: checkEditSchema,
  ChangelogEdit: changelogEditSchema,
  Publish: publishSchema,
  SessionSchedule: scheduleInputSchema,
  SessionPatch: sessionPatchSchema,
  EnrolmentRequest: enrolmentInputSchema,
  AttendanceBatch: attendanceBatchSchema,
  ProgrammeSettingsInput: settingsSchema,
  CheckInCodeRequest: checkInCodeRequestSchema,
  CheckInRequest: checkInRequestSchema,
  EnrolmentImport: enrolmentImportUploadSchema,
  ProgressMark: progressMarkSchema,
  ResourceUpload: resourceUploadSchema,
};
