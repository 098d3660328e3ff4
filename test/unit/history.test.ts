import { describe, expect, it } from 'vitest';
import { historyForLayers, instructionText } from '../../src/analysis/history.js';

describe('historyForLayers', () => {
  it('maps history to layers past empty_layer entries', () => {
    const history = [
      { created_by: 'ADD file:abc in /' },
      { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
      { created_by: '/bin/sh -c apt-get update' },
      { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      { created_by: '/bin/sh -c rm -rf /var/lib/apt/lists/*' },
    ];
    expect(historyForLayers(history, 3).map((h) => h?.created_by)).toEqual([
      'ADD file:abc in /',
      '/bin/sh -c apt-get update',
      '/bin/sh -c rm -rf /var/lib/apt/lists/*',
    ]);
  });

  it('leaves layers without history undefined rather than shifting', () => {
    expect(historyForLayers([{ created_by: 'one' }], 2)).toEqual([{ created_by: 'one' }, undefined]);
    expect(historyForLayers(undefined, 1)).toEqual([undefined]);
  });
});

describe('instructionText', () => {
  it('shows what the Dockerfile said', () => {
    expect(instructionText('/bin/sh -c #(nop)  ENV A=1')).toBe('ENV A=1');
    expect(instructionText('/bin/sh -c #(nop) COPY file:12ab in /app ')).toBe('COPY file:12ab in /app');
    expect(instructionText('/bin/sh -c apt-get update')).toBe('RUN apt-get update');
    expect(instructionText('RUN /bin/sh -c make # buildkit')).toBe('RUN make');
    expect(instructionText('COPY app.sh /app/ # buildkit')).toBe('COPY app.sh /app/');
    expect(instructionText(undefined)).toBeUndefined();
  });
});
