import { useCallback, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, isApiError } from '../api-client.js';

/** A form's submission: busy while it runs, and what refused it kept to show. */
export interface Submission {
  busy: boolean;
  error: ApiError | null;
  /**
   * Runs `action` for the form's submit event: prevents the page load, clears the last error, marks
   * the form busy until the action settles. A refusal of the API is kept in `error`; any other failure
   * too (as an internal error), never swallowed.
   */
  run: (event: FormEvent, action: () => Promise<void>) => Promise<void>;
}

export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (event: FormEvent, action: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(
        isApiError(err) ? err : new ApiError(0, 'internal', err instanceof Error ? err.message : String(err)),
      );
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

/** A form on a card with its section title (the form is labelled by it). */
export function FormCard({
  id,
  title,
  onSubmit,
  testId,
  children,
}: {
  /** The title's element id. */
  id: string;
  title: ReactNode;
  onSubmit: (event: FormEvent) => Promise<void>;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <form
      className="card card-padded report-form"
      onSubmit={(e) => void onSubmit(e)}
      aria-labelledby={id}
      data-testid={testId}
    >
      <h2 id={id} className="section-title">
        {title}
      </h2>
      {children}
    </form>
  );
}

/**
 * The decision cell of an application's row: what was decided, else for one who may decide the button
 * that opens the decision form (in a DetailRow below), else "awaiting".
 */
export function DecisionCell({
  decided,
  mayDecide,
  open,
  onToggle,
  decideLabel,
  awaitingLabel,
}: {
  decided: ReactNode | null;
  mayDecide: boolean;
  open: boolean;
  onToggle: () => void;
  decideLabel: string;
  awaitingLabel: string;
}) {
  if (decided !== null) return <td>{decided}</td>;
  return (
    <td>
      {mayDecide ? (
        <button
          type="button"
          className="button button-secondary button-small"
          aria-expanded={open}
          onClick={onToggle}
        >
          {decideLabel}
        </button>
      ) : (
        <span className="muted">{awaitingLabel}</span>
      )}
    </td>
  );
}

/** A full-width row under a table row, e.g. for its decision form. */
export function DetailRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr className="row-detail">
      <td colSpan={columns}>{children}</td>
    </tr>
  );
}
