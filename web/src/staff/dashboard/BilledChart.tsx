// Billed vs collected per month as inline SVG (no chart library; colours come from CSS classes,
// so the strict CSP needs no style exception). The same figures are in a table for screen readers.
import { useId } from 'react';
import { money, monthLabel } from '../../lib/format.ts';
import type { MonthBar } from './dashboard-data.ts';

const W = 420;
const H = 200;
const PAD = { top: 8, right: 4, bottom: 24, left: 4 };

export function BilledChart({ months, currency }: { months: MonthBar[]; currency: string }) {
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...months.map((m) => Math.max(m.billed, m.collected)));
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / months.length;
  const barW = Math.max(4, slot * 0.32);
  const y = (v: number) => PAD.top + plotH - (Math.max(0, v) / max) * plotH;
  const total = months.reduce((a, m) => ({ billed: a.billed + m.billed, collected: a.collected + m.collected }), {
    billed: 0,
    collected: 0,
  });

  return (
    <figure className="chart-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>Billed and collected per month, last 12 months</title>
        <desc id={descId}>
          Billed {money(total.billed, currency)}, collected {money(total.collected, currency)} over 12 months. The table
          below lists each month.
        </desc>
        <line className="axis" x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} />
        {months.map((m, i) => {
          const x0 = PAD.left + i * slot + slot / 2 - barW;
          return (
            <g key={m.month}>
              <rect
                className="bar-billed"
                x={x0}
                y={y(m.billed)}
                width={barW}
                height={PAD.top + plotH - y(m.billed)}
                rx={2}
              />
              <rect
                className="bar-collected"
                x={x0 + barW}
                y={y(m.collected)}
                width={barW}
                height={PAD.top + plotH - y(m.collected)}
                rx={2}
              />
              <text x={PAD.left + i * slot + slot / 2} y={H - 8} textAnchor="middle">
                {monthLabel(m.month)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="legend" aria-hidden="true">
        <li>
          <span className="sw-billed" />
          Billed
        </li>
        <li>
          <span className="sw-collected" />
          Collected
        </li>
      </ul>
      <details>
        <summary>Show the figures</summary>
        <table>
          <caption className="visually-hidden">Billed and collected per month ({currency})</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Billed
              </th>
              <th scope="col" className="num">
                Collected
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{m.month}</th>
                <td className="num">{money(m.billed, currency)}</td>
                <td className="num">{money(m.collected, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
