// node --test tests/js/ : the network view's pure functions (qualcode/ui/network/geometry.js).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  clamp, color, edgeGeometry, edgeLabel, isClick, matching, nodeRadius, points, toBox, truncate,
} from '../../qualcode/ui/network/geometry.js';

describe('nodes', () => {
  it('sizes codes by the square root of their codings, others small', () => {
    assert.equal(nodeRadius({ kind: 'code', count: 0 }), 14);
    assert.equal(nodeRadius({ kind: 'code', count: 16 }), 34);
    assert.equal(nodeRadius({ kind: 'code', count: -3 }), 14);
    assert.equal(nodeRadius({ kind: 'memo', count: 99 }), 8);
  });
  it('lets only #rrggbb colours into a style', () => {
    assert.equal(color('#A1b2C3'), '#A1b2C3');
    assert.equal(color('red'), '#cccccc');
    assert.equal(color('#fff;background:url(x)'), '#cccccc');
    assert.equal(color(undefined), '#cccccc');
  });
  it('keeps a dragged node inside the box, rounded to tenths', () => {
    assert.deepEqual(clamp(-5, 1200, 1000), [0, 1000]);
    assert.deepEqual(clamp(12.345, 99.99, 1000), [12.3, 100]);
    assert.deepEqual(clamp(NaN, Infinity, 1000), [0, 0]);
  });
});

describe('edges', () => {
  it('runs from rim to rim with the arrow head at the target', () => {
    const g = edgeGeometry({ x: 0, y: 0 }, { x: 100, y: 0 }, 10, 20, true);
    assert.equal(g.x1, 10);
    assert.equal(g.x2, 80);
    assert.deepEqual([g.lx, g.ly], [45, 0]);
    assert.deepEqual(g.head[0], [80, 0]);
    assert.ok(g.head[1][0] < 80 && g.head[2][0] < 80);
    assert.equal(edgeGeometry({ x: 0, y: 0 }, { x: 100, y: 0 }, 10, 20, false).head, null);
    assert.equal(edgeGeometry({ x: 5, y: 5 }, { x: 5, y: 5 }, 10, 10, true), null);
  });
  it('labels relations with their type and evidence', () => {
    assert.equal(edgeLabel({ kind: 'relation', label: 'condition of', weight: 14 }), 'condition of (14)');
    assert.equal(edgeLabel({ kind: 'relation', label: 'contradicts', weight: 0 }), 'contradicts');
    assert.equal(edgeLabel({ kind: 'memo', label: 'memo', weight: 0 }), '');
  });
  it('writes polygon points', () => {
    assert.equal(points([[1, 2], [3.14159, 4]]), '1.0,2.0 3.1,4.0');
  });
});

describe('text and search', () => {
  it('cuts labels by code points', () => {
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('abcdefghij', 5), 'abcd…');
    assert.equal(truncate('😀😀😀', 2), '😀…');
    assert.equal(truncate(null), '');
  });
  it('finds codes by name or path and keeps their neighbours', () => {
    const nodes = [{ id: 'a', label: 'Push', path: 'Authenticity / Push' },
      { id: 'b', label: 'Energy', path: 'Authenticity / Energy' }, { id: 'c', label: 'Pay', path: 'Pay' }];
    const edges = [{ source: 'a', target: 'b' }];
    assert.equal(matching(nodes, edges, '  '), null);
    assert.deepEqual([...matching(nodes, edges, 'push')].sort(), ['a', 'b']);
    assert.deepEqual([...matching(nodes, edges, 'authenticity')].sort(), ['a', 'b']);
    assert.deepEqual([...matching(nodes, edges, 'PAY')], ['c']);
  });
});

describe('pointer', () => {
  it('tells a click from a drag', () => {
    assert.ok(isClick(10, 10, 12, 13));
    assert.ok(!isClick(10, 10, 30, 10));
  });
  it('maps screen pixels into the square box, letterboxed', () => {
    const rect = { left: 100, top: 50, width: 800, height: 400 };  // 400 px square in the middle
    assert.deepEqual(toBox(300, 50, rect, 1000), [0, 0]);
    assert.deepEqual(toBox(700, 450, rect, 1000), [1000, 1000]);
    assert.deepEqual(toBox(500, 250, rect, 1000), [500, 500]);
  });
});
