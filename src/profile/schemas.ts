import { z } from 'zod';
import { SECTORS } from '../accounts/model';
import { PASSWORD_MAX_LENGTH } from '../accounts/password-policy';
import { emailField, newPasswordField } from '../accounts/schemas';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';

/** A blank string means "none": forms send empty strings, and the API may send "" or null. */
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);
/**
 * A form field left empty reads "This field is required", not "Enter at least 1 character".
 * Only an empty string counts: a password may well be made of spaces.
 */
const required = <Schema extends z.ZodType>(schema: Schema) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const nameField = z.string().trim().min(1).max(120);
const countryField = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/)
  .transform((code) => code.toUpperCase());
const cityField = z.string().trim().max(80);
/** A partner organisation's id, or the name of another organisation (as at registration). */
const organisationField = z.string().trim().max(200);
const currentPasswordField = required(z.string().max(PASSWORD_MAX_LENGTH * 4));

/**
 * `PATCH /api/v1/me`: each field optional; null (or "") clears city, organisation and sector.
 * Unknown keys are refused, so a client trying to set `email` or `roles` learns it cannot.
 */
export const profilePatchSchema = z
  .object({
    name: nameField.optional(),
    country: countryField.optional(),
    city: z.preprocess(blankToNull, cityField.nullable().optional()),
    organisation: z.preprocess(blankToNull, organisationField.nullable().optional()),
    sector: z.preprocess(blankToNull, z.enum(SECTORS).nullable().optional()),
    language: z.enum(SUPPORTED_LANGUAGES).optional(),
  })
  .strict();

export type ProfilePatch = z.output<typeof profilePatchSchema>;

/** The "Your details" form: every field is sent, and an empty optional one clears it. */
export const detailsFormSchema = z.object({
  name: required(nameField),
  country: required(countryField),
  city: z.preprocess(blankToNull, cityField.nullable()),
  organisation: z.preprocess(blankToNull, organisationField.nullable()),
  sector: z.preprocess(blankToNull, z.enum(SECTORS).nullable()),
  language: required(z.enum(SUPPORTED_LANGUAGES)),
});

export const emailChangeSchema = z.object({
  newEmail: emailField,
  emailPassword: currentPasswordField,
});

export const passwordChangeSchema = z.object({
  currentPassword: currentPasswordField,
  newPassword: required(newPasswordField),
});

export const TOKEN_LIFETIMES = ['7', '30', '90'] as const;

export const tokenFormSchema = z.object({
  tokenName: required(z.string().trim().min(1).max(100)),
  days: z.enum(TOKEN_LIFETIMES).transform(Number),
});
