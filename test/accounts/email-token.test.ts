import mongoose from 'mongoose';
import { consumeEmailToken, issueEmailToken } from '../../src/accounts/email-token';
import { useTestDatabase } from '../support/database';

useTestDatabase(__filename);

describe('emailed links', () => {
  it('work once, even when several clicks arrive at the same moment', async () => {
    const userId = new mongoose.Types.ObjectId();
    const secret = await issueEmailToken(userId, 'reset-password');
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => consumeEmailToken(secret, 'reset-password')));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await consumeEmailToken(secret, 'reset-password')).toBeUndefined();
  });

  it('stop working when a newer link of the same purpose is sent, and are bound to their purpose', async () => {
    const userId = new mongoose.Types.ObjectId();
    const first = await issueEmailToken(userId, 'verify-email');
    const second = await issueEmailToken(userId, 'verify-email');
    expect(await consumeEmailToken(first, 'verify-email')).toBeUndefined();
    expect(await consumeEmailToken(second, 'reset-password')).toBeUndefined();
    expect(await consumeEmailToken(second, 'verify-email')).toMatchObject({ purpose: 'verify-email' });
  });
});
