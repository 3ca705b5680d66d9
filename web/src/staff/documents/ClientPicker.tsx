// The document editor's client field: a combobox with type-ahead (WAI-ARIA APG "combobox with
// listbox popup", list autocomplete). What is typed goes, debounced, to the clients list's search
// (blind-index tokens on the server: nothing is decrypted to find the matches), and only the first
// few matches come back — an organization with 10,000 clients never sends them all to the browser.
// Keys: Down/Up move through the matches (aria-activedescendant, focus stays in the input), Enter
// picks, Escape closes (a second Escape restores the chosen client's name).
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';

/** The client a pick hands to the editor (its currency becomes the new document's default). */
export interface PickedClient {
  id: string;
  name: string;
  currency: string;
}

/** Matches shown at once; the search narrows them, nothing pages through the organization. */
const SHOWN = 8;
const DEBOUNCE_MS = 250;

export function ClientPicker({
  value,
  knownName,
  onPick,
  error,
  hint,
  disabled,
}: {
  /** The chosen client's id ('' for none). */
  value: string;
  /** The chosen client's name when the caller already has it (a saved draft): no extra request. */
  knownName?: string | undefined;
  onPick: (c: PickedClient) => void;
  error?: string | undefined;
  hint?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const [pickedName, setPickedName] = useState(knownName ?? '');
  const [text, setText] = useState(knownName ?? '');
  const [typed, setTyped] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [query, setQuery] = useState('');

  // A client chosen elsewhere (?clientId=…, a schedule): its name, by id.
  const chosen = useApiQuery(
    ['client', value],
    (signal) => ok(staffApi.GET('/api/v1/clients/{id}', { params: { path: { id: value } }, signal })),
    { enabled: Boolean(value) && !pickedName },
  );
  useEffect(() => {
    if (chosen.data && chosen.data.id === value && !pickedName) {
      setPickedName(chosen.data.name);
      if (!typed) setText(chosen.data.name);
    }
  }, [chosen.data, value, pickedName, typed]);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const search = typed ? query : '';
  const matches = useApiQuery(
    ['client-picker', search],
    (signal) =>
      ok(
        staffApi.GET('/api/v1/clients', {
          params: { query: { limit: SHOWN, ...(search ? { q: search } : {}) } },
          signal,
        }),
      ),
    { enabled: open && !disabled },
  );
  const options = open ? (matches.data?.items ?? []) : [];
  const settled = !matches.isFetching && query === text.trim();

  function pick(i: number) {
    const c = options[i];
    if (!c) return;
    setPickedName(c.name);
    setText(c.name);
    setTyped(false);
    setOpen(false);
    setActive(-1);
    onPick({ id: c.id, name: c.name, currency: c.currency });
  }

  function close(restore: boolean) {
    setOpen(false);
    setActive(-1);
    if (restore) {
      setText(pickedName);
      setTyped(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (open) setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      // Enter in the field picks; it never submits the editor's form from here.
      if (open) e.preventDefault();
      if (open && active >= 0) pick(active);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        close(false);
      } else if (text !== pickedName) {
        e.preventDefault();
        close(true);
      }
    }
  }

  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const status = !open
    ? ''
    : matches.isPending || !settled
      ? t('picker.searching')
      : options.length === 0
        ? search
          ? t('picker.noMatch')
          : t('picker.none')
        : search
          ? t(options.length === 1 ? 'picker.found1' : 'picker.found', { n: options.length })
          : t('picker.recent', { n: options.length });

  return (
    <div className={`field combobox${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{t('picker.label')}</label>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div className="combobox-anchor">
        <input
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={open && options.length > 0}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          placeholder={chosen.isFetching ? t('picker.loading') : t('picker.placeholder')}
          value={text}
          disabled={disabled}
          onChange={(e) => {
            setText(e.target.value);
            setTyped(true);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => close(true)}
          onKeyDown={onKeyDown}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={t('picker.matches')}
          className="combobox-list"
          hidden={!open || options.length === 0}
        >
          {options.map((c, i) => (
            <li
              key={c.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              // mousedown, not click: the input keeps focus, so its blur does not close the list first.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(i);
              }}
              onMouseMove={() => setActive(i)}
            >
              <span className="combobox-name">{c.name}</span>
              {c.email ? <span className="combobox-email">{c.email}</span> : null}
            </li>
          ))}
        </ul>
      </div>
      <p className="visually-hidden" id={`${id}-status`} role="status">
        {status}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
