import type { TFunction } from 'i18next';
import type { AccountStatus, Role } from '../accounts/model';
import { formatPercent } from '../i18n/format';
import type { AuditEventView } from '../audit/service';

/** What the pages need to name things in the reader's language. */
export interface Labels {
  t: TFunction;
  lang: string;
  countryNames: Map<string, string>;
}

export function roleLabel(t: TFunction, role: Role): string {
  return t(`users:roles.${role}`);
}

export function statusLabel(t: TFunction, status: AccountStatus): string {
  return t(`users:status.${status}`);
}

function list(labels: Labels, items: string[]): string {
  return new Intl.ListFormat(labels.lang, { type: 'conjunction' }).format(items);
}

export function rolesText(labels: Labels, roles: Role[]): string {
  return roles.length > 0 ? list(labels, roles.map((role) => roleLabel(labels.t, role))) : labels.t('users:audit.nothing');
}

export function scopeText(labels: Labels, countries: string[]): string {
  return countries.length > 0 ? list(labels, countries.map((code) => labels.countryNames.get(code) ?? code)) : labels.t('users:scope-all');
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** One recorded value in words: roles and statuses translated, countries named. */
function valueText(labels: Labels, field: string, value: unknown): string {
  switch (field) {
    case 'roles':
      return rolesText(labels, strings(value) as Role[]);
    case 'scopeCountries':
      return scopeText(labels, strings(value));
    case 'status':
      return statusLabel(labels.t, value as AccountStatus);
    case 'country':
      return labels.countryNames.get(String(value)) ?? String(value ?? '');
    // The programme settings (attendance/settings-change.ts).
    case 'countingStatuses':
      return list(labels, strings(value).map((status) => labels.t(`attendance:status.${status}`)));
    case 'requiredShare':
      return formatPercent(Number(value), labels.lang);
    default:
      return String(value ?? '');
  }
}

/** The known fields of audit records; anything else is shown under its own name. */
const FIELD_KEYS: Record<string, string> = {
  email: 'users:fields.email',
  name: 'users:fields.name',
  roles: 'users:fields.roles',
  country: 'users:fields.country',
  scopeCountries: 'users:fields.scope',
  status: 'users:fields.status',
  target: 'settings:audit.target',
  countingStatuses: 'settings:audit.countingStatuses',
  requiredShare: 'settings:audit.requiredShare',
};

/** "Roles: Trainer → Trainer and Coordinator", one line per changed field. */
export function describeChanges(labels: Labels, event: Pick<AuditEventView, 'before' | 'after'>): string[] {
  const fields = [...new Set([...Object.keys(event.before), ...Object.keys(event.after)])];
  return fields.map((field) => {
    const name = FIELD_KEYS[field] ? labels.t(FIELD_KEYS[field]) : field;
    const after = valueText(labels, field, event.after[field]);
    if (!(field in event.before)) return labels.t('users:audit.value', { field: name, value: after });
    return labels.t('users:audit.change', { field: name, before: valueText(labels, field, event.before[field]), after });
  });
}

export interface EventRow {
  at: Date;
  actor: string;
  action: string;
  /** Only an account's row links to it; the programme settings have their own page. */
  targetHref: string;
  targetId: string;
  targetLabel: string;
  changes: string[];
}

export function eventRow(labels: Labels, event: AuditEventView): EventRow {
  return {
    at: event.at,
    actor: event.actor.type === 'user' ? labels.t('users:audit.actor', { name: event.actor.name, email: event.actor.email }) : labels.t('users:audit.system'),
    action: labels.t(`users:audit.actions.${event.action}`),
    targetHref: event.target.type === 'user' ? `/admin/users/${event.target.id}` : '/admin/programme',
    targetId: event.target.id,
    targetLabel: event.target.type === 'user' ? event.target.label : labels.t('settings:title'),
    changes: describeChanges(labels, event),
  };
}
