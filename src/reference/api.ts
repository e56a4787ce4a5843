import { Router } from 'express';
import { z } from 'zod';
import { readerLanguage } from '../i18n/middleware';
import { pageOf, paginationQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { ORGANISATION_TYPES } from './model';
import { listCities, listCountries, listOrganisations } from './service';

const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/)
  .transform((code) => code.toUpperCase());

const languageQuery = z.object({ lang: z.string().optional() });
export const citiesQuery = paginationQuery.extend({ country: countryCode.optional() }).extend(languageQuery.shape);
export const organisationsQuery = paginationQuery
  .extend({ country: countryCode.optional(), type: z.enum(ORGANISATION_TYPES).optional() })
  .extend(languageQuery.shape);
export const countriesQuery = paginationQuery.extend(languageQuery.shape);

export function referenceApi(): Router {
  const router = Router();

  router.get('/countries', async (req, res) => {
    const query = parseInput(req, countriesQuery, req.query);
    const lang = readerLanguage(req);
    res.json({ ...pageOf(await listCountries(lang), query), lang });
  });

  router.get('/cities', async (req, res) => {
    const query = parseInput(req, citiesQuery, req.query);
    const lang = readerLanguage(req);
    res.json({ ...pageOf(await listCities({ country: query.country }, lang), query), lang });
  });

  router.get('/organisations', async (req, res) => {
    const query = parseInput(req, organisationsQuery, req.query);
    const lang = readerLanguage(req);
    res.json({ ...pageOf(await listOrganisations({ country: query.country, type: query.type }, lang), query), lang });
  });

  return router;
}
