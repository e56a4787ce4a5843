import { z } from 'zod';
import { ACCOUNT_STATUSES, ROLES } from '../accounts/model';
import { emailField, newPasswordField, registrationSchema } from '../accounts/schemas';
import { AUDIT_ACTIONS } from '../audit/model';
import { paginationQuery } from '../http/pagination';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';

/** Forms send "" for an untouched field or select: it means "not given". */
const emptyAsAbsent = (value: unknown) => (value === '' ? undefined : value);

const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/)
  .transform((code) => code.toUpperCase());

/** Roles as a set: order and repeats carry no meaning. The service checks that one is left. */
const rolesField = z
  .array(z.enum(ROLES))
  .max(ROLES.length * 2)
  .transform((roles) => ROLES.filter((role) => roles.includes(role)));

const scopeField = z
  .array(countryCode)
  .max(50)
  .transform((codes) => [...new Set(codes)].sort());

const objectId = z.string().regex(/^[a-f\d]{24}$/i);

/**
 * `GET /api/v1/users` and the list page. Strict: an unexpected parameter, such as the
 * `q[$gt]` of an injection attempt, is refused rather than silently dropped.
 */
export const userListQuery = z.strictObject({
  ...paginationQuery.shape,
  q: z.preprocess(emptyAsAbsent, z.string().trim().max(100).optional()),
  role: z.preprocess(emptyAsAbsent, z.enum(ROLES).optional()),
  status: z.preprocess(emptyAsAbsent, z.enum(ACCOUNT_STATUSES).optional()),
  country: z.preprocess(emptyAsAbsent, countryCode.optional()),
  /** Read by the language middleware; allowed here so `?lang=` stays usable. */
  lang: z.string().optional(),
});
export type UserListQuery = z.output<typeof userListQuery>;

/** `PATCH /api/v1/users/:id` and the detail page's forms. */
export const userUpdateSchema = z.strictObject({
  roles: rolesField.optional(),
  scopeCountries: scopeField.optional(),
  status: z.enum(ACCOUNT_STATUSES).optional(),
});
export type UserUpdate = z.output<typeof userUpdateSchema>;

/** `POST /api/v1/users` and the new-account form: registration's fields, plus roles and an optional password. */
export const staffCreationSchema = z.strictObject({
  email: emailField,
  name: registrationSchema.shape.name,
  roles: rolesField,
  password: z.preprocess(emptyAsAbsent, newPasswordField.optional()),
  country: countryCode,
  city: registrationSchema.shape.city,
  organisation: registrationSchema.shape.organisation,
  sector: registrationSchema.shape.sector,
  language: z.preprocess(emptyAsAbsent, z.enum(SUPPORTED_LANGUAGES).optional()),
});
export type StaffCreationInput = z.output<typeof staffCreationSchema>;

export const auditListQuery = z.strictObject({
  ...paginationQuery.shape,
  targetId: z.preprocess(emptyAsAbsent, objectId.optional()),
  actorId: z.preprocess(emptyAsAbsent, objectId.optional()),
  action: z.preprocess(emptyAsAbsent, z.enum(AUDIT_ACTIONS).optional()),
  lang: z.string().optional(),
});
export type AuditListQuery = z.output<typeof auditListQuery>;
