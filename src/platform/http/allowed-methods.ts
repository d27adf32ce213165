import { RequestMapping, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { MethodNotAllowedError } from '../errors/domain-errors';

/** The methods a path can be asked for, in the order an Allow header lists them. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof METHODS)[number];

/** Method-level paths as one key: `@Get()`, `@Get('/')` and `@Get('')` are the same path. */
function pathKey(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/**
 * The methods each method-level path of a controller declares, read from its handlers' route metadata (the
 * prototype chain, as Nest reads it). A handler on several paths counts for each.
 */
export function declaredMethods(prototype: object): Map<string, Set<HttpMethod>> {
  const byPath = new Map<string, Set<HttpMethod>>();
  const seen = new Set<string>();
  for (let p: object | null = prototype; p && p !== Object.prototype; p = Reflect.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (seen.has(name) || name === 'constructor') continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(p, name);
      if (typeof descriptor?.value !== 'function') continue;
      const handler = descriptor.value as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const verb = RequestMethod[method] as HttpMethod;
      if (!METHODS.includes(verb))
        throw new Error(`@OnlyDeclaredMethods: ${name} is mapped to ${RequestMethod[method]}, which leaves no method to refuse`);
      for (const path of ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined) ?? '/')) {
        const key = pathKey(path);
        byPath.set(key, (byPath.get(key) ?? new Set()).add(verb));
      }
    }
  }
  return byPath;
}

/** A path's allowed methods: the declared ones and HEAD with GET (Fastify answers HEAD from the GET route). */
export function allowedMethods(declared: ReadonlySet<HttpMethod>): HttpMethod[] {
  return METHODS.filter((m) => declared.has(m) || (m === 'HEAD' && declared.has('GET')));
}

/**
 * Every path the controller serves answers only the methods its handlers declare; any other method (of GET,
 * HEAD, POST, PUT, PATCH, DELETE, OPTIONS) answers 405 (problems/69 on Astra routes) with the exact `Allow`
 * header, e.g. `GET, HEAD, POST`.
 *
 * Fastify has no catch-all method beside real ones on a path, and knows nothing of the path when it answers
 * 404, so this adds a real route for each missing method: one generated handler per path and method, which
 * throws MethodNotAllowedError. The router matches them like any route (never the URL's text), and they run
 * the global guards and the one error filter, which writes the problem and `Allow`. They carry no auth of
 * their own: who may learn which methods exist is whoever asks. Keep auth guards on the handlers, not on the
 * controller, or they would guard the 405s too.
 *
 * A class decorator runs after its methods' decorators, so every handler's route is known here; the Allow
 * values derive from them and cannot drift from the routes.
 */
export function OnlyDeclaredMethods(): ClassDecorator {
  return (target) => {
    const prototype = target.prototype as object;
    for (const [path, declared] of declaredMethods(prototype)) {
      if (declared.has('HEAD') && !declared.has('GET')) throw new Error(`@OnlyDeclaredMethods: /${path} declares HEAD without GET`);
      const allowed = allowedMethods(declared);
      const allow = allowed.join(', ');
      // Never HEAD: Fastify derives it from the GET route, the declared one (allowed) or the generated one (405).
      for (const verb of METHODS.filter((m) => !allowed.includes(m) && m !== 'HEAD')) {
        const name = `${verb} /${path} (405)`;
        const descriptor: PropertyDescriptor = {
          value: function methodNotAllowed(): never {
            throw new MethodNotAllowedError(allow);
          },
          writable: true,
          configurable: true,
        };
        Object.defineProperty(prototype, name, descriptor);
        RequestMapping({ path: `/${path}`, method: RequestMethod[verb] })(prototype, name, descriptor);
        ApiExcludeEndpoint()(prototype, name, descriptor);
      }
    }
  };
}
