import { useId, useState } from 'react';
import type { Product } from '../api-client.js';
import { useI18n } from '../i18n.js';
import { useApi, useDebounced } from '../use-api.js';
import { SEARCH_DELAY_MS } from '../use-debounced-param.js';

/**
 * Finds a package by name, substance, ATC code, NPL pack id, Nordic article number or GTIN (the
 * catalogue's search, GET /api/products) and hands the chosen one to `onPick`. Shows what is chosen;
 * typing again searches anew.
 */
export function ProductPicker({
  label,
  chosen,
  onPick,
  testId,
}: {
  label: string;
  /** What is chosen now, as text (e.g. "Alvedon 500 mg · NPL 123456"), or null. */
  chosen: string | null;
  onPick: (product: Product) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const q = useDebounced(text, SEARCH_DELAY_MS).trim();
  const found = useApi(`product-picker:${q}`, (api, signal) =>
    q.length < 2 ? Promise.resolve(null) : api.products({ q, limit: 8, offset: 0 }, signal),
  );
  const items = q.length < 2 ? [] : (found.data?.items ?? []);
  return (
    <div className="field product-picker" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={text}
        autoComplete="off"
        spellCheck={false}
        maxLength={100}
        placeholder={t('picker.placeholder')}
        aria-describedby={`${id}-chosen`}
        onChange={(e) => setText(e.target.value)}
      />
      <span id={`${id}-chosen`} className="field-hint">
        {chosen ? t('picker.chosen', { what: chosen }) : t('picker.none')}
      </span>
      {q.length >= 2 && (
        <ul className="product-picker-list" aria-label={t('picker.results')}>
          {found.status === 'loading' && items.length === 0 && (
            <li className="muted">{t('picker.searching')}</li>
          )}
          {found.status === 'ready' && items.length === 0 && <li className="muted">{t('picker.noMatch')}</li>}
          {items.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="product-picker-option"
                onClick={() => {
                  onPick(p);
                  setText('');
                }}
              >
                <strong>{`${p.name} ${p.strength} ${p.form}`}</strong>
                <span className="cell-sub">
                  {t('picker.meta', {
                    pack: `${p.packSize} ${p.packUnit}`,
                    npl: p.nplPackId,
                    company: p.company.name,
                  })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
