import { Router } from 'express';
import { renderPage } from '../http/render';
import { LIAISE_2_COUNTRIES, LIAISE_2_PARTNERS, MODULE_SLUGS, PROGRAMME_TARGET } from '../programme';

export function homePages(): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    await renderPage(res, 'home/index', {
      title: req.t('home:title'),
      isHome: true,
      programmeTarget: PROGRAMME_TARGET,
      partners: LIAISE_2_PARTNERS,
      countries: LIAISE_2_COUNTRIES,
      topics: MODULE_SLUGS,
    });
  });
  return router;
}
