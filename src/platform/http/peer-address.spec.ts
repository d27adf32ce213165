import { addressOfPeer, canonicalAddress } from './peer-address';

describe('addressOfPeer: the client address of every peer form, without the port', () => {
  it.each([
    // grpc-js 1.14 (server-interceptors getPeer): `${remoteAddress}:${remotePort}`, IPv6 unbracketed
    ['127.0.0.1:54321', '127.0.0.1'],
    ['10.1.2.3:1', '10.1.2.3'],
    ['::1:54321', '::1'],
    ['::ffff:127.0.0.1:54321', '127.0.0.1'],
    ['::FFFF:10.0.0.7:443', '10.0.0.7'],
    ['2001:db8::7:5000', '2001:db8::7'],
    ['FE80::1:5000', 'fe80::1'],
    // no port: the bare address
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    // with a scheme and brackets (older grpc-js, other servers)
    ['ipv4:127.0.0.1:5000', '127.0.0.1'],
    ['ipv6:[::1]:5000', '::1'],
    ['ipv6:[::ffff:127.0.0.1]:5000', '127.0.0.1'],
    ['[::1]:5000', '::1'],
    ['[2001:db8::7]', '2001:db8::7'],
    // no address at all: one shared caller
    ['unix:/tmp/tracker.sock', 'local'],
    ['unix-abstract:tracker', 'local'],
    ['unknown', 'local'],
    ['', 'local'],
    [undefined, 'local'],
    [42, 'local'],
  ])('%p -> %p', (peer, address) => {
    expect(addressOfPeer(peer)).toBe(address);
  });

  it('two connections of one client are one address, whatever their ports', () => {
    expect(addressOfPeer('127.0.0.1:40001')).toBe(addressOfPeer('127.0.0.1:40002'));
    expect(addressOfPeer('::ffff:127.0.0.1:40001')).toBe(addressOfPeer('ipv4:127.0.0.1:40002'));
  });
});

describe('canonicalAddress: what Fastify reports as req.ip, spelled as gRPC peers are', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['2001:DB8::7', '2001:db8::7'],
    [undefined, 'local'],
    ['not an address', 'local'],
  ])('%p -> %p', (ip, address) => {
    expect(canonicalAddress(ip)).toBe(address);
  });
});
