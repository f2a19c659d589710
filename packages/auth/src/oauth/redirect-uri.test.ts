import { describe, expect, it } from 'vitest';
import { matchRedirectUri, redirectUriProblem } from './redirect-uri.ts';

describe('redirectUriProblem', () => {
  it.each([
    ['https://app.example.com/callback', undefined],
    ['http://127.0.0.1:33418/callback', undefined],
    ['http://localhost/cb', undefined],
    ['http://[::1]:8080/cb', undefined],
    ['com.example.app:/oauth', undefined],
    ['http://app.example.com/callback', 'insecure_scheme'],
    ['javascript:alert(1)', 'insecure_scheme'],
    ['data:text/html,hi', 'insecure_scheme'],
    ['https://app.example.com/cb#frag', 'fragment'],
    ['https://user@app.example.com/cb', 'userinfo'],
    ['https://@app.example.com/cb', 'userinfo'],
    ['https://a:b@app.example.com/cb', 'userinfo'],
    ['not a url', 'not_a_url'],
    [`https://a.example.com/${'x'.repeat(2001)}`, 'too_long'],
  ])('%s → %s', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});

describe('matchRedirectUri', () => {
  const registered = ['https://app.example.com/callback', 'http://127.0.0.1:4000/cb', 'http://localhost/oauth/cb?x=1'];

  it('matches exactly', () => {
    expect(matchRedirectUri(registered, 'https://app.example.com/callback')).toBe(true);
  });

  it.each([
    'https://app.example.com/callback/',
    'https://APP.example.com/callback',
    'https://app.example.com/Callback',
    'https://app.example.com/callback?extra=1',
    'https://app.example.com:8443/callback',
    'https://app.example.com/callback#x',
    'https://evil.example@app.example.com/callback',
    'https://app.example.com@evil.example/callback',
    'https://app.example.com.evil.example/callback',
    'http://app.example.com/callback',
  ])('refuses the variant %s', (presented) => {
    expect(matchRedirectUri(registered, presented)).toBe(false);
  });

  it('lets the port of a loopback http URI vary, nothing else', () => {
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/cb')).toBe(true);
    expect(matchRedirectUri(registered, 'http://127.0.0.1/cb')).toBe(true);
    expect(matchRedirectUri(registered, 'http://localhost:9999/oauth/cb?x=1')).toBe(true);
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/cb/')).toBe(false);
    expect(matchRedirectUri(registered, 'http://localhost:51234/cb')).toBe(false);
    expect(matchRedirectUri(registered, 'http://localhost:9999/oauth/cb?x=2')).toBe(false);
    expect(matchRedirectUri(registered, 'http://127.0.0.1:51234/CB')).toBe(false);
  });
});
