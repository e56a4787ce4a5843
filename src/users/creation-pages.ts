import { type Request, type Response, Router } from 'express';
import { grantableRoles, visibleCountries } from '../accounts/policy';
import type { AccountsContext } from '../accounts/service';
import { type AppError, ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom, keptFormValues, type ShownFieldError, toFieldErrors } from '../http/validate';
import { LANGUAGE_AUTONYMS, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { countryLabels, listOf, requestIdOf } from './page-helpers';
import { roleLabel } from './present';
import { staffCreationSchema } from './schemas';
import { createUserByStaff } from './service';

const TEXT_FIELDS = ['name', 'email', 'country', 'language'];

interface CreationForm {
  values: Record<string, string | undefined>;
  roles: string[];
  errors: ShownFieldError[];
}

async function renderNew(req: Request, res: Response, form: CreationForm, status = 200) {
  const actor = req.user!;
  const roles = grantableRoles(actor);
  if (roles.length === 0) throw new ForbiddenError();
  const { options } = await countryLabels(req);
  const countries = visibleCountries(actor);
  await renderPage(
    res,
    'users/new',
    {
      title: req.t('users:new.title'),
      ...form,
      roleOptions: roles.map((role) => ({ value: role, label: roleLabel(req.t, role) })),
      countryOptions: countries ? options.filter((option) => countries.includes(option.value)) : options,
      languageOptions: SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_AUTONYMS[code] })),
    },
    status,
  );
}

/** /admin/users/new: an administrator or coordinator creates an account for someone. */
export function userCreationPages(context: AccountsContext): Router {
  const router = Router();

  router.get('/admin/users/new', async (req, res) => {
    await renderNew(req, res, { values: {}, roles: ['stakeholder'], errors: [] });
  });

  router.post('/admin/users/new', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = { values: keptFormValues(body, TEXT_FIELDS), roles: listOf(body.roles), errors: [] };
    // Only the fields this form has go to the schema, so `_csrf` and anything else stays out.
    const parsed = staffCreationSchema.safeParse({ ...form.values, password: body.password, roles: form.roles });
    if (!parsed.success) return renderNew(req, res, { ...form, errors: toFieldErrors(parsed.error.issues, req.t) }, 400);
    try {
      const { user, invitationSent } = await createUserByStaff(context, req.user, parsed.data, { requestId: requestIdOf(req) });
      const done = invitationSent === undefined ? 'created' : invitationSent ? 'invited' : 'invitation-failed';
      res.redirect(303, `/admin/users/${user.id}?done=${done}`);
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      await renderNew(req, res, { ...form, errors }, (error as AppError).status);
    }
  });

  return router;
}
