import type { Request } from 'express';
import { isSupportedLanguage } from './languages';

/** A signed-in person's preferred language, once accounts exist (`req.user.language`). */
export const userPreferenceDetector = {
  name: 'userPreference',
  lookup(req: Request): string | undefined {
    const language = (req as Request & { user?: { language?: unknown } }).user?.language;
    return isSupportedLanguage(language) ? language : undefined;
  },
};
