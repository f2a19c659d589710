/** How allowlist patterns read, next to the editor. */
export function PatternHelp() {
  return (
    <details className="pattern-help">
      <summary>Pattern help</summary>
      <p>
        A pattern is <code>upstream:tool</code>, using the upstream's own names (not the prefixed names clients see). Either side may use{' '}
        <code>*</code> as a wildcard.
      </p>
      <table className="table compact">
        <tbody>
          <tr>
            <td>
              <code>everything:echo</code>
            </td>
            <td>one tool</td>
          </tr>
          <tr>
            <td>
              <code>everything:*</code>
            </td>
            <td>every tool of one upstream</td>
          </tr>
          <tr>
            <td>
              <code>*:read_*</code>
            </td>
            <td>tools starting with read_ on every upstream</td>
          </tr>
          <tr>
            <td>
              <code>*</code>
            </td>
            <td>everything</td>
          </tr>
        </tbody>
      </table>
      <p>
        A deny rule beats an allow rule. Rules for one virtual server apply there only; the others apply everywhere. When no rule
        matches, the server's default decides (usually deny). Users also get their roles' rules.
      </p>
    </details>
  );
}
