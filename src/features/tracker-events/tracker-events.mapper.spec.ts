import { Types } from 'mongoose';
import type { TrackerEventRecordView } from './data/tracker-event.repository';
import { toChangelogResponse, toCreateResponse, toEventResponse, toGrpcChangelogResponse } from './tracker-events.mapper';

const id = new Types.ObjectId('507f1f77bcf86cd799439011');
const createdAt = new Date('2024-01-15T10:00:00Z');

function record(attributes: Partial<TrackerEventRecordView['attributes']> = {}): TrackerEventRecordView {
  return {
    _id: id,
    title: 'Deploy',
    attributes: { type: 1, service: 'svc', ...attributes },
    links: { ticket: 'T-1' },
    metadata: { createdAt, updatedAt: createdAt },
    eventAt: createdAt,
    yearMonth: '2024-01',
    day: '2024-01-15',
    rev: 0,
  };
}

describe('tracker events mapper', () => {
  it('builds the create answer: id, title, createdAt at top level, plus the event', () => {
    expect(toCreateResponse(record())).toEqual({
      id: '507f1f77bcf86cd799439011',
      title: 'Deploy',
      createdAt: '2024-01-15T10:00:00.000Z',
      attributes: { type: 1, service: 'svc' },
      links: { ticket: 'T-1' },
      metadata: { createdAt: '2024-01-15T10:00:00.000Z', updatedAt: '2024-01-15T10:00:00.000Z' },
    });
  });

  it('adds the duration when both dates are known, and the related event with the time since its start', () => {
    const rec = record({ startDate: new Date('2024-01-15T10:00:00Z'), endDate: new Date('2024-01-15T10:05:00Z') });
    const related = { _id: new Types.ObjectId('65a000000000000000000001'), title: 'Original', startedAt: new Date('2024-01-15T09:00:00Z') };
    expect(toEventResponse(rec, related)).toMatchObject({
      attributes: { startDate: '2024-01-15T10:00:00.000Z', endDate: '2024-01-15T10:05:00.000Z' },
      metadata: { duration: '5m0s', durationSeconds: 300 },
      related: { id: '65a000000000000000000001', title: 'Original', duration: '1h5m0s', durationSeconds: 3900 },
    });
    expect(toEventResponse(record(), related).related).toMatchObject({ duration: '1h0m0s' });
    expect(toEventResponse(record()).metadata).not.toHaveProperty('duration');
  });

  it('keeps changelog values as JSON on REST and as text on gRPC', () => {
    const entries = [
      { at: createdAt, field: 'event', old: null, new: 'created', source: 'rest' },
      { at: createdAt, field: 'attributes.status', old: 1, new: 3, source: 'grpc' },
      { at: createdAt, field: 'attributes.endDate', old: null, new: new Date('2024-01-15T10:05:00Z'), source: 'rest' },
    ];
    expect(toChangelogResponse('x', entries).changelog.map((e) => [e.old, e.new])).toEqual([
      [null, 'created'],
      [1, 3],
      [null, '2024-01-15T10:05:00.000Z'],
    ]);
    expect(toGrpcChangelogResponse('x', entries).changelog.map((e) => [e.oldValue, e.newValue])).toEqual([
      [undefined, 'created'],
      ['1', '3'],
      [undefined, '2024-01-15T10:05:00.000Z'],
    ]);
  });
});
