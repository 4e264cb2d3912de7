// node --test tests/js/ : the canvas's pure functions (qualcode/ui/canvas/core.js).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ResendQueue, SPEEDS, assignLanes, chunkAtOffset, chunksOverSpan, clampRate, codePoints, color,
  contrast, cutPoints, formatTime, insideWord, invivoName, makeChunks, sentenceStep, snapToWords,
  retryDelay, stripeLabel, textOn, timeAtOffset, tint, turnAtTime, units, wordStep,
} from '../../qualcode/ui/canvas/core.js';

describe('code points', () => {
  it('counts a surrogate pair once, like Python len()', () => {
    assert.equal(codePoints(''), 0);
    assert.equal(codePoints('abc'), 3);
    assert.equal(codePoints('a😀b'), 3);          // '😀' is two UTF-16 units
    assert.equal('a😀b'.length, 4);
    assert.equal(codePoints('é'), 1);             // precomposed
    assert.equal(codePoints('e\u0301'), 2);       // combining accent: two code points, as Python
    assert.equal(codePoints('𝒳𝒴'), 2);
  });

  it('maps a code point index to a UTF-16 index', () => {
    assert.equal(units('hello', 3), 3);
    assert.equal(units('hello', 99), 5);          // clamped at the end
    const s = 'a😀b😀c';
    assert.equal(units(s, 0), 0);
    assert.equal(units(s, 1), 1);
    assert.equal(units(s, 2), 3);
    assert.equal(units(s, 3), 4);
    assert.equal(units(s, 4), 6);
    assert.equal(units(s, 5), 7);
    assert.equal(units(s, 9), 7);
    for (let cp = 0; cp <= 5; cp++) { assert.equal(codePoints(s.slice(0, units(s, cp))), cp); }
  });
});

describe('colour', () => {
  it('lets only #rrggbb into a style', () => {
    assert.equal(color('#A1b2C3'), '#A1b2C3');
    for (const bad of ['red', '#fff', 'url(x)', '#1234567', '#12345g', null, undefined, 5, '#123456;x']) {
      assert.equal(color(bad), '#cccccc');
    }
  });
});

describe('chunks', () => {
  const chunks = makeChunks([[0, 'P1: hello '], [10, 'P2: 😀 hi '], [19, 'P1: end']], 26);

  it('each chunk ends where the next starts, the last at the length', () => {
    assert.deepEqual(chunks.map((c) => [c.i, c.s, c.e]), [[0, 0, 10], [1, 10, 19], [2, 19, 26]]);
    assert.equal(makeChunks([[0, 'x']], '1')[0].e, 1);   // a length sent as a string
    assert.deepEqual(makeChunks([], 0), []);
  });

  it('finds the chunk of an offset', () => {
    assert.equal(chunkAtOffset(chunks, 0).i, 0);
    assert.equal(chunkAtOffset(chunks, 9).i, 0);
    assert.equal(chunkAtOffset(chunks, 10).i, 1);
    assert.equal(chunkAtOffset(chunks, 25).i, 2);
    assert.equal(chunkAtOffset(chunks, 99).i, 2);
    assert.equal(chunkAtOffset(chunks, -5).i, 0);
  });

  it('lists the chunks a span touches', () => {
    const idx = (s, e) => chunksOverSpan(chunks, s, e).map((c) => c.i);
    assert.deepEqual(idx(0, 10), [0]);
    assert.deepEqual(idx(5, 11), [0, 1]);
    assert.deepEqual(idx(0, 26), [0, 1, 2]);
    assert.deepEqual(idx(12, 12), [1]);           // empty span: its chunk
    assert.deepEqual(chunksOverSpan([], 0, 5), []);
  });

  it('cuts a chunk at codings, labels and the selection', () => {
    assert.deepEqual(cutPoints(10, 19, [{ s: 5, e: 12 }, { s: 14, e: 30 }], [[10, 13]], { s: 15, e: 17 }),
      [10, 12, 13, 14, 15, 17, 19]);
    assert.deepEqual(cutPoints(10, 19, [], [], { s: 0, e: 5 }), [10, 19]);   // selection elsewhere
    assert.deepEqual(cutPoints(10, 19, [], [], null), [10, 19]);
    assert.deepEqual(cutPoints(10, 19, [], [], null, 12), [10, 12, 19]);   // the caret
    assert.deepEqual(cutPoints(10, 19, [], [], null, 30), [10, 19]);
  });
});

describe('lanes', () => {
  it('puts overlapping codings in different lanes and reuses a free lane', () => {
    const { lanes, count } = assignLanes([
      { id: 1, s: 0, e: 50 }, { id: 2, s: 10, e: 20 }, { id: 3, s: 20, e: 40 }, { id: 4, s: 60, e: 70 },
    ]);
    assert.equal(lanes.get(1), 0);
    assert.equal(lanes.get(2), 1);
    assert.equal(lanes.get(3), 1);                // starts where 2 ends
    assert.equal(lanes.get(4), 0);
    assert.equal(count, 2);
  });

  it('never gives overlapping codings one lane (random lists)', () => {
    let seed = 7;
    const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let round = 0; round < 200; round++) {
      const list = [];
      for (let k = 0; k < 1 + rnd(30); k++) { const s = rnd(500); list.push({ id: k, s, e: s + 1 + rnd(80) }); }
      const { lanes, count } = assignLanes(list);
      for (const a of list) {
        assert.ok(lanes.get(a.id) < count);
        for (const b of list) {
          if (a !== b && a.s < b.e && b.s < a.e) { assert.notEqual(lanes.get(a.id), lanes.get(b.id)); }
        }
      }
    }
  });

  it('keeps a gap between intervals of one lane (pixels: a label below its stripe)', () => {
    const boxes = [{ id: 'a', s: 0, e: 100 }, { id: 'b', s: 102, e: 130 }, { id: 'c', s: 110, e: 120 }];
    const { lanes, count } = assignLanes(boxes, 4);
    assert.equal(lanes.get('a'), 0);
    assert.equal(lanes.get('b'), 1);               // 2 px after a: too close for lane 0
    assert.equal(lanes.get('c'), 0);               // 10 px after a: lane 0 again
    assert.equal(count, 2);
    assert.equal(assignLanes(boxes, 0).lanes.get('b'), 0);
  });

  it('has one lane for nothing', () => {
    assert.equal(assignLanes([]).count, 1);
  });
});

describe('re-send queue', () => {
  it('drops acknowledged actions and re-sends the ones waiting too long', () => {
    const q = new ResendQueue(4000);
    q.add('a', { op: 'apply', n: 'a' }, 1000);
    q.add('b', { op: 'remove', n: 'b' }, 2000);
    q.get('a').local = { id: 'pa', s: 1, e: 5 };
    assert.deepEqual(q.locals(), [{ id: 'pa', s: 1, e: 5 }]);

    let r = q.settle(new Set(), 4500);
    assert.deepEqual(r, { done: [], due: [] });   // nothing late yet

    r = q.settle(new Set(['b']), 5500);
    assert.deepEqual(r.done.map((p) => p.op.n), ['b']);
    assert.deepEqual(r.due.map((op) => op.n), ['a']);   // 4500 ms old: sent again
    assert.equal(q.size, 1);
    assert.deepEqual(q.settle(new Set(), 6000).due, []);  // stamped at the re-send

    r = q.settle(new Set(['a']), 6100);
    assert.equal(r.done[0].local.id, 'pa');
    assert.equal(q.size, 0);
    assert.deepEqual(q.locals(), []);
  });

  it('re-sends one late action per tick', () => {
    const q = new ResendQueue(4000);
    q.add('a', { n: 'a' }, 0);
    q.add('b', { n: 'b' }, 0);
    assert.equal(q.nextDue(3000), null);
    assert.equal(q.nextDue(5000).n, 'a');
    assert.equal(q.nextDue(5000).n, 'b');
    assert.equal(q.nextDue(5000), null);
    assert.equal(q.nextDue(9001).n, 'a');
  });

  it('uses four seconds by default', () => {
    const q = new ResendQueue();
    q.add('a', { n: 'a' }, 0);
    assert.equal(q.nextDue(4000), null);
    assert.equal(q.nextDue(4001).n, 'a');
  });
});

describe('recording times', () => {
  it('formats seconds as a time code', () => {
    assert.equal(formatTime(0), '00:00');
    assert.equal(formatTime(65.9), '01:05');
    assert.equal(formatTime(3723), '1:02:03');
    assert.equal(formatTime(-3), '00:00');
  });

  it('finds the turn being spoken', () => {
    const times = [[0, 0, 1], [50, 3, 0], [120, 6, 0], [200, 9.5, 1]];
    assert.equal(turnAtTime(times, 0), 0);
    assert.equal(turnAtTime(times, 2.9), 0);
    assert.equal(turnAtTime(times, 3), 1);
    assert.equal(turnAtTime(times, 7), 2);
    assert.equal(turnAtTime(times, 100), 3);
    assert.equal(turnAtTime([[10, 4, 0]], 1), -1);
    assert.equal(turnAtTime([], 1), -1);
  });

  it('gives the time of a character between the turn times around it', () => {
    const times = [[10, 3, 0], [110, 6, 0], [210, 12, 1]];
    assert.equal(timeAtOffset(times, 10), 3);
    assert.equal(timeAtOffset(times, 60), 4.5);
    assert.equal(timeAtOffset(times, 160), 9);
    assert.equal(timeAtOffset(times, 500), 12);
    assert.equal(timeAtOffset(times, 5), null);
    assert.equal(timeAtOffset([], 5), null);
  });

  it('tries a refused recording again a few times, waiting longer each time', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map(retryDelay), [250, 500, 1000, 2000, 4000]);
    assert.equal(retryDelay(5), null);
    assert.equal(retryDelay(-1), null);
  });

  it('keeps the speed between 0.5 and 2', () => {
    assert.equal(clampRate(3), 2);
    assert.equal(clampRate(0.1), 0.5);
    assert.equal(clampRate('x'), 1);
    assert.deepEqual(SPEEDS.filter((s) => s < 0.5 || s > 2), []);
  });
});

describe('colours for both themes', () => {
  it('tints like a translucent colour over white, opaque', () => {
    assert.equal(tint('#000000', 0.5), '#808080');
    assert.equal(tint('#ffffff', 0.3), '#ffffff');
    assert.equal(tint('#1e88e5', 1), '#1e88e5');
    assert.equal(tint('#1e88e5', 0), '#ffffff');
  });

  it('picks a readable text colour on any code colour', () => {
    assert.equal(contrast('#000000', '#ffffff').toFixed(0), '21');
    assert.equal(textOn('#ffeb3b'), '#000000');
    assert.equal(textOn('#0d47a1'), '#ffffff');
    for (let k = 0; k < 4096; k++) {
      const c = '#' + [k >> 8, (k >> 4) & 15, k & 15].map((x) => (x * 17).toString(16).padStart(2, '0')).join('');
      assert.ok(contrast(textOn(c), c) >= 4.5, c);      // WCAG AA for every colour
    }
  });
});

describe('words', () => {
  const cps = Array.from("I'm a shout-out guy, 😀 specific obligations.");

  it('knows where a word goes on', () => {
    assert.equal(insideWord(cps, 1), true);          // I|'m
    assert.equal(insideWord(cps, 3), false);         // I'm| a
    assert.equal(insideWord(cps, 11), true);         // shout|-out
  });

  it('widens a drag to whole words', () => {
    const text = cps.join('');
    const at = (w) => codePoints(text.slice(0, text.indexOf(w)));
    const [s, e] = snapToWords(cps, at('m a shout') + 0, at('out guy') + 1);
    assert.equal(cps.slice(s, e).join(''), "I'm a shout-out");
    assert.deepEqual(snapToWords(cps, 0, 3), [0, 3]);          // whole already
    const [s2, e2] = snapToWords(cps, at('pecific'), at('ligations'));
    assert.equal(cps.slice(s2, e2).join(''), 'specific obligations');
    assert.deepEqual(snapToWords(cps, 8, 13, 7, 12), [7, 13]);   // not past the bounds given
  });

  it('moves a caret by words', () => {
    assert.equal(wordStep(cps, 0, 1), 3);               // end of I'm
    assert.equal(wordStep(cps, 3, 1), 5);               // end of a
    assert.equal(wordStep(cps, 5, 1), 15);              // end of shout-out
    assert.equal(wordStep(cps, 15, -1), 6);             // start of shout-out
    assert.equal(wordStep(cps, 0, -1), 0);
    assert.equal(wordStep(cps, cps.length, 1), cps.length);
  });

  it('moves a caret by sentences, counting code points', () => {
    const t = Array.from('P7: Ik 😀 stop. "Toen kwam het!" Nu leer\nik. Klaar');
    const str = (i, j) => t.slice(i, j).join('');
    const ends = [];
    for (let i = 0, n = 0; n < 6; n++) { i = sentenceStep(t, i, 1); ends.push(i); }
    assert.deepEqual(ends.map((i) => str(i - 4, i)), ['top.', 'et!"', 'leer', '\nik.', 'laar', 'laar']);
    assert.equal(ends[0], 14);                          // code points: the emoji counts once
    const starts = [];
    for (let i = t.length, n = 0; n < 5; n++) { i = sentenceStep(t, i, -1); starts.push(str(i, i + 4)); }
    assert.deepEqual(starts, ['Klaa', 'ik. ', 'Nu l', '"Toe', 'P7: ']);
  });
});

describe('names', () => {
  it('cuts in-vivo names at a word boundary', () => {
    const long = 'the manager told me that everyone has a very specific obligation to the team';
    const name = invivoName(long, 60);
    assert.ok(long.startsWith(name));
    assert.ok(Array.from(name).length <= 60);
    assert.equal(name, 'the manager told me that everyone has a very specific');
    assert.equal(invivoName('  a /  b\n c ', 60), 'a - b c');
    assert.equal(invivoName('x'.repeat(70), 60), 'x'.repeat(60));   // one long word: cut hard
    assert.equal(invivoName('short, then more words here', 12), 'short, then');
    assert.equal(Array.from(invivoName('😀'.repeat(70), 60)).length, 60);  // no half pairs
  });

  it('labels a stripe with the code name, long ones ended with …', () => {
    assert.equal(stripeLabel('Mastery & trial / Trial: learning anew'), 'Trial: learning anew');
    const label = stripeLabel('Push: ' + 'challenge '.repeat(6), 32);
    assert.equal(Array.from(label).length, 32);
    assert.ok(label.endsWith('…'));
  });
});

it('ResendQueue.drop takes an entry out (answered by the coding route)', () => {
  const q = new ResendQueue(4000);
  q.add('a', { n: 'a' }, 0).local = { id: 'pa', s: 1, e: 2 };
  assert.equal(q.drop('a').local.id, 'pa');
  assert.equal(q.size, 0);
  assert.equal(q.drop('a'), undefined);
  assert.equal(q.nextDue(10000), null);
});
