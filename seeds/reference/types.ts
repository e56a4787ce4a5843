// Reference-data types for LIAISE Learning seeds.
// Facts: /work/shared/docs/programme.md (taken from efus-liaise-source.txt).

export type LanguageCode = 'en' | 'fr' | 'nl' | 'de' | 'cs' | 'es' | 'ca' | 'el' | 'it' | 'pt' | 'sv';

export type Phase = 'liaise-1' | 'liaise-2';

export type OrganisationType = 'city' | 'region' | 'national-forum' | 'ngo' | 'other';

export interface CountrySeed {
  /** ISO 3166-1 alpha-2: GR for Greece, GB for the United Kingdom. */
  code: string;
  /** Code in EU style: EL for Greece; GB is kept as GB, as in the source text. Otherwise equal to `code`. */
  euCode: string;
  languages: LanguageCode[];
}

export interface CitySeed {
  /** Stable slug '<cc>-<name>', lower-case ASCII, e.g. 'be-brussels'. */
  id: string;
  /** ISO 3166-1 alpha-2 code of a CountrySeed. */
  country: string;
  /** Endonym, as its own people write it. */
  name: string;
  /** Exonyms where they differ from `name` or are conventional; always includes 'en'. */
  names: Partial<Record<LanguageCode, string>>;
  partner: boolean;
  phases: Phase[];
}

export interface OrganisationSeed {
  /** Stable slug. */
  id: string;
  type: OrganisationType;
  /** Official name as the organisation itself writes it, in its own language. */
  name: string;
  /** Always 'en'; other languages where well established. */
  names: Partial<Record<LanguageCode, string>>;
  /** ISO 3166-1 alpha-2 code of a CountrySeed. */
  country: string;
  /** A CitySeed id, only when the seat is certain. */
  city?: string;
  phases: Phase[];
  role: 'lead' | 'partner' | 'associated';
}
