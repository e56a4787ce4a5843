import mongoose, { Schema } from 'mongoose';
import { invalidatesCache } from '../cache/shared-cache';
import { SUPPORTED_LANGUAGES } from '../i18n/languages';
import type { LanguageCode, OrganisationType, Phase } from '../../seeds/reference/types';

export const ORGANISATION_TYPES = ['city', 'region', 'national-forum', 'ngo', 'other'] as const satisfies readonly OrganisationType[];
export const PHASES = ['liaise-1', 'liaise-2'] as const satisfies readonly Phase[];

export type LocalisedNames = Partial<Record<LanguageCode, string>>;

/** One optional string per language; a sub-document, never a Map keyed by user input. */
const namesSchema = new Schema<LocalisedNames>(
  Object.fromEntries(SUPPORTED_LANGUAGES.map((lng) => [lng, { type: String }])),
  { _id: false },
);

export interface CountryDocument {
  _id: string;
  euCode: string;
  languages: LanguageCode[];
}

export interface CityDocument {
  _id: string;
  country: string;
  name: string;
  names: LocalisedNames;
  partner: boolean;
  phases: Phase[];
}

export interface OrganisationDocument {
  _id: string;
  type: OrganisationType;
  name: string;
  names: LocalisedNames;
  country: string;
  city?: string;
  phases: Phase[];
  role: 'lead' | 'partner' | 'associated';
}

// Reference ids are stable slugs and ISO codes, so links and seeds survive a re-install.
const countrySchema = new Schema<CountryDocument>(
  {
    _id: { type: String, required: true },
    euCode: { type: String, required: true },
    languages: [{ type: String, enum: SUPPORTED_LANGUAGES }],
  },
  { versionKey: false },
);

const citySchema = new Schema<CityDocument>(
  {
    _id: { type: String, required: true },
    country: { type: String, required: true, index: true },
    name: { type: String, required: true },
    names: { type: namesSchema, default: {} },
    partner: { type: Boolean, required: true },
    phases: [{ type: String, enum: PHASES }],
  },
  { versionKey: false },
);

const organisationSchema = new Schema<OrganisationDocument>(
  {
    _id: { type: String, required: true },
    type: { type: String, enum: ORGANISATION_TYPES, required: true },
    name: { type: String, required: true },
    names: { type: namesSchema, default: {} },
    country: { type: String, required: true },
    city: { type: String },
    phases: [{ type: String, enum: PHASES }],
    role: { type: String, enum: ['lead', 'partner', 'associated'], required: true },
  },
  { versionKey: false },
);
organisationSchema.index({ country: 1, type: 1 });
// Read from memory (service.ts): any write drops that copy.
for (const schema of [countrySchema, citySchema, organisationSchema]) invalidatesCache(schema as Schema, 'reference');

export const Country = mongoose.model<CountryDocument>('Country', countrySchema);
export const City = mongoose.model<CityDocument>('City', citySchema);
export const Organisation = mongoose.model<OrganisationDocument>('Organisation', organisationSchema);
