import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../platform/config/app-config.service';
import { AttemptOutcome, parseRetryAfter } from '../delivery/retry-policy';
import { detailLines, headline, NotificationChannel, NotificationMessage } from './channel';

const TIMEOUT_MS = 10_000;

/** Builds the incoming-webhook payload: a plain-text fallback plus blocks; the dedup key travels in it. */
export function slackPayload(m: NotificationMessage): Record<string, unknown> {
  const fields = detailLines(m).map(([name, value]) => ({ type: 'mrkdwn', text: `*${name}*\n${value}` }));
  return {
    text: headline(m),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
      ...(m.message ? [{ type: 'section', text: { type: 'plain_text', text: m.message.slice(0, 3000) } }] : []),
      // Slack allows at most 10 fields per section.
      ...chunk(fields, 10).map((group) => ({ type: 'section', fields: group })),
      { type: 'context', elements: [{ type: 'mrkdwn', text: `tracker event ${m.eventId} · dedup ${m.dedupKey}` }] },
    ],
    tracker_dedup_key: m.dedupKey,
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Slack incoming webhook: 2xx delivered; 429 and 5xx and network errors retry; other 4xx are permanent. */
@Injectable()
export class SlackChannel implements NotificationChannel {
  readonly name = 'slack' as const;

  constructor(private readonly config: AppConfig) {}

  isConfigured(): boolean {
    return Boolean(this.config.slack.webhookUrl);
  }

  async send(message: NotificationMessage): Promise<AttemptOutcome> {
    const url = this.config.slack.webhookUrl;
    if (!url) return { ok: false, retryable: false, error: 'SLACK_WEBHOOK_URL is not set' };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tracker-dedup-key': message.dedupKey },
        body: JSON.stringify(slackPayload(message)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { ok: false, retryable: true, error: `network: ${(err as Error).message}` };
    }
    const body = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { ok: true, detail: `HTTP ${res.status}` };
    const error = `HTTP ${res.status}${body ? `: ${body}` : ''}`;
    if (res.status === 429) return { ok: false, retryable: true, error, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
    return { ok: false, retryable: res.status >= 500 || res.status === 408, error };
  }
}
