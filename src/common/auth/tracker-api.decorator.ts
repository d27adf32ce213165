import { SetMetadata } from '@nestjs/common';

export const TRACKER_API = 'tracker:api';

/**
 * Marks a controller (or one handler) as part of the tracker API: with TRACKER_AUTH=required its routes and
 * gRPC methods need a valid bearer token. The guard reads this from the matched route, so how a request line
 * is spelled cannot move a call out of the tracker API.
 */
export const TrackerApi = () => SetMetadata(TRACKER_API, true);

/**
 * Marks one handler of a @TrackerApi() controller that authenticates its caller by other means (a webhook
 * signed with a shared secret, verified by the handler): TRACKER_AUTH=required does not ask it for a bearer
 * token. The guard reads the handler's mark before the controller's, so only this handler is concerned.
 */
export const AuthenticatedBySignature = () => SetMetadata(TRACKER_API, false);
