import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBarChart } from '../../src/report/svg/bar-chart.js';
import { renderLineChart } from '../../src/report/svg/line-chart.js';
import { escapeHtml } from '../../src/report/escape-html.js';
import { linearScale, niceDomain, niceTicks } from '../../src/report/svg/scale.js';

test('escapeHtml escapes the five HTML special characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('nice ticks and domains', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.62, 0.91, 5), [0.7, 0.8, 0.9]); // raw step 0.058 rounds up to 0.1
  assert.deepEqual(niceTicks(0.62, 0.91, 8), [0.65, 0.7, 0.75, 0.8, 0.85, 0.9]);
  assert.deepEqual(niceTicks(1, 12, 10), [2, 4, 6, 8, 10, 12]);
  assert.deepEqual(niceTicks(1, 5, 4), [1, 2, 3, 4, 5]);
  const [lo, hi] = niceDomain([0.71, 0.93], { clamp: [0, 1] });
  assert.ok(lo <= 0.71 && lo >= 0.6 && hi >= 0.93 && hi <= 1);
  const s = linearScale([0, 1], [300, 100]);
  assert.equal(s(0), 300);
  assert.equal(s(0.5), 200);
});

test('line chart places points on the scales and draws references and legend', () => {
  const svg = renderLineChart({
    title: 'T',
    xLabel: 'Round',
    yLabel: 'AUROC',
    series: [{ label: 'fedavg', points: [{ x: 1, y: 0.5 }, { x: 2, y: 1 }] }],
    references: [{ label: 'pooled', y: 0.75 }],
    xDomain: [1, 2],
    yDomain: [0.5, 1],
    width: 600,
  });
  // Plot area: left 70, right 600-24 = 576; the first point sits at the bottom-left corner, the second top-right.
  const path = /<path d="M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)"/.exec(svg);
  assert.ok(path);
  const [x1, y1, x2, y2] = path.slice(1).map(Number);
  assert.equal(x1, 70);
  assert.equal(x2, 576);
  assert.ok(y1 > y2);
  // Reference line halfway between the two points in y.
  const ref = /<line x1="70" x2="576" y1="([\d.]+)" y2="\1" stroke="#555555"/.exec(svg);
  assert.ok(ref);
  assert.ok(Math.abs(Number(ref[1]) - (y1 + y2) / 2) < 0.11);
  assert.match(svg, />fedavg<\/text>/);
  assert.match(svg, />pooled<\/text>/);
});

test('bar chart draws one bar per defined value and "n/a" for undefined ones', () => {
  const svg = renderBarChart({
    title: 'Per site',
    xLabel: 'Site',
    yLabel: 'AUROC',
    seriesLabels: ['a', 'b'],
    groups: [
      { label: 's1', values: [0.8, 0.6] },
      { label: 's2', values: [null, 0.9] },
    ],
    yDomain: [0.5, 1],
  });
  assert.equal((svg.match(/<rect /g) ?? []).length, 3 + 2); // 3 bars + 2 legend swatches
  assert.equal((svg.match(/>n\/a</g) ?? []).length, 1);
  assert.match(svg, /<title>s2 · a: undefined<\/title>/);
});
