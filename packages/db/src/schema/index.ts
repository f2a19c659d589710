export * from './api-tokens.ts';
export * from './identity.ts';
export * from './policies.ts';
export * from './upstreams.ts';
export * from './virtual-servers.ts';
export * from './upstream-catalogs.ts';
