import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What the Slack stand-in answers: a status, optional headers. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

export interface SlackRequest {
  at: number;
  /** The status this request was answered with. */
  answered: number;
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
  dedupKey: string;
}

/**
 * A node:http receiver standing in for a Slack incoming webhook. It answers the current reply (200 unless
 * switched), or the next queued one-shot reply; `hold()` parks requests until released. Every request is
 * recorded with its body and the status it got.
 */
export class SlackReceiver {
  readonly requests: SlackRequest[] = [];
  /** Dedup keys of requests as they arrive (before any hold), answered or not. */
  readonly arrivals: string[] = [];
  private reply: Reply = { status: 200 };
  private readonly queued: Reply[] = [];
  private held?: Promise<void>;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SlackReceiver> {
    // eslint-disable-next-line prefer-const -- assigned once the server that calls into it exists
    let receiver!: SlackReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void receiver.handle(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    receiver = new SlackReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/test`);
    return receiver;
  }

  private async handle(headers: IncomingHttpHeaders, text: string, res: import('node:http').ServerResponse): Promise<void> {
    let body: Record<string, any>;
    try {
      body = JSON.parse(text);
    } catch {
      body = { unparsable: text };
    }
    this.arrivals.push(String(body.tracker_dedup_key ?? ''));
    if (this.held) await this.held;
    const reply = this.queued.shift() ?? this.reply;
    this.requests.push({ at: Date.now(), answered: reply.status, body, headers, dedupKey: String(body.tracker_dedup_key ?? '') });
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
    res.end(reply.status < 300 ? 'ok' : 'failure');
  }

  /** Answer every request with this from now on. */
  respond(status: number, headers?: Record<string, string>): void {
    this.reply = { status, headers };
  }

  /** Answer the next requests with these, one each, before falling back to `respond`'s reply. */
  queue(...replies: Reply[]): void {
    this.queued.push(...replies);
  }

  /** Parks requests until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  for(dedupKey: string): SlackRequest[] {
    return this.requests.filter((r) => r.dedupKey === dedupKey);
  }

  /** Successful deliveries per dedup key. */
  deliveredCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.requests) if (r.answered < 300) counts.set(r.dedupKey, (counts.get(r.dedupKey) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Map<string, string>;
  subject: string;
  messageId: string;
  text: string;
}

/** An in-process SMTP server (smtp-server) that accepts everything and records the parsed messages. */
export class MailSink {
  readonly messages: ReceivedMail[] = [];
  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<MailSink> {
    // eslint-disable-next-line prefer-const -- assigned once the server that calls into it exists
    let sink!: MailSink;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          sink.messages.push(
            parseMail(
              Buffer.concat(chunks).toString('utf8'),
              from,
              session.envelope.rcptTo.map((r) => r.address),
            ),
          );
          callback();
        });
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    sink = new MailSink(server, `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`);
    return sink;
  }

  byMessageId(messageId: string): ReceivedMail[] {
    return this.messages.filter((m) => m.messageId === messageId);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Just enough MIME for single-part text mail: unfolded headers, RFC 2047 words, quoted-printable or base64. */
function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(body);
  else if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return {
    from,
    to,
    headers,
    subject: headers.get('subject') ?? '',
    messageId: headers.get('message-id') ?? '',
    text: body.replace(/\r\n/g, '\n'),
  };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
