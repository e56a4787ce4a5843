/**
 * Password policy for new and changed passwords (OWASP ASVS 5.0 V6.2, NIST SP 800-63B §3.1.1.2).
 *
 * - Length is counted in Unicode code points after NFC normalisation, so "é" typed as one
 *   precomposed character or as "e" + combining accent counts once, and an emoji counts once
 *   (not as its two UTF-16 units). At least 12, at most 128 (NIST: allow at least 64).
 * - No composition rules (no "one digit, one capital"), no periodic expiry: NIST and ASVS advise
 *   against them. Any printable character, spaces and emoji included, is allowed.
 * - Refused when it is one of the most common passwords (case-insensitive), or when it contains
 *   the account's email local part or whole name (4 characters or more, case-insensitive).
 *
 * The common-password list is the `passwords-common` dictionary of the npm package
 * `@zxcvbn-ts/language-common` (MIT licence; 4.1.3 when this was written; maintained, the
 * dictionary of the zxcvbn-ts strength estimator). It holds 49,233 passwords, already lower-cased,
 * ASCII, ranked by frequency in Mark Burnett's public-domain "10 million passwords" corpus
 * (xato.net, 2015), each seen more than 10 times there. zxcvbn-ts left out the entries its
 * pattern matchers (keyboard walks, repeats, sequences, dates) guess faster than their rank, so a
 * few keyboard walks such as "qwertyuiopas" are not in it. It is a runtime dependency rather than
 * a generated seeds/*.txt file: it ships as a compressed JS module (~380 kB) that needs no build
 * step, and the production image copies node_modules/ but not seeds/ text files (tsc emits only
 * code into dist/).
 *
 * Because the minimum length is checked first, only the list's 308 entries of 12 or more
 * characters can change the answer today (for example "password1234", "qwerty123456",
 * "1qaz2wsx3edc", "administrator"). The whole list is still checked, so that lowering the
 * minimum (or reusing isCommonPassword elsewhere) keeps the protection.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldError } from '../http/errors';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** Shorter email local parts and names are too likely to occur by chance ("anna", "li"). */
const PERSONAL_MIN_LENGTH = 4;

export type PasswordProblem = 'too-short' | 'too-long' | 'too-common' | 'contains-personal';

export interface PasswordContext {
  email?: string;
  name?: string;
}

let common: ReadonlySet<string> | undefined;

/** The common-password list as a Set of NFC, lower-cased entries; built on first use. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((entry) => fold(entry)));
  return common;
}

/** True when the password, ignoring case, is on the common-password list. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(fold(password));
}

/** Length in Unicode code points after NFC normalisation: the length the policy speaks of. */
export function passwordLength(password: string): number {
  let count = 0;
  // Iterating a string walks code points, so a surrogate pair (emoji) counts once.
  for (const _ of password.normalize('NFC')) count += 1;
  return count;
}

/**
 * The first problem found with a new password, or null when it is acceptable. Checked in this
 * order: too-short, too-long, too-common, contains-personal.
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordProblem | null {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return 'too-short';
  if (length > PASSWORD_MAX_LENGTH) return 'too-long';
  const folded = fold(password);
  if (commonPasswords().has(folded)) return 'too-common';
  if (personalWords(context).some((word) => folded.includes(word))) return 'contains-personal';
  return null;
}

/**
 * The password policy as form errors: none, or one on `path` naming the problem in the reader's
 * language (`accounts:password-problem.*`). Every form that sets a password uses this.
 */
export function passwordFieldErrors(password: string, context: PasswordContext, path = 'password'): FieldError[] {
  const problem = checkPassword(password, context);
  return problem ? [{ path, key: `accounts:password-problem.${problem}`, values: { minimum: PASSWORD_MIN_LENGTH } }] : [];
}

/** NFC then lower case: the form in which passwords and personal words are compared. */
function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/**
 * The email local part (and, for "jane.doe+liaise", also "jane.doe") and the whole name,
 * folded, keeping those of at least PERSONAL_MIN_LENGTH code points.
 */
function personalWords({ email, name }: PasswordContext): string[] {
  const words: string[] = [];
  if (email) {
    const at = email.lastIndexOf('@');
    const local = fold((at === -1 ? email : email.slice(0, at)).trim());
    words.push(local);
    const plus = local.indexOf('+');
    if (plus > 0) words.push(local.slice(0, plus));
  }
  if (name) words.push(fold(name.trim().replace(/\s+/g, ' ')));
  return words.filter((word) => passwordLength(word) >= PERSONAL_MIN_LENGTH);
}
