import { describe, expect, it } from 'vitest';
import {
  type CpuProfile,
  collapseCpuProfile,
  frameLabel,
  type HeapProfile,
  topAllocationSites,
  topSelfTime,
  totalAllocated,
} from './profile-format.js';

const frame = (
  functionName: string,
  url = 'file:///repo/packages/core/src/bus/event-bus.js',
  lineNumber = 9,
) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

const cpu: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2] },
    { id: 2, callFrame: frame('main'), hitCount: 1, children: [3] },
    { id: 3, callFrame: frame('publish'), hitCount: 3 },
  ],
  startTime: 0,
  endTime: 400,
  samples: [2, 3, 3, 3],
};

describe('profile summaries', () => {
  it('collapses stacks for flamegraph tools', () => {
    expect(collapseCpuProfile(cpu)).toBe(
      'main (packages/core/src/bus/event-bus.js:10) 1\n' +
        'main (packages/core/src/bus/event-bus.js:10);publish (packages/core/src/bus/event-bus.js:10) 3\n',
    );
  });

  it('labels .ts frames without tsx line numbers', () => {
    expect(frameLabel(frame('f', 'file:///x/bench/run.ts'))).toBe('f (bench/run.ts)');
  });

  it('ranks self time and allocation sites', () => {
    const self = topSelfTime(cpu, 1);
    expect(self[0]!.site).toContain('publish');
    expect(self[0]!.amount).toBeCloseTo(0.3);
    const heap: HeapProfile = {
      head: {
        callFrame: frame('(root)', ''),
        selfSize: 0,
        children: [
          {
            callFrame: frame('onQuote'),
            selfSize: 96,
            children: [{ callFrame: frame('inner'), selfSize: 32, children: [] }],
          },
        ],
      },
    };
    expect(totalAllocated(heap)).toBe(128);
    const sites = topAllocationSites(heap, 5);
    expect(sites[0]!.site).toContain('onQuote');
    expect(sites[0]!.share).toBe(0.75);
    expect(sites[1]!.site).toContain('← onQuote');
  });
});
