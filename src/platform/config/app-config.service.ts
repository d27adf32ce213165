import { resolve } from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { EnvironmentVariables } from './env.schema';

/** OIDC sign-in (AUTH_ISSUER and friends); see docs/security.md. */
export interface OidcSettings {
  /** the exact `iss` tokens must carry */
  issuer: string;
  /** the JWKS; undefined: discovered from the issuer's metadata */
  jwksUrl?: string;
  /** a token's `aud` must name one of these */
  audiences: string[];
  clockSkewSeconds: number;
  accountsClaim: string;
  groupsClaim: string;
  groupsPrefix: string;
  jwksCooldownSeconds: number;
}

export interface AuthSettings {
  /** HS256 secret (AUTH_JWT_SECRET) */
  jwtSecret?: string;
  trackerAuthRequired: boolean;
  /** the claim (or dotted path) naming a token's tracker role */
  trackerRoleClaim: string;
  /** the tracker role of a valid token that names none (the roles are src/auth/tracker-roles.ts' TrackerRole) */
  trackerDefaultRole: EnvironmentVariables['TRACKER_DEFAULT_ROLE'];
  /** set when AUTH_ISSUER is */
  oidc?: OidcSettings;
}

/** Typed access to the validated configuration; feature code reads settings only through this. */
export class AppConfig {
  constructor(private readonly env: EnvironmentVariables) {}

  get http() {
    return { port: this.env.HTTP_PORT, host: this.env.HTTP_HOST, hstsMaxAge: this.env.HTTP_HSTS_MAX_AGE };
  }
  get grpc() {
    return { port: this.env.GRPC_PORT, host: this.env.GRPC_HOST };
  }
  get store() {
    return {
      uri: this.env.MONGODB_URI,
      dataDir: resolve(this.env.DATA_DIR),
      // The binary belongs to the checkout (built from tools/ferretdb), wherever the service is started from.
      ferretdbBin: resolve(REPO_ROOT, this.env.FERRETDB_BIN),
      envelope: this.env.EMBEDDED_STORE_ENVELOPE,
    };
  }
  get auth(): AuthSettings {
    const env = this.env;
    return {
      jwtSecret: env.AUTH_JWT_SECRET,
      trackerAuthRequired: env.TRACKER_AUTH === 'required',
      trackerRoleClaim: env.TRACKER_ROLE_CLAIM,
      trackerDefaultRole: env.TRACKER_DEFAULT_ROLE,
      oidc:
        env.AUTH_ISSUER === undefined
          ? undefined
          : {
              issuer: env.AUTH_ISSUER,
              jwksUrl: env.AUTH_JWKS_URL,
              audiences: (env.AUTH_AUDIENCE ?? '').split(',').filter((a) => a.length > 0),
              clockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
              accountsClaim: env.AUTH_ACCOUNTS_CLAIM,
              groupsClaim: env.AUTH_GROUPS_CLAIM,
              groupsPrefix: env.AUTH_GROUPS_PREFIX,
              jwksCooldownSeconds: env.AUTH_JWKS_COOLDOWN_SECONDS,
            },
    };
  }
  get scans() {
    return { maxInFlight: this.env.SCAN_MAX_IN_FLIGHT, maxInFlightPerCaller: this.env.SCAN_MAX_IN_FLIGHT_PER_CALLER };
  }
  get slack() {
    return { webhookUrl: this.env.SLACK_WEBHOOK_URL };
  }
  get email() {
    const to = (this.env.EMAIL_TO ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    return { smtpUrl: this.env.SMTP_URL, from: this.env.EMAIL_FROM, to };
  }
  get notify() {
    return {
      retryScheduleMs: this.env.NOTIFY_RETRY_SCHEDULE.split(',').map((s) => Math.round(Number(s) * 1000)),
      pollMs: this.env.NOTIFY_POLL_MS,
      leaseMs: this.env.NOTIFY_LEASE_MS,
    };
  }
  get ttlSweepMs() {
    return this.env.TTL_SWEEP_MS;
  }
  /**
   * The CI/CD intake: the GitHub webhook secret, the environment names (lower-cased) -> tracker environment, and
   * how long delivery receipts are kept.
   */
  get intake() {
    const environments = new Map<string, number>();
    for (const pair of this.env.INGEST_ENVIRONMENTS.split(',')) {
      const at = pair.lastIndexOf('=');
      environments.set(pair.slice(0, at).trim().toLowerCase(), Number(pair.slice(at + 1).trim()));
    }
    return {
      githubWebhookSecret: this.env.GITHUB_WEBHOOK_SECRET,
      gitlabWebhookToken: this.env.GITLAB_WEBHOOK_TOKEN,
      fluxWebhookSecret: this.env.FLUX_WEBHOOK_SECRET,
      fluxAllowUnsigned: this.env.FLUX_ALLOW_UNSIGNED === 'true',
      fluxEnvironment: this.env.FLUX_ENVIRONMENT,
      argocdWebhookToken: this.env.ARGOCD_WEBHOOK_TOKEN,
      environments,
      receiptRetentionMs: this.env.INTAKE_RECEIPT_RETENTION_DAYS * 86_400_000,
    };
  }
  /**
   * The incident intake (PagerDuty, Alertmanager and Grafana webhooks): secrets, the PagerDuty service name
   * (lower-cased) -> tracker service table, and how alerts are read.
   */
  get incidentIntake() {
    const services = new Map<string, string>();
    for (const pair of (this.env.INCIDENT_SERVICES ?? '').split(',').filter((p) => p.includes('='))) {
      const at = pair.indexOf('=');
      services.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
    }
    return {
      pagerdutyWebhookSecret: this.env.PAGERDUTY_WEBHOOK_SECRET,
      alertmanagerWebhookToken: this.env.ALERTMANAGER_WEBHOOK_TOKEN,
      alertmanagerServiceLabel: this.env.ALERTMANAGER_SERVICE_LABEL,
      alertmanagerMinSeverity: this.env.ALERTMANAGER_MIN_SEVERITY,
      services,
      environment: this.env.INCIDENT_ENVIRONMENT,
    };
  }
  get live() {
    return {
      busUrl: this.env.EVENT_BUS_URL,
      retentionMs: this.env.STREAM_RETENTION_HOURS * 3_600_000,
      maxStreamsPerCaller: this.env.STREAMS_MAX_PER_CALLER,
    };
  }
  /** Who may scrape /metrics (a static token, besides verified tokens) and how many service labels it shows. */
  get metrics() {
    return { token: this.env.METRICS_TOKEN, maxServices: this.env.METRICS_MAX_SERVICES };
  }
  get doraMetricsRefreshMs() {
    return this.env.DORA_METRICS_REFRESH_MS;
  }
  /** Suspected causes of incidents: how far back they are looked for, and whether DORA counts them. */
  get incidents() {
    return { causeWindowMinutes: this.env.INCIDENT_CAUSE_WINDOW_MINUTES, doraSuspectedCauses: this.env.DORA_SUSPECTED_CAUSES === 'on' };
  }
  get autoLock() {
    return { enabled: this.env.AUTO_LOCK === 'on', ttlSeconds: this.env.AUTO_LOCK_TTL_SECONDS };
  }
  /** Change freezes: whether they refuse deployments, and whether an open incident blocks too (docs/freezes.md). */
  get freezes() {
    return { enforce: this.env.FREEZE_ENFORCE === 'on', blockOnOpenIncident: this.env.DEPLOY_BLOCK_ON_OPEN_INCIDENT === 'on' };
  }

  get mcp() {
    return { writeTools: this.env.MCP_WRITE_TOOLS === 'on', issuer: this.env.AUTH_ISSUER };
  }
  get locksMaxActivePerCaller() {
    return this.env.LOCKS_MAX_ACTIVE_PER_CALLER;
  }
  get ui() {
    // The console is built into the checkout (web/dist), wherever the service is started from.
    return { enabled: this.env.UI_ENABLED === 'true', root: resolve(REPO_ROOT, 'web', 'dist') };
  }
}
