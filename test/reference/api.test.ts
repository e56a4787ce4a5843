import request from 'supertest';
import type { Express } from 'express';
import { City, Country, Organisation } from '../../src/reference/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database());
});

async function snapshot() {
  const [countries, cities, organisations] = await Promise.all([
    Country.find().sort({ _id: 1 }).lean(),
    City.find().sort({ _id: 1 }).lean(),
    Organisation.find().sort({ _id: 1 }).lean(),
  ]);
  return { countries, cities, organisations };
}

describe('reference data seed', () => {
  it('running it again changes nothing, and says so', async () => {
    const before = await snapshot();
    const report = await seedReferenceData();
    expect(report.countries).toEqual({ inserted: 0, updated: 0, unchanged: 11 });
    expect(report.cities.inserted + report.cities.updated).toBe(0);
    expect(report.organisations.inserted + report.organisations.updated).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('restores a seeded record that was damaged, leaving others alone', async () => {
    await City.updateOne({ _id: 'be-liege' }, { $set: { name: 'Liege' } });
    const report = await seedReferenceData();
    expect(report.cities.updated).toBe(1);
    expect((await City.findById('be-liege').lean())?.name).toBe('Liège');
  });
});

describe('GET /api/v1/countries', () => {
  it('lists the 11 partner countries with their languages, names in the reader language', async () => {
    const res = await request(app).get('/api/v1/countries?lang=el').expect(200);
    expect(res.body.total).toBe(11);
    expect(res.body.lang).toBe('el');
    const greece = res.body.items.find((item: { code: string }) => item.code === 'GR');
    expect(greece).toMatchObject({ code: 'GR', euCode: 'EL', name: 'Ελλάδα', languages: ['el'] });
    const belgium = res.body.items.find((item: { code: string }) => item.code === 'BE');
    expect(belgium.languages).toEqual(['fr', 'nl', 'de']);
    expect(res.body.items.map((item: { code: string }) => item.code).sort()).toEqual(
      ['BE', 'CZ', 'DE', 'ES', 'FR', 'GB', 'GR', 'IT', 'NL', 'PT', 'SE'],
    );
  });

  it('names countries in French for a French reader', async () => {
    const res = await request(app).get('/api/v1/countries').set('Accept-Language', 'fr-BE,fr;q=0.9').expect(200);
    expect(res.body.lang).toBe('fr');
    expect(res.body.items.map((item: { name: string }) => item.name)).toContain('Allemagne');
  });
});

describe('GET /api/v1/cities', () => {
  it('writes places as their own people do, and Brussels in each community language', async () => {
    const inEnglish = await request(app).get('/api/v1/cities?country=BE&lang=en').expect(200);
    const names = inEnglish.body.items.map((item: { name: string }) => item.name);
    expect(names).toEqual(expect.arrayContaining(['Brussels', 'Liège', 'Vilvoorde']));
    const inFrench = await request(app).get('/api/v1/cities?country=be&lang=fr').expect(200);
    const inDutch = await request(app).get('/api/v1/cities?country=BE&lang=nl').expect(200);
    const brussels = (body: { items: Array<{ id: string; name: string }> }) =>
      body.items.find((item) => item.id === 'be-brussels')?.name;
    expect(brussels(inFrench.body)).toBe('Bruxelles');
    expect(brussels(inDutch.body)).toBe('Brussel');
    expect(inDutch.body.items.find((item: { id: string }) => item.id === 'be-liege').name).toBe('Luik');
  });

  it('has every partner city of both phases with correct spelling', async () => {
    const res = await request(app).get('/api/v1/cities?lang=en').expect(200);
    const partners = res.body.items.filter((item: { partner: boolean }) => item.partner);
    expect(partners).toHaveLength(21);
    const localNames = partners.map((item: { localName: string }) => item.localName);
    expect(localNames).toEqual(
      expect.arrayContaining(['Düsseldorf', "L'Hospitalet de Llobregat", 'Setúbal', 'Malmö', 'Liège']),
    );
    expect(res.body.items[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), name: expect.any(String), country: expect.any(String) }),
    );
  });

  it('answers an unknown country with an empty list and a malformed one with 400', async () => {
    const empty = await request(app).get('/api/v1/cities?country=JP').expect(200);
    expect(empty.body).toMatchObject({ items: [], total: 0 });
    const bad = await request(app).get('/api/v1/cities?country=%3Cscript%3E').expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors[0].path).toBe('country');
  });
});

describe('GET /api/v1/organisations', () => {
  it('has the 28 LIAISE 2 partner institutions besides Efus, typed', async () => {
    const res = await request(app).get('/api/v1/organisations?lang=en').expect(200);
    const liaise2 = res.body.items.filter(
      (item: { phases: string[]; role: string }) => item.phases.includes('liaise-2') && item.role !== 'lead',
    );
    expect(liaise2).toHaveLength(28);
    const byType = (type: string) => liaise2.filter((item: { type: string }) => item.type === type).length;
    expect({ city: byType('city'), region: byType('region'), forum: byType('national-forum'), ngo: byType('ngo') })
      .toEqual({ city: 20, region: 2, forum: 4, ngo: 2 });
  });

  it('filters by country and type, and pages', async () => {
    const res = await request(app).get('/api/v1/organisations?country=DE&type=city&pageSize=2').expect(200);
    expect(res.body.pageSize).toBe(2);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.total).toBe(3);
    for (const item of res.body.items) expect(item).toMatchObject({ country: 'DE', type: 'city' });
  });

  it('refuses an unknown type or an oversized page with a field error', async () => {
    const res = await request(app).get('/api/v1/organisations?type=bank&pageSize=1000').expect(400);
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['pageSize', 'type']);
  });
});
