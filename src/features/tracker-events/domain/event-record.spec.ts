import { Types } from 'mongoose';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import type { CreateEventDto } from '../dto/event-body.dto';
import { buildEventRecord, planUpdate } from './event-record';

const created = new Date('2024-01-15T09:00:00Z');
const later = new Date('2024-01-15T11:00:00Z');

function stored(extra: Partial<CreateEventDto['attributes']> = {}, links: CreateEventDto['links'] = {}) {
  const { changelog, ...rest } = buildEventRecord(
    { title: 'Deploy', attributes: { type: 1, service: 'svc', status: 1, owner: 'a', ...extra }, links },
    created,
    'rest',
    new Types.ObjectId('507f1f77bcf86cd799439011'),
  );
  expect(changelog).toEqual([{ at: created, field: 'event', old: null, new: 'created', source: 'rest' }]);
  return rest;
}

describe('buildEventRecord', () => {
  it('derives the event time from startDate, else creation, with its calendar parts', () => {
    expect(stored({ startDate: '2023-12-31T23:30:00Z' })).toMatchObject({
      eventAt: new Date('2023-12-31T23:30:00Z'),
      yearMonth: '2023-12',
      day: '2023-12-31',
    });
    expect(stored()).toMatchObject({ eventAt: created, yearMonth: '2024-01', day: '2024-01-15', rev: 0 });
  });

  it('stores absent optional fields as absent, never as null', () => {
    const rec = stored({ message: undefined });
    expect('message' in rec.attributes).toBe(false);
    expect(rec.links).toEqual({});
  });
});

describe('planUpdate', () => {
  it('merges attributes and links field by field and records tracked changes', () => {
    const current = stored({ priority: 3 }, { ticket: 'T-1', pullRequestLink: 'https://x/pr/1' });
    const plan = planUpdate(
      current,
      { id: 'x', attributes: { status: 3, endDate: '2024-01-15T10:05:00Z', message: 'done' }, links: { ticket: 'T-2' } },
      later,
      'rest',
    );
    expect(plan.set).toEqual({
      'attributes.status': 3,
      'attributes.endDate': new Date('2024-01-15T10:05:00Z'),
      'attributes.message': 'done',
      'links.ticket': 'T-2',
      'metadata.updatedAt': later,
    });
    expect(plan.next.attributes).toMatchObject({ type: 1, service: 'svc', status: 3, owner: 'a', priority: 3, message: 'done' });
    expect(plan.next.links).toEqual({ ticket: 'T-2', pullRequestLink: 'https://x/pr/1' });
    expect(plan.changelogEntries.map((c) => [c.field, c.old, c.new])).toEqual([
      ['attributes.status', 1, 3],
      ['attributes.endDate', null, new Date('2024-01-15T10:05:00Z')],
      ['links.ticket', 'T-1', 'T-2'],
    ]);
  });

  it('relatedId "" removes the link (stored as null, recorded); with no link stored it plans no write', () => {
    const linked = stored({ relatedId: '65f0aaaabbbbccccddddeeee' });
    const plan = planUpdate(linked, { id: 'x', attributes: { relatedId: '' } }, later, 'rest');
    expect(plan.set).toEqual({ 'attributes.relatedId': null, 'metadata.updatedAt': later });
    expect(plan.next.attributes).not.toHaveProperty('relatedId');
    expect(plan.changelogEntries.map((c) => [c.field, c.old, c.new])).toEqual([['attributes.relatedId', '65f0aaaabbbbccccddddeeee', null]]);
    expect(planUpdate(stored(), { id: 'x', attributes: { relatedId: '' } }, later, 'rest').set).toEqual({});
  });

  it('changes nothing (and plans no write) when every given value is already stored', () => {
    const current = stored();
    const plan = planUpdate(current, { id: 'x', title: 'Deploy', attributes: { status: 1 } }, later, 'rest');
    expect(plan.set).toEqual({});
    expect(plan.next).toBe(current);
  });

  it('reads a null title, attribute or link as "leave as is", never storing null', () => {
    const current = stored({}, { ticket: 'T-1' });
    const body = { id: 'x', title: null, attributes: { owner: null }, links: { ticket: null } } as unknown as Parameters<
      typeof planUpdate
    >[1];
    const plan = planUpdate(current, body, later, 'rest');
    expect(plan.set).toEqual({});
    expect(plan.next).toBe(current);
  });

  it('moves the event time when the start moves', () => {
    const plan = planUpdate(stored(), { id: 'x', attributes: { startDate: '2024-02-01T08:00:00Z' } }, later, 'grpc');
    expect(plan.set).toMatchObject({ eventAt: new Date('2024-02-01T08:00:00Z'), yearMonth: '2024-02', day: '2024-02-01' });
    expect(plan.changelogEntries[0]).toMatchObject({ field: 'attributes.startDate', source: 'grpc' });
  });

  it('rejects an end before the stored start, naming the field', () => {
    const current = stored({ startDate: '2024-01-15T10:00:00Z' });
    expect(() => planUpdate(current, { id: 'x', attributes: { endDate: '2024-01-15T09:00:00Z' } }, later, 'rest')).toThrow(
      InvalidInputError,
    );
    try {
      planUpdate(current, { id: 'x', attributes: { endDate: '2024-01-15T09:00:00Z' } }, later, 'rest');
    } catch (e) {
      expect((e as InvalidInputError).extra.invalidFields).toEqual([
        { name: 'attributes.endDate', reason: 'endDate must not be before startDate' },
      ]);
    }
  });
});
