/** @jsxImportSource hono/jsx */
/**
 * Small pieces the dashboard templates share: the status icon (inline SVG, so no emoji font is
 * needed, and a word always beside it), times shown as "3 min ago" next to UTC, chart pictures
 * that pick a light/dark and wide/narrow render with media queries (no script needed).
 */
import type { FC } from 'hono/jsx'
import type { Badge, ChartVariants, Moment } from '../src/web/dashboard/model.ts'

const ICON_PATHS: Record<Badge['css'], string> = {
  ok: 'M6.5 11.2 3.3 8l1.1-1.1 2.1 2.1 5-5L12.6 5z',
  hold: 'M5 4h2v8H5zM9 4h2v8H9z',
  error: 'M4.6 3.5 8 6.9l3.4-3.4 1.1 1.1L9.1 8l3.4 3.4-1.1 1.1L8 9.1l-3.4 3.4-1.1-1.1L6.9 8 3.5 4.6z',
}

export const StatusIcon: FC<{ css: Badge['css'] }> = ({ css }) => (
  <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
    <circle cx="8" cy="8" r="8" class="icon-disc" />
    <path d={ICON_PATHS[css]} class="icon-mark" />
  </svg>
)

export const StatusBadge: FC<{ badge: Badge | null; big?: boolean; id?: string }> = ({ badge, big, id }) =>
  badge ? (
    <span class={`badge ${badge.css}${big ? ' big' : ''}`} id={id} data-decision={badge.label}>
      <StatusIcon css={badge.css} />
      {badge.word}
    </span>
  ) : (
    <span class="badge pending" id={id} data-decision="PENDING">
      Waiting
    </span>
  )

export const When: FC<{ at: Moment; id?: string }> = ({ at, id }) =>
  at.iso === '' ? (
    <span>—</span>
  ) : (
    <span class="when" id={id}>
      <time datetime={at.iso} data-relative="">
        {at.relative}
      </time>{' '}
      <span class="muted">({at.utc})</span>
    </span>
  )

/** Narrow renders below 700 px, dark renders when the system asks for a dark scheme. */
export const ChartPicture: FC<{ variants: ChartVariants; id: string; alt: string }> = ({ variants, id, alt }) => {
  const wide = { width: String(variants.wide.width), height: String(variants.wide.height) }
  const narrow = { width: String(variants.narrow.width), height: String(variants.narrow.height) }
  return (
    <picture>
      <source media="(prefers-color-scheme: dark) and (max-width: 700px)" srcset={variants.narrowDark} {...narrow} />
      <source media="(max-width: 700px)" srcset={variants.narrowLight} {...narrow} />
      <source media="(prefers-color-scheme: dark)" srcset={variants.dark} {...wide} />
      <img class="chart" id={id} src={variants.light} alt={alt} {...wide} />
    </picture>
  )
}
