/**
 * Facts of the LIAISE programme (docs: shared/docs/programme.md) that the product shows before
 * any data exists. The target becomes an admin setting with the attendance work.
 */
export const PROGRAMME_TARGET = 200;

/** The six training modules, in the order the programme presents them. */
export const MODULE_SLUGS = [
  'awareness',
  'local-strategy',
  'disengagement',
  'counter-narratives',
  'family-support',
  'schools',
] as const;

/** LIAISE 2 (2016–2018): 28 partner institutions from 11 countries. */
export const LIAISE_2_PARTNERS = 28;
export const LIAISE_2_COUNTRIES = 11;
