import { fromProtoNames, toProtoNames } from './proto-names';

describe('Astra proto names', () => {
  it('renames the ID/URL/URI fields and keeps the rest', () => {
    const rest = { id: 'x', resourceID: 'r', correlationID: 'c', descriptionURL: 'u', notificationID: 'n', summary: 's' };
    expect(toProtoNames(rest)).toEqual({ id: 'x', resourceId: 'r', correlationId: 'c', descriptionUrl: 'u', notificationId: 'n', summary: 's' });
  });

  it('round-trips', () => {
    const rest = { additionalResourceIDs: ['a'], resourceURI: '/x', resourceCollectionURL: ['y'], userID: 'u', accountID: 'a', name: 'n' };
    expect(fromProtoNames(toProtoNames(rest))).toEqual(rest);
  });
});
