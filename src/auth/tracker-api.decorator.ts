import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiProblems, TRACKER_SECURITY } from '../platform/openapi/api-docs';
import type { TrackerRole } from './tracker-roles';

export const TRACKER_API = 'tracker:api';
export const TRACKER_ROLE = 'tracker:role';

/**
 * Marks a controller (or one handler) as part of the tracker API: with TRACKER_AUTH=required its routes and
 * gRPC methods need a valid bearer token, and each handler the tracker role its `@RequireTrackerRole()` names. The
 * guard reads this from the matched route, so how a request line is spelled cannot move a call out of the
 * tracker API. In the OpenAPI document: the `tracker_bearer` scheme (optional unless TRACKER_AUTH=required)
 * and the 401 and 403 it can answer.
 */
export const TrackerApi = () =>
  applyDecorators(
    SetMetadata(TRACKER_API, true),
    ApiBearerAuth(TRACKER_SECURITY),
    ApiProblems({
      401: 'Only with TRACKER_AUTH=required: no bearer token (urn:tracker:problems:unauthenticated) or an invalid one (invalid-token)',
      403: "Only with TRACKER_AUTH=required: the token's tracker role is below the operation's `x-tracker-role` (urn:tracker:problems:forbidden, `requiredRole` names it)",
    }),
  );

/**
 * The lowest tracker role a handler of a `@TrackerApi()` controller needs with TRACKER_AUTH=required (reader <
 * writer < admin). Every such handler names one: the guard refuses to boot otherwise, and refuses a call to a
 * handler without one. Shown in the OpenAPI document as the operation's `x-tracker-role`.
 */
export const RequireTrackerRole = (role: TrackerRole) =>
  applyDecorators(SetMetadata(TRACKER_ROLE, role), ApiExtension('x-tracker-role', role));

/**
 * Marks one handler of a @TrackerApi() controller that authenticates its caller by other means (a webhook
 * signed with a shared secret, verified by the handler): TRACKER_AUTH=required does not ask it for a bearer
 * token. The guard reads the handler's mark before the controller's, so only this handler is concerned.
 */
export const AuthenticatedBySignature = () => SetMetadata(TRACKER_API, false);
