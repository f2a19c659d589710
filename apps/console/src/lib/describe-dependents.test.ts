import { describe, expect, it } from 'vitest';
import { describeDependents } from './describe-dependents.ts';

const none = { virtualServers: [], openSessions: 0, signedInPeople: 0, signedInClients: 0, apiTokens: 0 };

describe('describeDependents', () => {
  it('says what deleting an upstream breaks, in counts and names', () => {
    const servers = ['a', 'b', 'c'].map((name, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, name }));
    expect(describeDependents('upstream', { ...none, virtualServers: servers, signedInPeople: 2, openSessions: 1 })).toEqual([
      '3 virtual servers use this upstream (a, b, c); their tools from it disappear.',
      '2 people are signed in to them through an MCP client.',
      '1 MCP session is open right now and will fail.',
    ]);
    expect(describeDependents('upstream', none)).toEqual([]);
  });

  it("names a user's signed-in clients and API tokens, singular and plural", () => {
    expect(describeDependents('user', { ...none, signedInClients: 1, apiTokens: 2 })).toEqual([
      '1 MCP client signed in as this user stops working.',
      '2 API tokens of this user are deleted with them.',
    ]);
    expect(describeDependents('virtualServer', { ...none, signedInPeople: 1 })).toEqual(['1 person is signed in to this server through an MCP client.']);
  });
});
