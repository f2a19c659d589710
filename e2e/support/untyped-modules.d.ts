// oidc-provider ships no type declarations; the tests use a small, well-documented part of it.
declare module 'oidc-provider' {
  // biome-ignore lint/suspicious/noExplicitAny: untyped third-party module
  const Provider: any;
  export default Provider;
  // biome-ignore lint/suspicious/noExplicitAny: untyped third-party module
  export const errors: any;
}
