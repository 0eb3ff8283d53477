import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { colonHex, digest, sha256 } from '../../src/core/digest';

describe('digest helpers (one module for decode, verify, trust and the extension)', () => {
  it('writes bytes as openssl prints fingerprints: upper case, colon-separated', () => {
    assert.equal(colonHex(Buffer.alloc(0)), '');
    assert.equal(colonHex(Buffer.from([0x0a])), '0A');
    assert.equal(colonHex(Buffer.from([0x00, 0xff, 0x1b])), '00:FF:1B');
  });

  it('hashes like createHash for SHA-256 and SHA-1, for Buffers and plain Uint8Arrays', () => {
    const data = new Uint8Array([1, 2, 3, 250]);
    assert.deepEqual(sha256(data), createHash('sha256').update(data).digest());
    assert.deepEqual(digest('sha1', Buffer.from(data)), createHash('sha1').update(data).digest());
    assert.equal(colonHex(sha256(Buffer.from('abc'))), 'BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD');
  });
});
