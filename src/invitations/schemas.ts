/** The API's answers about invitations, described for the OpenAPI document (src/openapi). */
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../http/pagination';

const id = z.string().regex(/^[a-f\d]{24}$/);
const instant = z.iso.datetime({ offset: true });

/** `POST /sessions/{id}/enrolments` when the person was invited rather than enrolled. */
export const invitationSentSchema = z.strictObject({
  status: z.literal('invited'),
  invitationId: id,
  expiresAt: instant.meta({ description: 'Until when the person can accept: the enrolment deadline.' }),
});

export const invitationListSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      id,
      contact: z.string().meta({ description: 'What the inviter typed: an email address or an account id. Nothing of the account is shown before the person accepts.' }),
      name: z.string().nullable().meta({ description: 'A name typed with it (a CSV row).' }),
      status: z.enum(['pending', 'declined', 'expired']),
      invitedBy: z.string(),
      invitedAt: instant,
      expiresAt: instant,
    }),
  ),
  total: z.number().int().min(0).meta({ description: 'How many items match, on all pages.' }),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE),
});
