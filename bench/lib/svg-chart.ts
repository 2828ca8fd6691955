/**
 * Small line charts as one SVG file, no dependencies: the soak's RSS, heap, event-loop delay
 * and handles over time, panel under panel, sharing the time axis.
 */
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const WIDTH = 760;
const PANEL_HEIGHT = 150;
const MARGIN = { left: 64, right: 150, top: 28, bottom: 26 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1000 ? `${Math.round(value / 100) / 10}k` : String(Math.round(value * 10) / 10);
}

function renderPanel(panel: Panel, top: number, xMax: number, xLabel: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const yMax = niceCeiling(Math.max(0, ...panel.series.flatMap((series) => series.points.map(([, y]) => y))));
  const x = (value: number) => MARGIN.left + (value / (xMax || 1)) * plotWidth;
  const y = (value: number) => top + MARGIN.top + plotHeight - (value / yMax) * plotHeight;
  const parts: string[] = [
    `<text x="${MARGIN.left}" y="${top + 18}" font-weight="bold">${escape(panel.title)} (${escape(panel.unit)})</text>`,
    `<rect x="${MARGIN.left}" y="${top + MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (yMax * i) / 4;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#eee"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${formatTick(value)}</text>`,
    );
  }
  for (let i = 0; i <= 6; i++) {
    const value = (xMax * i) / 6;
    parts.push(`<text x="${x(value)}" y="${top + PANEL_HEIGHT - 8}" text-anchor="middle">${formatTick(value)}${i === 6 ? ` ${escape(xLabel)}` : ''}</text>`);
  }
  panel.series.forEach((series, index) => {
    const path = series.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="1.5"/>`);
    const legendY = top + MARGIN.top + 12 + index * 16;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 10}" x2="${WIDTH - MARGIN.right + 28}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.color}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 32}" y="${legendY}">${escape(series.name)}</text>`,
    );
  });
  return parts.join('\n');
}

export function renderChart(title: string, panels: Panel[], xLabel: string): string {
  const xMax = Math.max(0, ...panels.flatMap((panel) => panel.series.flatMap((series) => series.points.map(([px]) => px))));
  const height = 30 + panels.length * PANEL_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
    ...panels.map((panel, index) => renderPanel(panel, 30 + index * PANEL_HEIGHT, xMax, xLabel)),
    '</svg>',
    '',
  ].join('\n');
}
