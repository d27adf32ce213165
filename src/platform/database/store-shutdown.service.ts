import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { StoreLocator } from './store-locator.service';

/** Closes the connection, then stops the embedded store: after HTTP and gRPC have drained. */
@Injectable()
export class StoreShutdown implements OnApplicationShutdown {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly locator: StoreLocator,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close().catch(() => undefined);
    await this.locator.stopEmbedded();
  }
}
