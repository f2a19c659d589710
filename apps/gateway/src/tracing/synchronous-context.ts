import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The OpenTelemetry context manager the gateway installs: a context is active only for the
 * synchronous run of `with`, and never follows an `await`. The default one keeps contexts
 * in an AsyncLocalStorage, which on Node 20 turns on a hook for every promise the process
 * creates once it is first used — a cost on every call, sampled or not. The gateway passes
 * each call's trace context explicitly instead (McpCall.trace, set from the request's span
 * by mcp/entry.ts); what reads the active context does so synchronously (the log line's
 * trace ids, the span processor's export).
 */
export class SynchronousContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = context;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => this.with(context, () => fn(...args))) as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}
