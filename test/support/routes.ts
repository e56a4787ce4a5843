import type { Express } from 'express';

interface Layer {
  rawPath?: string;
  slash?: boolean;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/**
 * Every route the app answers, as "METHOD /path" (Express 5 path syntax), found by walking the
 * real router: mounted routers are followed with their mount paths. A route added anywhere
 * shows up here, which is what lets the authorisation matrix insist on an entry for each.
 */
export function listRoutes(app: Express): string[] {
  const routes = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${joinPath(prefix, path)}`);
          }
        }
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, layer.slash || !layer.rawPath ? prefix : joinPath(prefix, layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...routes].sort();
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
