// Organisations of the LIAISE programme (Efus).
//
// LIAISE (2014-2016): Efus (lead), 10 city authorities, the Institute for Strategic Dialogue and
// ufuq.de as partners; cultures interactive e.V. and the Belgian Forum associated.
//
// LIAISE 2 (2016-2018): 28 partner institutions from 11 countries. NOTE: the source text counts
// them as "17 cities, three regions, four national Forums and four thematic NGOs", but its own
// named list is 20 cities, 2 regions, 4 national forums and 2 thematic organisations (also 28).
// The named list is what is seeded; the discrepancy stays in this comment, not in the UI.
// Efus, the lead, is not one of the 28 partner institutions.
//
// Conventions:
// - ids are stable lower-case ASCII slugs; city authorities are 'city-of-<city slug>' whatever
//   their English name ('Municipality of ...', '... City Council').
// - `name` is the official name in the organisation's own language; `names` always has 'en'.
// - `city` is set only where the seat is certain.
// - Apostrophes are the plain ASCII apostrophe (').
import type { OrganisationSeed } from './types';

export const organisations: OrganisationSeed[] = [
  // --- Lead ----------------------------------------------------------------------------------
  {
    id: 'efus',
    type: 'other',
    name: 'Forum européen pour la sécurité urbaine',
    names: { en: 'European Forum for Urban Security' },
    country: 'FR',
    city: 'fr-paris',
    phases: ['liaise-1', 'liaise-2'],
    role: 'lead',
  },

  // --- City authorities (LIAISE 2: 20; Montreuil: LIAISE only) -------------------------------
  {
    id: 'city-of-augsburg',
    type: 'city',
    name: 'Stadt Augsburg',
    names: { en: 'City of Augsburg' },
    country: 'DE',
    city: 'de-augsburg',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-alexandroupoli',
    type: 'city',
    name: 'Δήμος Αλεξανδρούπολης',
    names: { en: 'Municipality of Alexandroupoli' },
    country: 'GR',
    city: 'gr-alexandroupoli',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-bagneux',
    type: 'city',
    name: 'Ville de Bagneux',
    names: { en: 'City of Bagneux' },
    country: 'FR',
    city: 'fr-bagneux',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-bologna',
    type: 'city',
    name: 'Comune di Bologna',
    names: { en: 'Municipality of Bologna' },
    country: 'IT',
    city: 'it-bologna',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-bordeaux',
    type: 'city',
    name: 'Ville de Bordeaux',
    names: { en: 'City of Bordeaux' },
    country: 'FR',
    city: 'fr-bordeaux',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-brno',
    type: 'city',
    name: 'Statutární město Brno',
    names: { en: 'Statutory City of Brno' },
    country: 'CZ',
    city: 'cz-brno',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    // The source only says "Brussels"; taken to be the City of Brussels (the municipality).
    id: 'city-of-brussels',
    type: 'city',
    name: 'Ville de Bruxelles',
    names: { en: 'City of Brussels', nl: 'Stad Brussel' },
    country: 'BE',
    city: 'be-brussels',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-dusseldorf',
    type: 'city',
    name: 'Landeshauptstadt Düsseldorf',
    names: { en: 'City of Düsseldorf' },
    country: 'DE',
    city: 'de-dusseldorf',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-essen',
    type: 'city',
    name: 'Stadt Essen',
    names: { en: 'City of Essen' },
    country: 'DE',
    city: 'de-essen',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-lhospitalet-de-llobregat',
    type: 'city',
    name: "Ajuntament de L'Hospitalet de Llobregat",
    names: { en: "L'Hospitalet de Llobregat City Council", es: "Ayuntamiento de L'Hospitalet de Llobregat" },
    country: 'ES',
    city: 'es-lhospitalet-de-llobregat',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-liege',
    type: 'city',
    name: 'Ville de Liège',
    names: { en: 'City of Liège' },
    country: 'BE',
    city: 'be-liege',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-malmo',
    type: 'city',
    name: 'Malmö stad',
    names: { en: 'City of Malmö' },
    country: 'SE',
    city: 'se-malmo',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-montreuil',
    type: 'city',
    name: 'Ville de Montreuil',
    names: { en: 'City of Montreuil' },
    country: 'FR',
    city: 'fr-montreuil',
    phases: ['liaise-1'],
    role: 'partner',
  },
  {
    id: 'city-of-paris',
    type: 'city',
    name: 'Ville de Paris',
    names: { en: 'City of Paris' },
    country: 'FR',
    city: 'fr-paris',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-reggio-emilia',
    type: 'city',
    name: 'Comune di Reggio Emilia',
    names: { en: 'Municipality of Reggio Emilia' },
    country: 'IT',
    city: 'it-reggio-emilia',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-rotterdam',
    type: 'city',
    name: 'Gemeente Rotterdam',
    names: { en: 'Municipality of Rotterdam' },
    country: 'NL',
    city: 'nl-rotterdam',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-sarcelles',
    type: 'city',
    name: 'Ville de Sarcelles',
    names: { en: 'City of Sarcelles' },
    country: 'FR',
    city: 'fr-sarcelles',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-setubal',
    type: 'city',
    name: 'Câmara Municipal de Setúbal',
    names: { en: 'Municipality of Setúbal' },
    country: 'PT',
    city: 'pt-setubal',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-the-hague',
    type: 'city',
    name: 'Gemeente Den Haag',
    names: { en: 'Municipality of The Hague' },
    country: 'NL',
    city: 'nl-the-hague',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    // The city presents itself as "Mairie de Toulouse" (jointly with Toulouse Métropole).
    id: 'city-of-toulouse',
    type: 'city',
    name: 'Mairie de Toulouse',
    names: { en: 'City of Toulouse' },
    country: 'FR',
    city: 'fr-toulouse',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'city-of-vilvoorde',
    type: 'city',
    name: 'Stad Vilvoorde',
    names: { en: 'City of Vilvoorde' },
    country: 'BE',
    city: 'be-vilvoorde',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },

  // --- Regions (LIAISE 2) --------------------------------------------------------------------
  {
    id: 'free-state-of-bavaria',
    type: 'region',
    name: 'Freistaat Bayern',
    names: { en: 'Free State of Bavaria' },
    country: 'DE',
    city: 'de-munich',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'generalitat-de-catalunya',
    type: 'region',
    name: 'Generalitat de Catalunya',
    names: { en: 'Government of Catalonia', es: 'Generalitat de Cataluña' },
    country: 'ES',
    city: 'es-barcelona',
    phases: ['liaise-2'],
    role: 'partner',
  },

  // --- National forums for urban security (LIAISE 2) -----------------------------------------
  {
    // Partner in LIAISE 2, but only *associated* in LIAISE (phase 1). A single `role` cannot
    // carry per-phase roles, so it is seeded as 'partner' with both phases.
    id: 'fbpsu',
    type: 'national-forum',
    name: 'Forum Belge pour la Prévention et la Sécurité Urbaine',
    names: {
      en: 'Belgian Forum for Prevention and Urban Security',
      nl: 'Belgisch Forum voor Preventie en Veiligheid in de Steden',
    },
    country: 'BE',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    id: 'ffsu',
    type: 'national-forum',
    name: 'Forum Français pour la Sécurité Urbaine',
    names: { en: 'French Forum for Urban Security' },
    country: 'FR',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'defus',
    type: 'national-forum',
    name: 'Deutsch-Europäisches Forum für Urbane Sicherheit e.V.',
    names: { en: 'German-European Forum for Urban Security' },
    country: 'DE',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'fisu',
    type: 'national-forum',
    name: 'Forum Italiano per la Sicurezza Urbana',
    names: { en: 'Italian Forum for Urban Security' },
    country: 'IT',
    phases: ['liaise-2'],
    role: 'partner',
  },

  // --- Thematic organisations / NGOs ---------------------------------------------------------
  {
    // Registered association (Ufuq e.V.); writes its own name 'ufuq.de'.
    id: 'ufuq',
    type: 'ngo',
    name: 'ufuq.de',
    names: { en: 'ufuq.de' },
    country: 'DE',
    city: 'de-berlin',
    phases: ['liaise-1', 'liaise-2'],
    role: 'partner',
  },
  {
    // Association under Dutch law; English is its official name (formerly Conférence
    // Permanente Européenne de la Probation).
    id: 'cep',
    type: 'ngo',
    name: 'Confederation of European Probation',
    names: { en: 'Confederation of European Probation' },
    country: 'NL',
    city: 'nl-utrecht',
    phases: ['liaise-2'],
    role: 'partner',
  },
  {
    id: 'isd',
    type: 'ngo',
    name: 'Institute for Strategic Dialogue',
    names: { en: 'Institute for Strategic Dialogue' },
    country: 'GB',
    city: 'gb-london',
    phases: ['liaise-1'],
    role: 'partner',
  },
  {
    // The source writes "Cultures Interactives"; the association writes 'cultures interactive e.V.'.
    id: 'cultures-interactive',
    type: 'ngo',
    name: 'cultures interactive e.V.',
    names: { en: 'cultures interactive e.V.' },
    country: 'DE',
    city: 'de-berlin',
    phases: ['liaise-1'],
    role: 'associated',
  },
];
