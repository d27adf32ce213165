import { AttemptOutcome } from '../delivery/retry-policy';

export const CHANNEL_NAMES = ['slack', 'email'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** What a channel delivers: a tracker event, already labelled for people, plus its dedup key. */
export interface NotificationMessage {
  /** Stable per (event, channel, trigger): a receiver seeing it twice knows it is the same delivery. */
  dedupKey: string;
  eventId: string;
  /** Why this went out, e.g. "created" or "status changed: Start -> Success". */
  trigger: string;
  title: string;
  service: string;
  environment?: string;
  status?: string;
  priority?: string;
  message?: string;
  owner?: string;
  links: Record<string, string>;
  /** Extra recipients for channels that address people (email stakeholders). */
  recipients?: string[];
}

export interface NotificationChannel {
  readonly name: ChannelName;
  /** Unconfigured channels are recorded as skipped, not failed. */
  isConfigured(): boolean;
  send(message: NotificationMessage): Promise<AttemptOutcome>;
}

/** One line that says what happened, shared by every channel's subject/summary. */
export function headline(m: NotificationMessage): string {
  const facts = [m.environment, m.status, m.priority].filter(Boolean).join(' · ');
  return `${m.title} (${m.service}${facts ? ` · ${facts}` : ''})`;
}

/** The body lines every channel shows, in order. */
export function detailLines(m: NotificationMessage): [string, string][] {
  const lines: [string, string][] = [
    ['Service', m.service],
    ['Environment', m.environment ?? ''],
    ['Status', m.status ?? ''],
    ['Priority', m.priority ?? ''],
    ['Owner', m.owner ?? ''],
    ['Why', m.trigger],
  ];
  for (const [name, value] of Object.entries(m.links)) lines.push([name, value]);
  return lines.filter(([, v]) => v !== '');
}
