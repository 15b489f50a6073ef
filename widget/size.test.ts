// Size budgets (exact, issue 11): loader ≤ 3 KB gzip, everything the widget loads ≤ 20 KB gzip (level 9), the lead form included.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ensureWidgetBuilt, formatWidgetSize, LOADER_BUDGET, measureWidget, TOTAL_BUDGET, type WidgetSize } from './size.js';

let size: WidgetSize;

before(async () => {
  await ensureWidgetBuilt();
  size = measureWidget();
  console.log(formatWidgetSize(size));
});

test('dist/widget holds the loader and one panel bundle', () => {
  const names = size.files.map((f) => f.name);
  assert.equal(names[0], 'widget.js');
  assert.equal(names.filter((n) => /^panel-[0-9a-f]+\.js$/.test(n)).length, 1, names.join(', '));
});

test(`loader (widget.js) is at most ${LOADER_BUDGET} bytes gzip`, () => {
  assert.ok(size.loaderGzip <= LOADER_BUDGET, `loader is ${size.loaderGzip} B gzip, budget ${LOADER_BUDGET} B`);
});

test(`everything the widget loads is at most ${TOTAL_BUDGET} bytes gzip`, () => {
  assert.ok(size.totalGzip <= TOTAL_BUDGET, `widget is ${size.totalGzip} B gzip, budget ${TOTAL_BUDGET} B`);
});
