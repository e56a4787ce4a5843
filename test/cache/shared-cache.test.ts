/**
 * What every page reads but rarely changes is kept in memory (src/cache): a write on this
 * instance shows at once, a write on another instance once this one has polled the stamps
 * (every 5 s in the app; called directly here), and nothing is read from the database meanwhile.
 */
import mongoose from 'mongoose';
import { pollStamps } from '../../src/cache/shared-cache';
import { City } from '../../src/reference/model';
import { seedReferenceData } from '../../src/reference/seed';
import { listCities } from '../../src/reference/service';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

const cityIds = async () => (await listCities({ country: 'BE' }, 'en')).map((city) => city.id);
const newCity = (id: string) => ({ _id: id, name: id, country: 'BE', partner: false, phases: [], names: {} });

beforeAll(async () => {
  await seedReferenceData();
});

it('shows a change made through the model at once on this instance', async () => {
  expect(await cityIds()).not.toContain('be-test-here');
  await City.create(newCity('be-test-here'));
  expect(await cityIds()).toContain('be-test-here');
});

it('keeps serving its copy until another instance stamps a change, then reads it afresh', async () => {
  await pollStamps();
  const before = await cityIds();
  // Another instance writes the data, then stamps the change (what its invalidate() does).
  await City.collection.insertOne(newCity('be-test-elsewhere') as never);
  expect(await cityIds()).toEqual(before);
  await mongoose.connection.collection('cache_stamps').updateOne({ _id: 'reference' as never }, { $set: { stamp: 'changed elsewhere' } });
  expect(await cityIds()).toEqual(before);

  await pollStamps();
  expect(await cityIds()).toContain('be-test-elsewhere');
});
