import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import { useI18n } from '../i18n.js';

/** One choice of a drop-down. */
export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

/** A labelled drop-down; `all` adds a first, empty choice (e.g. "Alla risker"). */
export function SelectField({
  label,
  value,
  options,
  onChange,
  all,
  className,
}: {
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  all?: string;
  /** Classes besides `field`. */
  className?: string;
}) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A labelled input (text, number, date …) whose value is a string; other attributes (type, min, step,
 * required …) pass through to the input.
 */
export function InputField({
  label,
  value,
  onChange,
  className,
  ...input
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Classes besides `field`. */
  className?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id' | 'className'>) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(event) => onChange(event.target.value)} {...input} />
    </div>
  );
}

/** A labelled text area; other attributes (rows, maxLength …) pass through. */
export function TextAreaField({
  label,
  value,
  onChange,
  className,
  ...area
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Classes besides `field`. */
  className?: string;
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'id' | 'className'>) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} value={value} onChange={(event) => onChange(event.target.value)} {...area} />
    </div>
  );
}

/** A checkbox with its label after it. */
export function CheckField({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field field-check">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** A search box; `icon` draws the magnifying glass inside it. */
export function SearchField({
  label,
  value,
  onChange,
  placeholder,
  icon = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  icon?: boolean;
}) {
  const id = useId();
  const input = (
    <input
      id={id}
      type="search"
      value={value}
      placeholder={placeholder}
      autoComplete="off"
      spellCheck={false}
      maxLength={100}
      onChange={(event) => onChange(event.target.value)}
    />
  );
  return (
    <div className="field field-search">
      <label htmlFor={id}>{label}</label>
      {icon ? (
        <div className="search-input">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M13 13l4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          {input}
        </div>
      ) : (
        input
      )}
    </div>
  );
}

/**
 * An ATC code prefix (upper-cased as it is typed), marked invalid when `invalid`; with `error`, the
 * reason is shown under it and read with the field.
 */
export function AtcField({
  value,
  onChange,
  invalid,
  error,
}: {
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  error?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const errorId = useId();
  const showError = invalid && error !== undefined;
  return (
    <div className="field field-atc">
      <label htmlFor={id}>{t('catalogue.atc')}</label>
      <input
        id={id}
        type="text"
        className="mono-input"
        value={value}
        placeholder={t('catalogue.atcPlaceholder')}
        maxLength={7}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={invalid}
        aria-describedby={showError ? errorId : undefined}
        onChange={(event) => onChange(event.target.value.toUpperCase())}
      />
      {showError && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * A row of filters with a legend for screen readers; `onClear`, when given, adds the button that
 * clears them.
 */
export function FilterRow({
  legend,
  onClear,
  children,
}: {
  legend: string;
  onClear?: () => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="filter-row">
      <legend className="visually-hidden">{legend}</legend>
      {children}
      {onClear && (
        <button type="button" className="button button-link filter-clear" onClick={onClear}>
          {t('catalogue.clear')}
        </button>
      )}
    </fieldset>
  );
}

/** The card of a page's filters: a search form that never submits (every change applies at once). */
export function FilterPanel({ children }: { children: ReactNode }) {
  return (
    <form className="card filter-panel" role="search" onSubmit={(event) => event.preventDefault()}>
      {children}
    </form>
  );
}
