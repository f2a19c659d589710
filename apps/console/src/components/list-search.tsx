/** The search box above a list (the search itself runs on the server). */
export function ListSearch({ label, value, onChange, placeholder }: { label: string; value: string; onChange: (text: string) => void; placeholder: string }) {
  return (
    <div className="filters panel-pad">
      <label>
        {label}
        <input type="search" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
      </label>
    </div>
  );
}
