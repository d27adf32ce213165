import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems, TRACKER_SECURITY } from '../openapi/api-docs';

export const TRACKER_API = 'tracker:api';

/**
 * Marks a controller (or one handler) as part of the tracker API: with TRACKER_AUTH=required its routes and
 * gRPC methods need a valid bearer token. The guard reads this from the matched route, so how a request line
 * is spelled cannot move a call out of the tracker API. In the OpenAPI document: the `tracker_bearer` scheme
 * (optional unless TRACKER_AUTH=required) and the 401 it can answer.
 */
export const TrackerApi = () =>
  applyDecorators(
    SetMetadata(TRACKER_API, true),
    ApiBearerAuth(TRACKER_SECURITY),
    ApiProblems({
      401: 'Only with TRACKER_AUTH=required: no bearer token (urn:tracker:problems:unauthenticated) or an invalid one (invalid-token)',
    }),
  );

/**
 * Marks one handler of a @TrackerApi() controller that authenticates its caller by other means (a webhook
 * signed with a shared secret, verified by the handler): TRACKER_AUTH=required does not ask it for a bearer
 * token. The guard reads the handler's mark before the controller's, so only this handler is concerned.
 */
export const AuthenticatedBySignature = () => SetMetadata(TRACKER_API, false);
