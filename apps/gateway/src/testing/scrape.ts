import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

export interface Exposition {
  /** Each family with its declared type, as a parser of the text format reads it (prom2json's shape). */
  families: Map<string, ParsedFamily>;
  /**
   * A sample's value by its full name (`…_total`, `…_bucket`, `…_count`) and labels (those
   * given must match; others are ignored), summed over the samples that match; 0 when none.
   */
  value(name: string, labels?: Record<string, string>): number;
}

/**
 * Parses an exposition with parse-prometheus-text-format (npm), which throws on any line
 * that is not valid text format. Its families keep labelled histograms' samples only
 * partly (it merges their label sets), so values are read from a second parse with the
 * `# TYPE` lines left out, in which every sample name is an untyped family of its own with
 * all its labels.
 */
export function parseExposition(text: string): Exposition {
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const untyped = parsePrometheusTextFormat(
    text
      .split('\n')
      .filter((line) => !line.startsWith('# TYPE '))
      .join('\n'),
  );
  const samples = new Map<string, NonNullable<ParsedFamily['metrics']>>();
  for (const family of untyped) samples.set(family.name, [...(samples.get(family.name) ?? []), ...family.metrics]);
  return {
    families,
    value(name, labels = {}) {
      let sum = 0;
      for (const sample of samples.get(name) ?? []) {
        if (Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v)) sum += Number(sample.value);
      }
      return sum;
    },
  };
}
