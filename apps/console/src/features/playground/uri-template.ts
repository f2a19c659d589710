/**
 * The variables of a resource template (RFC 6570, the level MCP servers use: `{id}`,
 * `{+path}`, `{?q,page}`), and the URI with values filled in. Simple `{var}` values are
 * percent-encoded; `{+var}` keeps reserved characters (a path).
 */
const EXPRESSION = /\{([+#./;?&]?)([^}]+)\}/g;

export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const [, , list] of template.matchAll(EXPRESSION)) {
    for (const name of list!.split(',')) if (!names.includes(name.trim())) names.push(name.trim());
  }
  return names;
}

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(EXPRESSION, (_, operator: string, list: string) => {
    const names = list.split(',').map((n) => n.trim());
    const encode = operator === '+' || operator === '#' ? encodeURI : encodeURIComponent;
    if (operator === '?' || operator === '&') {
      const pairs = names.filter((n) => values[n]).map((n) => `${n}=${encodeURIComponent(values[n]!)}`);
      return pairs.length ? `${operator}${pairs.join('&')}` : '';
    }
    const prefix = operator === '+' ? '' : operator;
    return prefix + names.map((n) => encode(values[n] ?? '')).join(',');
  });
}
