import { fromProtoNames, fromProtoRequest, toProtoNames } from './proto-names';

describe('Astra proto names', () => {
  it('renames the ID/URL/URI fields and keeps the rest', () => {
    const rest = { id: 'x', resourceID: 'r', correlationID: 'c', descriptionURL: 'u', notificationID: 'n', summary: 's' };
    expect(toProtoNames(rest)).toEqual({
      id: 'x',
      resourceId: 'r',
      correlationId: 'c',
      descriptionUrl: 'u',
      notificationId: 'n',
      summary: 's',
    });
  });

  it('round-trips', () => {
    const rest = { additionalResourceIDs: ['a'], resourceURI: '/x', resourceCollectionURL: ['y'], userID: 'u', accountID: 'a', name: 'n' };
    expect(fromProtoNames(toProtoNames(rest))).toEqual(rest);
  });
});

describe('fromProtoRequest', () => {
  it('keeps the request parameters, spells nested resources the REST way and drops synthetic oneof keys', () => {
    const message = {
      accountId: 'a',
      orderBy: 'name',
      _orderBy: 'orderBy',
      event: { resourceId: 'r', _descriptionUrl: 'descriptionUrl', descriptionUrl: 'u', userId: 'u1', data: { ttl: 1, _ttl: 'ttl' } },
      items: [{ notificationId: 'n' }],
    };
    expect(fromProtoRequest(message)).toEqual({
      accountId: 'a',
      orderBy: 'name',
      event: { resourceID: 'r', descriptionURL: 'u', userID: 'u1', data: { ttl: 1 } },
      items: [{ notificationID: 'n' }],
    });
  });
});
