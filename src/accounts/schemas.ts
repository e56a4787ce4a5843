import { z } from 'zod';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import { SECTORS } from './model';
import { PASSWORD_MAX_LENGTH } from './password-policy';

/** Trimmed text; an empty field counts as absent (forms send empty strings). */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.string().trim().max(max).optional());

export const emailField = z.string().trim().toLowerCase().pipe(z.email().max(254));

/** Length and commonness are checked by the password policy, with the person's details. */
export const newPasswordField = z.string().min(1).max(PASSWORD_MAX_LENGTH * 4);

/** Registration, shared by the form and `POST /api/v1/auth/register`. */
export const registrationSchema = z.object({
  email: emailField,
  password: newPasswordField,
  name: z.string().trim().min(1).max(120),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/)
    .transform((code) => code.toUpperCase()),
  city: optionalText(80),
  /** A partner organisation's id, or the name of another organisation. */
  organisation: optionalText(200),
  sector: z.preprocess((value) => (value === '' ? undefined : value), z.enum(SECTORS).optional()),
  language: z.preprocess((value) => (value === '' ? undefined : value), z.enum(SUPPORTED_LANGUAGES).optional()),
  /** The web form's checkbox ("on") or the API's boolean. */
  consent: z.preprocess((value) => value === 'on' || value === true || value === 'true', z.boolean()).optional(),
});

export type RegistrationInput = z.output<typeof registrationSchema>;

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
});
