import { Injectable } from '@nestjs/common';
import { ChannelName, NotificationChannel } from './channel';
import { EmailChannel } from './email.channel';
import { SlackChannel } from './slack.channel';

/** The delivery channels by name. */
@Injectable()
export class ChannelRegistry {
  private readonly channels: Map<string, NotificationChannel>;

  constructor(slack: SlackChannel, email: EmailChannel) {
    this.channels = new Map<string, NotificationChannel>([slack, email].map((c) => [c.name, c]));
  }

  get(name: string): NotificationChannel | undefined {
    return this.channels.get(name);
  }

  isConfigured(name: ChannelName): boolean {
    return this.channels.get(name)?.isConfigured() ?? false;
  }
}
