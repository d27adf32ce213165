import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.service';
import { EmbeddedFerretDb } from './ferretdb/embedded-ferretdb';
import { ensureFerretDbBinary } from './ferretdb/ferretdb-binary';

const EMBEDDED_DATABASE = 'tracker';

/**
 * Decides where the store is: `MONGODB_URI` when set, otherwise an embedded FerretDB (SQLite) under
 * DATA_DIR that this process starts, supervises and stops.
 */
@Injectable()
export class StoreLocator {
  private readonly logger = new Logger(StoreLocator.name);
  private embedded?: EmbeddedFerretDb;

  constructor(private readonly config: AppConfig) {}

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async resolveUri(): Promise<string> {
    const { uri, dataDir, ferretdbBin } = this.config.store;
    if (uri) return uri;
    const bin = ensureFerretDbBinary(ferretdbBin, (msg) => this.logger.log(msg));
    this.embedded = new EmbeddedFerretDb({
      binPath: bin,
      dataDir: join(dataDir, 'ferretdb'),
      supervise: true,
      log: (msg, extra) => this.logger.warn({ ...extra }, msg),
    });
    await this.embedded.start();
    this.logger.log({ port: this.embedded.port, dataDir }, 'embedded FerretDB started');
    return this.embedded.uri(EMBEDDED_DATABASE);
  }

  async stopEmbedded(): Promise<void> {
    await this.embedded?.stop();
  }
}
