import { buildCodeChangeRecord, changeId, identityKey } from './code-change-record';

describe('change identity and record', () => {
  it.each([
    [{ service: 'api', sha: 'ABCDEF1' }, 'sha\napi\nabcdef1'],
    [{ service: 'api', sha: 'abcdef1', pullRequestLink: 'https://x/pull/1' }, 'sha\napi\nabcdef1'],
    [{ service: 'api', pullRequestLink: 'https://x/pull/1' }, 'pr\napi\nhttps://x/pull/1'],
    [{ service: 'api' }, null],
  ])('identityKey(%j) = %j', (input, key) => {
    expect(identityKey(input)).toBe(key);
  });

  it('derives a fixed-length id that differs by service and by key kind', () => {
    const ids = [changeId('sha\napi\nabcdef1'), changeId('sha\nweb\nabcdef1'), changeId('pr\napi\nabcdef1')];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(changeId('sha\napi\nabcdef1')).toBe(ids[0]);
  });

  it('stores changedAt = mergedAt, else committedAt, and only the fields given', () => {
    const now = new Date('2024-03-02T00:00:00Z');
    const merged = new Date('2024-03-01T10:00:00Z');
    const committed = new Date('2024-03-01T09:00:00Z');
    expect(buildCodeChangeRecord({ service: 'api', sha: 'ABCDEF1', mergedAt: merged, committedAt: committed }, 'id1', 'rest', now)).toEqual(
      {
        _id: 'id1',
        service: 'api',
        sha: 'abcdef1',
        mergedAt: merged,
        committedAt: committed,
        changedAt: merged,
        source: 'rest',
        createdAt: now,
      },
    );
    expect(buildCodeChangeRecord({ service: 'api', committedAt: committed }, 'id2', 'github', now)).toEqual({
      _id: 'id2',
      service: 'api',
      committedAt: committed,
      changedAt: committed,
      source: 'github',
      createdAt: now,
    });
    expect(() => buildCodeChangeRecord({ service: 'api' }, 'id3', 'rest', now)).toThrow(/mergedAt or committedAt/);
  });
});
