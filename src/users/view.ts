import type { AccountStatus, Role, UserDocument } from '../accounts/model';

/** One account as the administration pages and `GET /api/v1/users` show it. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  status: AccountStatus;
  country: string | null;
  city: string | null;
  organisation: string | null;
  scopeCountries: string[];
  emailVerified: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
}

export function toUserView(user: UserDocument): UserView {
  return {
    id: String(user._id),
    email: user.email,
    name: user.name,
    roles: user.roles,
    status: user.status,
    country: user.country ?? null,
    city: user.city ?? null,
    organisation: user.organisationName ?? null,
    scopeCountries: user.scopeCountries ?? [],
    emailVerified: Boolean(user.emailVerifiedAt),
    createdAt: user.createdAt,
    lastSignInAt: user.lastSignInAt ?? null,
  };
}

/** The API's shape: the same fields, times as ISO 8601. */
export function serialiseUser(user: UserView) {
  return {
    ...user,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt ? user.lastSignInAt.toISOString() : null,
  };
}
