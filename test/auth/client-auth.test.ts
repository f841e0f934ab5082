/**
 * HTTP Basic client authentication as RFC 6749 §2.3.1 writes it: each of client_id and secret
 * form-urlencoded, then base64. An id made of unreserved characters reaches the server as it
 * is, so a server that never decodes (the MCP conformance suite's AS is one) reads the right
 * id, and one that decodes (the sandbox, oidc-provider) still recovers every character.
 */
import { expect, it } from 'vitest';
import { clientSecretBasic } from '../../src/auth/oauth.js';

function basicOf(clientId: string, secret: string): string {
  const headers = new Headers();
  clientSecretBasic(secret)({ issuer: 'http://127.0.0.1' }, { client_id: clientId }, new URLSearchParams(), headers);
  const header = headers.get('authorization') ?? '';
  expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
  return Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
}

const formDecoded = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

it('sends an id of letters, digits, "-", "." and "_" as it is (oauth4webapi sent "pre%2Dregistered%2Dclient")', () => {
  expect(basicOf('pre-registered-client', 'pre-registered-secret')).toBe('pre-registered-client:pre-registered-secret');
  expect(basicOf('app_1.v2', 's3cr3t')).toBe('app_1.v2:s3cr3t');
});

it('encodes what form encoding encodes, so a colon in the id cannot move the split and a decoder gets every character back', () => {
  const id = 'id:with space+plus~';
  const secret = 'sé:cr%t/=&';
  const sent = basicOf(id, secret);
  expect(sent.split(':')).toHaveLength(2);
  const [sentId = '', sentSecret = ''] = sent.split(':');
  expect(sentId).toBe('id%3Awith+space%2Bplus%7E');
  expect([formDecoded(sentId), formDecoded(sentSecret)]).toEqual([id, secret]);
});
