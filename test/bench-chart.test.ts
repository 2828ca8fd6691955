import { describe, expect, it } from 'vitest';
import { niceCeiling, renderChart } from '../bench/lib/svg-chart.js';
import { slope } from '../bench/scenarios/soak.js';

describe('the soak chart and trend (bench)', () => {
  it('fits a least-squares slope, and has none for fewer than two points', () => {
    expect(slope([[0, 10], [1, 12], [2, 14]])).toBeCloseTo(2);
    expect(slope([[0, 5], [1, 5], [2, 5]])).toBe(0);
    expect(slope([[0, 5]])).toBeNaN();
  });

  it('rounds axes up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.7, 3, 9.9, 101, 480].map(niceCeiling)).toEqual([1, 1, 5, 10, 200, 500]);
  });

  it('draws one path per series and escapes the text', () => {
    const svg = renderChart(
      'RSS <&> heap',
      [{ title: 'Memory', unit: 'MiB', series: [{ name: 'RSS', color: '#000', points: [[0, 100], [30, 110], [60, 105]] }, { name: 'heap', color: '#f00', points: [[0, 40], [60, 41]] }] }],
      'min',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('RSS &lt;&amp;&gt; heap');
    expect(svg).not.toContain('NaN');
  });
});
