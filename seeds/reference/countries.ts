// The 11 partner countries of LIAISE 2 (BE, CZ, DE, ES, EL, FR, GB, IT, NL, PT, SE).
// `code` is ISO 3166-1 alpha-2 (GR, GB); `euCode` is the EU-style code (EL for Greece;
// GB kept as written in the source text).
import type { CountrySeed } from './types';

export const countries: CountrySeed[] = [
  { code: 'BE', euCode: 'BE', languages: ['fr', 'nl', 'de'] },
  { code: 'CZ', euCode: 'CZ', languages: ['cs'] },
  { code: 'DE', euCode: 'DE', languages: ['de'] },
  { code: 'ES', euCode: 'ES', languages: ['es', 'ca'] },
  { code: 'GR', euCode: 'EL', languages: ['el'] },
  { code: 'FR', euCode: 'FR', languages: ['fr'] },
  { code: 'GB', euCode: 'GB', languages: ['en'] },
  { code: 'IT', euCode: 'IT', languages: ['it'] },
  { code: 'NL', euCode: 'NL', languages: ['nl'] },
  { code: 'PT', euCode: 'PT', languages: ['pt'] },
  { code: 'SE', euCode: 'SE', languages: ['sv'] },
];
