/**
 * The drain time: how long SIGTERM or SIGINT may take (HTTP and gRPC drain, then the store stops) before the
 * process gives up and exits 1. A process manager's stop timeout should be longer.
 */
export const SHUTDOWN_DEADLINE_MS = 9000;
