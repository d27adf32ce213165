import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '../../../platform/tracing/spans';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../../../platform/config/app-config.service';
import { AttemptOutcome } from '../delivery/retry-policy';
import { detailLines, headline, NotificationChannel, NotificationMessage } from './channel';

/** The Message-ID is the dedup key, so a mail client or archive can spot a repeated delivery. */
export function emailMessageId(dedupKey: string): string {
  return `<${dedupKey.replace(/[^A-Za-z0-9._-]/g, '.')}@tracker>`;
}

export function emailContent(m: NotificationMessage): { subject: string; text: string } {
  const lines = detailLines(m).map(([name, value]) => `${name}: ${value}`);
  const text = [m.title, '', ...(m.message ? [m.message, ''] : []), ...lines, '', `Tracker event ${m.eventId}`].join('\n');
  return { subject: `[Tracker] ${headline(m)}`, text };
}

/** SMTP via nodemailer: 4xx replies and connection errors retry; 5xx replies are permanent. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnModuleDestroy {
  readonly name = 'email' as const;
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  isConfigured(): boolean {
    return Boolean(this.config.email.smtpUrl) && this.config.email.to.length > 0;
  }

  private transporter(): Transporter {
    this.transport ??= createTransport(this.config.email.smtpUrl, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    return this.transport;
  }

  async send(message: NotificationMessage): Promise<AttemptOutcome> {
    if (!this.isConfigured()) return { ok: false, retryable: false, error: 'SMTP_URL or EMAIL_TO is not set' };
    const to = [...new Set([...this.config.email.to, ...(message.recipients ?? [])])];
    const { subject, text } = emailContent(message);
    try {
      const mail = {
        from: this.config.email.from,
        to,
        subject,
        text,
        messageId: emailMessageId(message.dedupKey),
        headers: { 'X-Tracker-Dedup-Key': message.dedupKey },
      };
      // nodemailer has no OpenTelemetry instrumentation: the send is a client span of its own (tracing on).
      const info = (await inSpan('smtp send', SpanKind.CLIENT, { 'network.protocol.name': 'smtp' }, () =>
        this.transporter().sendMail(mail),
      )) as { response?: unknown };
      return { ok: true, detail: typeof info.response === 'string' ? info.response : 'sent' };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      const error = `SMTP ${code ?? ''} ${(err as Error).message}`.trim();
      return { ok: false, retryable: code === undefined || code < 500, error };
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
