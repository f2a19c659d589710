/** The `<option>`s of a virtual-server picker, valued by id; `label` words each one (default: its name). */
export function ServerOptions({ servers, label = (s) => s.name }: { servers: ReadonlyArray<{ id: string; name: string }> | undefined; label?: (server: { name: string }) => string }) {
  return (
    <>
      {servers?.map((s) => (
        <option key={s.id} value={s.id}>
          {label(s)}
        </option>
      ))}
    </>
  );
}
