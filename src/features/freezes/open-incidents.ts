import { Injectable } from '@nestjs/common';
import { TrackerEventsService } from '../tracker-events';

/** An open incident as deployability names it. */
export interface OpenIncident {
  id: string;
  title: string;
}

/**
 * The question deployability asks about incidents (DEPLOY_BLOCK_ON_OPEN_INCIDENT=on): the open incidents of a
 * service in an environment. A port, so the incidents feature can answer it once it exists; until then the
 * tracker events answer it (type 4 events whose status is neither Close nor Done).
 */
export abstract class OpenIncidents {
  abstract of(service: string, environment: number): Promise<OpenIncident[]>;
}

/** At most this many incidents are named in one answer. */
const MAX_NAMED = 20;

@Injectable()
export class TrackerEventOpenIncidents extends OpenIncidents {
  constructor(private readonly events: TrackerEventsService) {
    super();
  }

  async of(service: string, environment: number): Promise<OpenIncident[]> {
    const rows = await this.events.openIncidents(service, environment, MAX_NAMED);
    return rows.map((r) => ({ id: r._id.toHexString(), title: r.title }));
  }
}
