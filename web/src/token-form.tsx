import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { setToken, useToken } from './token';

/**
 * The console's one token prompt: the header's "Token" control opens it, and the activity log (which belongs to
 * an account, so needs one) shows it in place. The token is kept for this browser session only (token.ts).
 */
export function TokenForm({
  id,
  className,
  inputId,
  label,
  autoFocus = false,
  onDone,
  children,
}: {
  id?: string;
  className: string;
  inputId: string;
  label: string;
  autoFocus?: boolean;
  /** After the token was used or forgotten. */
  onDone?: () => void;
  /** What comes before the field (a heading, why a token is needed). */
  children?: ReactNode;
}) {
  const token = useToken();
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    setToken(value.trim());
    setValue('');
    onDone?.();
  };
  return (
    <form id={id} className={className} onSubmit={save} aria-label="Bearer token">
      {children}
      <div className="field">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          ref={input}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
      <div className="row">
        <button type="submit" className="primary">
          Use token
        </button>
        {token ? (
          <button
            type="button"
            onClick={() => {
              setToken(null);
              onDone?.();
            }}
          >
            Forget token
          </button>
        ) : null}
      </div>
    </form>
  );
}
