import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../src/platform/repo-root';

/*
 * The events guide's curl and grpcurl examples, copied verbatim (the Tracker events guide this service implements). Tests run
 * them through a real shell with only the addresses (and, where the guide shows one, the example id) swapped.
 */

const EXAMPLE_ID = '507f1f77bcf86cd799439011';
const GRPCURL = join(REPO_ROOT, '.bin', 'grpcurl');
// Async: the app under test runs in this process, a blocking child would starve it.
const run = promisify(execFile);

export const CURL = {
  create: `curl -X POST http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "title": "Deploy user-service v2.1.0 to production",
    "attributes": {
      "message": "Deployed via GitHub Actions",
      "type": 1,
      "priority": 2,
      "service": "user-service",
      "status": 3,
      "environment": 7,
      "owner": "platform-team"
    },
    "links": {
      "pullRequestLink": "https://github.com/org/repo/pull/123",
      "ticket": "PROJ-456"
    }
  }'`,
  update: `curl -X PUT http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "id": "507f1f77bcf86cd799439011",
    "title": "Deploy user-service v2.1.0 to production",
    "attributes": {
      "status": 3,
      "endDate": "2024-01-15T10:05:00Z"
    }
  }'`,
  get: 'curl http://localhost:8080/api/v1alpha1/event/507f1f77bcf86cd799439011',
  delete: 'curl -X DELETE http://localhost:8080/api/v1alpha1/event/507f1f77bcf86cd799439011',
  listPage1: 'curl "http://localhost:8080/api/v1alpha1/events/list?per_page=10&page=1"',
  listPage2: 'curl "http://localhost:8080/api/v1alpha1/events/list?per_page=10&page=2"',
  searchHeader: 'curl "http://localhost:8080/api/v1alpha1/events/search?priority=1&service=user-service&start_date=2024-01-01"',
  searchP1Incidents: 'curl "http://localhost:8080/api/v1alpha1/events/search?priority=1&type=4"',
  searchProdDeployments: 'curl "http://localhost:8080/api/v1alpha1/events/search?type=1&environment=7"',
  searchService: 'curl "http://localhost:8080/api/v1alpha1/events/search?service=user-service"',
  searchRange: 'curl "http://localhost:8080/api/v1alpha1/events/search?start_date=2024-01-01&end_date=2024-01-31"',
  today: 'curl "http://localhost:8080/api/v1alpha1/events/today"',
  trackDeployment: `curl -X POST http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "title": "Deploy API v3.2.0 to production",
    "attributes": {
      "message": "New features: user preferences, dark mode",
      "type": 1,
      "priority": 2,
      "service": "api-service",
      "status": 3,
      "environment": 7,
      "owner": "backend-team",
      "startDate": "2024-01-15T14:00:00Z",
      "endDate": "2024-01-15T14:10:00Z"
    },
    "links": {
      "pullRequestLink": "https://github.com/org/api/pull/234",
      "ticket": "FEAT-789"
    }
  }'`,
  reportIncident: `curl -X POST http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "title": "Database connection pool exhausted",
    "attributes": {
      "message": "High traffic caused connection pool saturation",
      "type": 4,
      "priority": 1,
      "service": "database",
      "status": 7,
      "environment": 7,
      "impact": 3,
      "owner": "ops-team",
      "stakeHolders": ["backend-team", "frontend-team"]
    },
    "links": {
      "ticket": "INC-456"
    }
  }'`,
  trackDrift: `curl -X POST http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "title": "Terraform drift detected in VPC configuration",
    "attributes": {
      "message": "Manual changes detected in security group rules",
      "type": 3,
      "priority": 3,
      "service": "infrastructure",
      "status": 7,
      "environment": 7,
      "owner": "platform-team"
    }
  }'`,
  monitorRpa: `curl -X POST http://localhost:8080/api/v1alpha1/event \\
  -H "Content-Type: application/json" \\
  -d '{
    "title": "Invoice processing automation completed",
    "attributes": {
      "message": "Processed 250 invoices in 15 minutes",
      "type": 5,
      "priority": 1,
      "service": "invoice-automation",
      "status": 3,
      "startDate": "2024-01-15T09:00:00Z",
      "endDate": "2024-01-15T09:15:00Z"
    }
  }'`,
};

/** The GitHub Actions step's body with the expressions GitHub would substitute (pull_request_link may be ""). */
export function githubActionsCurl(values: { repository: string; refName: string; actor: string; prUrl: string }): string {
  return `curl -X POST http://localhost:8080/api/v1alpha1/event \\
      -H "Content-Type: application/json" \\
      -d '{
        "title": "Deploy ${values.repository} ${values.refName}",
        "attributes": {
          "type": 1,
          "service": "${values.repository}",
          "status": 3,
          "environment": 7,
          "owner": "${values.actor}"
        },
        "links": {
          "pullRequestLink": "${values.prUrl}"
        }
      }'`;
}

/** The Jenkins post-success step as the shell receives it after Groovy interpolates JOB_NAME and BUILD_NUMBER. */
export function jenkinsCurl(jobName: string, buildNumber: number): string {
  return `curl -X POST \${TRACKER_URL}/api/v1alpha1/event \\
              -H 'Content-Type: application/json' \\
              -d '{
                "title": "Deploy ${jobName} #${buildNumber}",
                "attributes": {
                  "type": 1,
                  "service": "${jobName}",
                  "status": 3,
                  "environment": 7
                }
              }'`;
}

export const GRPCURL_EXAMPLES = {
  create: `grpcurl --plaintext -d '{
  "title": "Deploy user-service v2.1.0",
  "attributes": {
    "message": "Deployed via GitHub Actions",
    "type": "1",
    "priority": "2",
    "service": "user-service",
    "status": "3",
    "environment": "7",
    "start_date": "2024-01-15T10:00:00Z",
    "end_date": "2024-01-15T10:05:00Z"
  },
  "links": {
    "pull_request_link": "https://github.com/org/repo/pull/123"
  }
}' localhost:8765 tracker.event.v1alpha1.EventService/CreateEvent`,
  list: 'grpcurl --plaintext localhost:8765 tracker.event.v1alpha1.EventService/ListEvents',
  get: `grpcurl --plaintext -d '{
  "id": "507f1f77bcf86cd799439011"
}' localhost:8765 tracker.event.v1alpha1.EventService/GetEvent`,
  searchPriority: `grpcurl --plaintext -d '{
  "priority": "1"
}' localhost:8765 tracker.event.v1alpha1.EventService/SearchEvents`,
  searchRange: `grpcurl --plaintext -d '{
  "start_date": "2024-01-01",
  "end_date": "2024-01-31"
}' localhost:8765 tracker.event.v1alpha1.EventService/SearchEvents`,
};

export interface ShellResult<T = any> {
  status: number;
  body: T;
}

/** Runs a guide curl command against the test app; -s/-w only add the status line to the output. */
export async function runCurl<T = any>(command: string, target: { http: string; id?: string }): Promise<ShellResult<T>> {
  let line = command.replaceAll('http://localhost:8080', target.http);
  if (target.id) line = line.replaceAll(EXAMPLE_ID, target.id);
  const { stdout } = await run('bash', ['-c', `${line} -s -w '\\n%{http_code}'`], { env: { ...process.env, TRACKER_URL: target.http } });
  const cut = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, cut);
  return { status: Number(stdout.slice(cut + 1)), body: text ? JSON.parse(text) : undefined };
}

/** Runs a guide grpcurl command with the built grpcurl binary against the test app's gRPC port. */
export async function runGrpcurl<T = any>(command: string, target: { grpc: string; id?: string }): Promise<T> {
  let line = command.replace(/^grpcurl /, `${GRPCURL} `).replaceAll('localhost:8765', target.grpc);
  if (target.id) line = line.replaceAll(EXAMPLE_ID, target.id);
  const { stdout } = await run('bash', ['-c', line]);
  return JSON.parse(stdout) as T;
}

/** Like runGrpcurl, but expects a failure and returns grpcurl's error output (code and message). */
export async function runGrpcurlError(command: string, target: { grpc: string }): Promise<string> {
  const line = command.replace(/^grpcurl /, `${GRPCURL} `).replaceAll('localhost:8765', target.grpc);
  try {
    await run('bash', ['-c', line]);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error('grpcurl call succeeded, a failure was expected');
}
