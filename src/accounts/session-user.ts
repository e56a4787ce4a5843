import type { Language } from '../i18n/languages';
import type { AccountStatus, Role, UserDocument } from './model';

/** What a request knows about the person making it (from the session or an API token). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  language: Language;
  status: AccountStatus;
  emailVerified: boolean;
  scopeCountries: string[];
  sessionEpoch: number;
  twoFactorEnabled: boolean;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends SessionUser {}
  }
}

export function toSessionUser(user: Pick<UserDocument, '_id' | 'email' | 'name' | 'roles' | 'language' | 'status' | 'emailVerifiedAt' | 'scopeCountries' | 'sessionEpoch' | 'twoFactor'>): SessionUser {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    roles: user.roles,
    language: user.language,
    status: user.status,
    emailVerified: Boolean(user.emailVerifiedAt),
    scopeCountries: user.scopeCountries ?? [],
    sessionEpoch: user.sessionEpoch ?? 0,
    twoFactorEnabled: Boolean(user.twoFactor?.enabledAt),
  };
}
