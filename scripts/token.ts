/**
 * Prints a dev bearer token signed with AUTH_JWT_SECRET (from .env or the environment, via readEnv):
 *   npm run token -- --user <uuid> --account <uuid> --role <viewer|member|admin|owner> [--expires <seconds>]
 *                    [--tracker-role <reader|writer|admin>]
 * `--account` and `--role` may be repeated in pairs for several accounts; with `--tracker-role` (the
 * `tracker_role` claim, see TRACKER_ROLE_CLAIM) they may be left out for a tracker-only token. Without
 * --expires the token has no `exp` (Astra API tokens never expire).
 */
import { randomUUID } from 'node:crypto';
import { isAstraIdentifier, isRole, isTrackerRole, Role, signToken, TrackerRole } from '../src/auth';
import { readEnv } from '../src/platform/config/read-env';

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

function parse(argv: string[]): { user: string; accounts: Record<string, Role>; expires?: number; trackerRole?: TrackerRole } {
  const accounts: string[] = [];
  const roles: string[] = [];
  let user: string | undefined;
  let expires: number | undefined;
  let trackerRole: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--user') user = value;
    else if (flag === '--account') accounts.push(value);
    else if (flag === '--role') roles.push(value);
    else if (flag === '--expires') expires = Number(value);
    else if (flag === '--tracker-role') trackerRole = value;
    else fail(`unknown option ${flag} (use --user, --account, --role, --expires, --tracker-role)`);
  }
  user ??= randomUUID();
  if (!isAstraIdentifier(user)) fail(`--user ${String(user)} is not a lowercase UUID`);
  if (trackerRole !== undefined && !isTrackerRole(trackerRole)) fail(`--tracker-role ${trackerRole} must be reader, writer or admin`);
  if (accounts.length === 0 && trackerRole === undefined) fail('give at least one --account <uuid> --role <role>, or a --tracker-role');
  if (roles.length !== accounts.length) fail('give one --role per --account');
  const map: Record<string, Role> = {};
  accounts.forEach((account, i) => {
    if (!isAstraIdentifier(account)) fail(`--account ${String(account)} is not a lowercase UUID`);
    if (!isRole(roles[i])) fail(`--role ${roles[i]} must be viewer, member, admin or owner`);
    map[account] = roles[i];
  });
  if (expires !== undefined && !(Number.isInteger(expires) && expires > 0)) fail('--expires must be a positive number of seconds');
  return { user, accounts: map, expires, ...(trackerRole ? { trackerRole } : {}) };
}

const args = parse(process.argv.slice(2));
let secret: string | undefined;
try {
  secret = readEnv().AUTH_JWT_SECRET;
} catch (err) {
  fail((err as Error).message);
}
if (!secret) fail('AUTH_JWT_SECRET is not set (in .env or the environment)');
void signToken({ userId: args.user, accounts: args.accounts, trackerRole: args.trackerRole }, secret, {
  expiresInSeconds: args.expires,
}).then((token) => process.stdout.write(`${token}\n`));
