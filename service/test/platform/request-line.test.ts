import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { writeRequestLine } from '../../src/platform/logger.js';

function capture(level: string) {
  const lines: string[] = [];
  const stream = { write: (line: string) => lines.push(line) };
  const log = pino({ level }, stream as unknown as pino.DestinationStream).child({ reqId: 'req "7"' });
  return { log, lines };
}

const withoutTime = (line: string) => line.replace(/"time":\d+/, '"time":0');

describe('the request line', () => {
  it('is the line pino itself would write, byte for byte apart from the clock', () => {
    const { log, lines } = capture('info');
    const line = { method: 'POST', path: '/api/v1/sync/"start"\n', status: 202, ms: 12.5, account: 'acc-1' };
    log.info(line, 'request');
    writeRequestLine(log, line, 'info');
    log.info({ ...line, account: undefined }, 'request');
    writeRequestLine(log, { ...line, account: undefined }, 'info');
    assert.equal(lines.length, 4);
    assert.equal(withoutTime(lines[1]!), withoutTime(lines[0]!));
    assert.equal(withoutTime(lines[3]!), withoutTime(lines[2]!));
    assert.deepEqual(JSON.parse(lines[1]!).reqId, 'req "7"');
  });

  it('respects the level: nothing at warn, probes only at debug', () => {
    const quiet = capture('warn');
    writeRequestLine(quiet.log, { method: 'GET', path: '/x', status: 200, ms: 1 }, 'info');
    assert.deepEqual(quiet.lines, []);
    const info = capture('info');
    writeRequestLine(info.log, { method: 'GET', path: '/readyz', status: 200, ms: 1 }, 'debug');
    assert.deepEqual(info.lines, []);
    const debug = capture('debug');
    writeRequestLine(debug.log, { method: 'GET', path: '/readyz', status: 200, ms: 1 }, 'debug');
    assert.equal(JSON.parse(debug.lines[0]!).level, 20);
  });
});
