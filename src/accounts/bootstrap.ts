import type { Logger } from '../logger';
import { User } from './model';
import { hashPassword } from './passwords';

/**
 * ADMIN_EMAIL / ADMIN_PASSWORD: the first administrator of a new installation. Created only
 * while no administrator exists, so a later change of the variables never resets anyone's
 * password; an existing account with that email is promoted rather than duplicated.
 */
export async function ensureBootstrapAdmin(admin: { email: string; password: string }, log: Logger): Promise<void> {
  if (await User.exists({ roles: 'admin' })) return;
  const email = admin.email.toLowerCase();
  const existing = await User.findOne({ email });
  if (existing) {
    await User.updateOne({ _id: existing._id }, { $addToSet: { roles: 'admin' } });
    log.info(`gave the administrator role to the existing account ${email}`);
    return;
  }
  await User.create({
    email,
    name: 'Administrator',
    passwordHash: await hashPassword(admin.password),
    roles: ['admin'],
    emailVerifiedAt: new Date(),
  });
  log.info(`created the administrator account ${email} (from ADMIN_EMAIL)`);
}
