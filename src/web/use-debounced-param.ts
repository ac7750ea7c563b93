import { useEffect, useRef, useState } from 'react';
import { useQueryState } from './router.js';
import { useDebounced } from './use-api.js';

/** The pause in typing after which a search field's text goes into the address. */
export const SEARCH_DELAY_MS = 300;

/**
 * A text field whose value is mirrored, after a pause in typing, into one query parameter. Changes of
 * the address from elsewhere (back button, "clear") flow back into the field.
 */
export function useDebouncedParam(name: string): [string, (value: string) => void, string] {
  const { params, set } = useQueryState();
  const fromUrl = params.get(name) ?? '';
  const [text, setText] = useState(fromUrl);
  const settled = useDebounced(text, SEARCH_DELAY_MS);
  const pushed = useRef(fromUrl);

  useEffect(() => {
    if (settled.trim() === pushed.current) return;
    pushed.current = settled.trim();
    set({ [name]: settled.trim() || undefined, offset: undefined }, { replace: true });
    // Only a settled change is pushed (not every change of `set`, which follows the address).
  }, [settled]);

  useEffect(() => {
    if (fromUrl === pushed.current) return;
    pushed.current = fromUrl;
    setText(fromUrl);
  }, [fromUrl]);

  return [text, setText, settled];
}
