import { Command, InvalidArgumentError } from 'commander';
import type { components } from '../../contract/api-types';
import { answer, idempotencyKey } from '../api';
import type { CliContext } from '../context';
import { print } from '../context';
import { labels, parseEnvironment, parseImpact, parsePriority, parseStatus, parseType } from '../enums';

type EventView = components['schemas']['TrackerEventView'];
type CreateBody = components['schemas']['CreateEventDto'];
type UpdateBody = components['schemas']['UpdateEventDto'];

export function eventLine(e: EventView): string {
  const a = e.attributes;
  const when = a.startDate ?? e.metadata.createdAt ?? '';
  const parts = [e.id, when, labels.type(a.type), a.status !== undefined ? labels.status(a.status) : '-'];
  parts.push(a.environment !== undefined ? labels.environment(a.environment) : '-', a.service, e.title);
  return parts.join('  ');
}

function eventDetail(e: EventView): string[] {
  const a = e.attributes;
  const rows: [string, unknown][] = [
    ['id', e.id],
    ['title', e.title],
    ['type', labels.type(a.type)],
    ['service', a.service],
    ['environment', a.environment !== undefined ? labels.environment(a.environment) : undefined],
    ['status', a.status !== undefined ? labels.status(a.status) : undefined],
    ['priority', a.priority !== undefined ? labels.priority(a.priority) : undefined],
    ['start', a.startDate],
    ['end', a.endDate],
    ['owner', a.owner],
    ['source', a.source],
    ['message', a.message],
  ];
  return rows.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k.padEnd(12)}${String(v)}`);
}

const integer = (raw: string) => {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('must be a whole number');
  return Number(raw);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The attribute flags shared by create and update, named like the API's fields. */
function attributeFlags(cmd: Command, serviceRequired: boolean): Command {
  return (
    serviceRequired ? cmd.requiredOption('--service <name>', 'attributes.service') : cmd.option('--service <name>', 'attributes.service')
  )
    .option('--type <type>', 'Deployment, Operation, Drift, Incident, RPA Usage (or 1-5)', parseType)
    .option('--environment <env>', 'Development ... Production, MCO (or 1-8)', parseEnvironment)
    .option('--status <status>', 'Start, Success, Failure, Warning, Error, Open, Close, Done (or the number)', parseStatus)
    .option('--priority <priority>', 'P1 ... P5 (or 1-5)', parsePriority)
    .option('--impact <impact>', 'Low, Medium, High (or 1-3)', parseImpact)
    .option('--message <text>', 'attributes.message')
    .option('--source <name>', 'attributes.source')
    .option('--owner <name>', 'attributes.owner')
    .option('--start-date <iso>', 'attributes.startDate (ISO 8601)')
    .option('--end-date <iso>', 'attributes.endDate (ISO 8601)')
    .option('--related-id <id>', 'attributes.relatedId')
    .option('--stake-holder <name>', 'attributes.stakeHolders (repeatable)', collect)
    .option('--pull-request-link <url>', 'links.pullRequestLink')
    .option('--ticket <key>', 'links.ticket');
}

type Attributes = components['schemas']['CreateEventAttributesDto'];

interface AttributeOptions {
  type?: Attributes['type'];
  service?: string;
  environment?: Attributes['environment'];
  status?: Attributes['status'];
  priority?: Attributes['priority'];
  impact?: Attributes['impact'];
  message?: string;
  source?: string;
  owner?: string;
  startDate?: string;
  endDate?: string;
  relatedId?: string;
  stakeHolder?: string[];
  pullRequestLink?: string;
  ticket?: string;
  title?: string;
}

function attributesOf(o: AttributeOptions) {
  const attributes = {
    type: o.type,
    service: o.service,
    environment: o.environment,
    status: o.status,
    priority: o.priority,
    impact: o.impact,
    message: o.message,
    source: o.source,
    owner: o.owner,
    startDate: o.startDate,
    endDate: o.endDate,
    relatedId: o.relatedId,
    stakeHolders: o.stakeHolder,
  };
  const links = { pullRequestLink: o.pullRequestLink, ticket: o.ticket };
  const defined = <T extends object>(x: T) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as Partial<T>;
  const l = defined(links);
  return { attributes: defined(attributes), links: Object.keys(l).length ? l : undefined };
}

export function eventCommand(context: () => CliContext): Command {
  const event = new Command('event').description('Create, update, read, list and search tracker events');

  attributeFlags(
    event
      .command('create')
      .description('Create an event (retries carry one Idempotency-Key: never a duplicate)')
      .requiredOption('--title <text>', 'title'),
    true,
  ).action(async (o: AttributeOptions & { title: string }) => {
    const ctx = context();
    const { attributes, links } = attributesOf(o);
    const body = { title: o.title, attributes: { type: 1, source: 'tracker-cli', ...attributes }, links } as CreateBody;
    const created = await answer(
      ctx.api.POST('/api/v1alpha1/event', { body, params: { header: { 'Idempotency-Key': idempotencyKey() } } }),
      'create event',
    );
    print(ctx, created, () => [created.id]);
  });

  attributeFlags(event.command('update').description('Update an event (only the flags given change)').argument('<id>', 'event id'), false)
    .option('--title <text>', 'title')
    .action(async (id: string, o: AttributeOptions) => {
      const ctx = context();
      const { attributes, links } = attributesOf(o);
      const body: UpdateBody = { id, title: o.title, attributes: Object.keys(attributes).length ? attributes : undefined, links };
      const updated = await answer(ctx.api.PUT('/api/v1alpha1/event', { body }), 'update event');
      print(ctx, updated, () => eventDetail(updated));
    });

  event
    .command('get')
    .description('One event')
    .argument('<id>', 'event id')
    .action(async (id: string) => {
      const ctx = context();
      const found = await answer(ctx.api.GET('/api/v1alpha1/event/{id}', { params: { path: { id } } }), 'get event');
      print(ctx, found, () => eventDetail(found));
    });

  event
    .command('list')
    .description('Events, newest first, one page')
    .option('--page <n>', 'page (from 1)', integer)
    .option('--per-page <n>', 'events per page (at most 100)', integer)
    .action(async (o: { page?: number; perPage?: number }) => {
      const ctx = context();
      const page = await answer(
        ctx.api.GET('/api/v1alpha1/events/list', { params: { query: { page: o.page, per_page: o.perPage } } }),
        'list events',
      );
      print(ctx, page, () => [...page.events.map(eventLine), `(${page.events.length} of ${page.totalCount})`]);
    });

  event
    .command('search')
    .description('Events matching every filter given')
    .option('--service <name>', 'attributes.service')
    .option('--type <type>', 'event type', parseType)
    .option('--environment <env>', 'environment', parseEnvironment)
    .option('--status <status>', 'status', parseStatus)
    .option('--priority <priority>', 'priority', parsePriority)
    .option('--start-date <iso>', 'from (inclusive)')
    .option('--end-date <iso>', 'to')
    .option('--page <n>', 'page (from 1)', integer)
    .option('--per-page <n>', 'events per page (at most 100)', integer)
    .action(async (o: AttributeOptions & { page?: number; perPage?: number }) => {
      const ctx = context();
      const query = {
        service: o.service,
        type: o.type,
        environment: o.environment,
        status: o.status,
        priority: o.priority,
        start_date: o.startDate,
        end_date: o.endDate,
        page: o.page,
        per_page: o.perPage,
      };
      const page = await answer(ctx.api.GET('/api/v1alpha1/events/search', { params: { query } }), 'search events');
      print(ctx, page, () => [...page.events.map(eventLine), `(${page.events.length} of ${page.totalCount})`]);
    });

  return event;
}

export { integer };
