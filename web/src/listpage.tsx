// The one scaffold of every list page: the head, the filters, the problem box, "loading", the empty
// state, the table and "Xem thêm / Load more" while the server has more. Pages give their columns
// and filters; how the rows come is a PagedList (hooks.ts).
import type { ComponentChildren, JSX } from 'preact';
import { ApiError } from './api';
import type { PagedList } from './hooks';
import { t } from './i18n';
import { Field, Loading, ProblemBox } from './ui';

export interface Column<T> {
  head: ComponentChildren;
  /** Without it the page renders the rows itself (`rows`, `body`). */
  cell?: (x: T) => ComponentChildren;
  /** The class of its head and cells ("num", "center"). */
  class?: string;
}

type RowAttributes = JSX.HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number | undefined>;

export type ListView<T> = Pick<PagedList<T>, 'items' | 'error' | 'hasMore' | 'loadingMore' | 'loadMore'>;

export interface ListPageProps<T> {
  /** The class of the page's section. */
  class?: string;
  title: ComponentChildren;
  /** After the title: counts, the live state, the page's buttons. */
  actions?: ComponentChildren;
  /** Between the head and the filters: tabs, notices, an editor. */
  top?: ComponentChildren;
  /** The filters' fields; they apply as they change unless `onFilter` applies them on submit. */
  filters?: ComponentChildren;
  onFilter?: () => void;
  /** Between the filters and the list: a hint, a detail panel. */
  children?: ComponentChildren;
  list: ListView<T>;
  /** What an empty list says. */
  empty: string;
  /** The table: its columns, each row's key and attributes. */
  columns?: Column<T>[];
  rowKey?: (x: T) => string | number;
  rowProps?: (x: T) => RowAttributes;
  /** An item's rows, when it is more than its columns' cells (a detail row under it). */
  rows?: (x: T) => ComponentChildren;
  /** The table's bodies, when rows are grouped. */
  body?: (items: T[]) => ComponentChildren;
  /** Instead of a table (a list of items). */
  view?: (items: T[]) => ComponentChildren;
  tableClass?: string;
  testId?: string;
  /** Beside the "load more" button: how many are shown. */
  footer?: (items: T[]) => ComponentChildren;
  /** The button's words (default "Xem thêm"), and what shows in its place once everything is shown. */
  moreLabel?: string;
  endText?: string;
}

const idOf = (x: unknown) => (x as { id: string | number }).id;

export function ListPage<T>(p: ListPageProps<T>) {
  const { items, error, hasMore, loadingMore, loadMore } = p.list;
  const forbidden = error instanceof ApiError && error.status === 403;
  const rowKey = p.rowKey ?? idOf;
  const columns = p.columns ?? [];
  const row = (x: T) => (
    <tr key={rowKey(x)} {...p.rowProps?.(x)}>
      {columns.map((c, i) => (
        <td key={i} class={c.class}>
          {c.cell?.(x)}
        </td>
      ))}
    </tr>
  );
  const table = (list: T[]) => (
    <div class="table-wrap">
      <table class={p.tableClass ?? 'grid'} data-testid={p.testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" class={c.class}>
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        {p.body ? p.body(list) : <tbody aria-live="polite">{list.map((x) => (p.rows ? p.rows(x) : row(x)))}</tbody>}
      </table>
    </div>
  );

  return (
    <section class={p.class}>
      <div class="page-head">
        <h1>{p.title}</h1>
        {p.actions}
      </div>
      {p.top}
      {p.filters ? (
        <form
          class="filters"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            p.onFilter?.();
          }}
        >
          {p.filters}
        </form>
      ) : null}
      {p.children}
      <ProblemBox error={error} extra={forbidden ? [t('error.forbiddenPage')] : undefined} />
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p class="muted">{p.empty}</p> : null}
      {items && items.length > 0 ? (p.view ? p.view(items) : table(items)) : null}
      {items && (items.length > 0 || hasMore) && (p.footer || hasMore || p.endText) ? (
        <div class="toolbar list-paging">
          {p.footer?.(items)}
          {hasMore ? (
            <button type="button" class="btn" data-testid="load-more" disabled={loadingMore} onClick={loadMore}>
              {loadingMore ? t('common.loading') : (p.moreLabel ?? t('list.more'))}
            </button>
          ) : p.endText ? (
            <span class="muted">{p.endText}</span>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** "Từ ngày / Đến ngày" of a filter, typed dd/MM/yyyy, each with the message of a date that cannot be read. */
export function DayRangeFields({
  idPrefix,
  from,
  to,
  errors,
  onChange,
}: {
  idPrefix: string;
  from: string;
  to: string;
  errors: { from?: string; to?: string };
  onChange: (k: 'from' | 'to', v: string) => void;
}) {
  const value = { from, to };
  return (
    <>
      {(['from', 'to'] as const).map((k) => (
        <Field key={k} id={`${idPrefix}-${k}`} label={t(k === 'from' ? 'audit.from' : 'audit.to')} error={errors[k]}>
          {(a) => (
            <input
              {...a}
              class="date"
              inputMode="numeric"
              placeholder={t('audit.datePlaceholder')}
              value={value[k]}
              onInput={(e) => onChange(k, e.currentTarget.value)}
            />
          )}
        </Field>
      ))}
    </>
  );
}

/** "Lọc" (submits the filters) and "Xóa bộ lọc". */
export function FilterButtons({ onReset }: { onReset: () => void }) {
  return (
    <div class="field field-buttons">
      <button type="submit" class="btn btn-primary">
        {t('audit.apply')}
      </button>
      <button type="button" class="btn" onClick={onReset}>
        {t('audit.reset')}
      </button>
    </div>
  );
}
