import type { CallRecorder } from '../metrics/call-recorder.ts';
import type { Stage } from './call.ts';
import { CallFailure } from './errors.ts';
import { classifyFailure, outcomeOf } from './outcome.ts';

/**
 * Metrics: every call's outcome and duration, counted per tool (resources and prompts per
 * upstream) and per upstream, with the outcome the audit trail names it by (outcome.ts).
 * It sits right inside the audit stage, outside error mapping, so failures arrive
 * classified as the audit sees them; every adapter (lean, SDK, playground) passes here.
 */
export function metrics(recorder: CallRecorder): Stage {
  return async (call, next) => {
    const started = performance.now();
    try {
      const result = await next(call);
      recorder.record(call.kind, call.name, call.route, outcomeOf(call.kind, result), null, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const { outcome, errorCode } = error instanceof CallFailure ? error : classifyFailure(error);
      recorder.record(call.kind, call.name, call.route, outcome, errorCode, (performance.now() - started) / 1000);
      throw error;
    }
  };
}
