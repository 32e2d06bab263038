// The time-series insight chart: one uPlot instance over typed arrays, so 100,000 points cost no per-point DOM.
// Series arrive as {label, ts: Float64Array (ms), values: Float64Array, color?: index into the palette}; they are aligned on the union of their
// timestamps (uPlot's data model), gaps become nulls.
import uPlot from 'uplot';
import { h } from '../core/dom.js';

// Distinct colours for up to 10 device×point series (the page allows 10 points).
const kColors = ['#0b5cad', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#1098ad', '#e67700', '#5c940d', '#495057', '#364fc7'];

// Merges the series' sorted timestamps into one x axis. With a single series (or series that share their
// timestamps) the value arrays are used as they are; otherwise each becomes an array with null at the times
// it has no value.
export function alignSeries(series) {
  if (series.length === 1) return [series[0].ts, series[0].values];
  const same = series.every((s) => s.ts.length === series[0].ts.length && s.ts.every((t, i) => t === series[0].ts[i]));
  if (same) return [series[0].ts, ...series.map((s) => s.values)];
  let total = 0;
  for (const s of series) total += s.ts.length;
  const merged = new Float64Array(total);
  let n = 0;
  const pos = series.map(() => 0);
  // A k-way merge (k <= 10): take the smallest head, once per distinct time.
  for (;;) {
    let min = Infinity;
    for (let k = 0; k < series.length; k++) if (pos[k] < series[k].ts.length && series[k].ts[pos[k]] < min) min = series[k].ts[pos[k]];
    if (min === Infinity) break;
    merged[n++] = min;
    for (let k = 0; k < series.length; k++) while (pos[k] < series[k].ts.length && series[k].ts[pos[k]] === min) pos[k]++;
  }
  const xs = merged.slice(0, n);
  const ys = series.map((s) => {
    const y = new Array(n).fill(null);
    let j = 0;
    for (let i = 0; i < n && j < s.ts.length; i++) {
      if (s.ts[j] === xs[i]) y[i] = s.values[j++];
    }
    return y;
  });
  return [xs, ...ys];
}

// The index of the value nearest to i that is not null (i itself when it has one), looking at most 1000 steps away.
function nearestValue(ys, i) {
  if (ys == null || ys[i] != null) return i;
  for (let d = 1; d < 1000; d++) {
    if (i - d >= 0 && ys[i - d] != null) return i - d;
    if (i + d < ys.length && ys[i + d] != null) return i + d;
  }
  return i;
}

// Draws `series` into `el`; returns {el, resetZoom(), destroy()}. `onRendered({points, renderMs})` runs once the
// first frame is drawn (the time from handing the data to uPlot until its draw hook).
// `onRange(min, max)` runs whenever the x range changes (drag-zoom, reset), with epoch milliseconds.
export function insightChart(el, series, { height = 360, onRendered, onRange } = {}) {
  const data = alignSeries(series);
  const points = series.reduce((a, s) => a + s.ts.length, 0);
  const width = Math.max(300, el.clientWidth || 900);
  let t0 = 0;
  let reported = false;
  const opts = {
    width,
    height,
    ms: 1,  // timestamps are epoch milliseconds
    cursor: {
      drag: { x: true, y: false },
      points: { show: points <= 5000 },
      // Series with their own timestamps have nulls at the others' times: hover shows each series' nearest value.
      dataIdx: (u, seriesIdx, closest) => nearestValue(u.data[seriesIdx], closest),
    },
    scales: { x: { time: true } },
    legend: { live: true },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: kColors[(s.color ?? i) % kColors.length],
        width: 1.5,
        spanGaps: true,
        points: { show: s.ts.length <= 200, size: 5 },  // a few values (aggregates) are easier to read as dots
      })),
    ],
    axes: [{}, { size: 60 }],
    hooks: {
      setScale: [
        (u, key) => {
          if (key === 'x' && onRange && u.scales.x.min != null) onRange(u.scales.x.min, u.scales.x.max);
        },
      ],
      draw: [
        () => {
          if (reported) return;
          reported = true;
          if (onRendered) onRendered({ points, series: series.length, renderMs: performance.now() - t0 });
        },
      ],
    },
  };
  t0 = performance.now();
  const plot = new uPlot(opts, data, el);
  const fit = () => {
    const w = el.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height });
  };
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(fit) : null;
  if (observer) observer.observe(el);
  const xs = data[0];
  return {
    plot,
    resetZoom() {
      if (xs.length) plot.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
    },
    destroy() {
      if (observer) observer.disconnect();
      plot.destroy();
    },
  };
}

// The colour swatch a legend-like list uses for series i (the latest-data table shares the chart's colours).
export function seriesSwatch(i) {
  return h('span.insight-swatch', { style: { background: kColors[i % kColors.length] } });
}
