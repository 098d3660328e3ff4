import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isParsedDigest, parseDigest } from '../../src/oci/digest.js';
import { decodeGo } from '../../src/oci/go-json.js';
import { decodeDockerManifest, decodeImageConfig } from '../../src/oci/schemas.js';
import { containerConfigShape, imageConfigShape } from '../../src/oci/shapes.js';

const config = (json: string): Record<string, any> => decodeGo(Buffer.from(json), imageConfigShape) as Record<string, any>;
const user = (json: string): string => config(json).config.User;

// The rules, one example each; test/differential/json-decode.test.ts checks thousands against Go itself.
describe("JSON decoded as Go's encoding/json decodes it", () => {
  it('keys match fields case-insensitively and the last one wins, in either order', () => {
    expect(user('{"config":{"User":"app","user":"0"}}')).toBe('0');
    expect(user('{"config":{"user":"0","User":"app"}}')).toBe('app');
    expect(user('{"Config":{"USER":"root"}}')).toBe('root');
    expect(user('{"config":{"Uſer":"root"}}')).toBe('root'); // ſ folds to s, as in Go
    expect(user('{"config":{"Users":"root"}}')).toBe('');
  });

  it('a second object for a struct merges into the first; null empties pointers, slices and maps only', () => {
    expect(config('{"config":{"User":"app"},"CONFIG":{"Env":["A=1"]}}').config).toMatchObject({ User: 'app', Env: ['A=1'] });
    expect(config('{"config":{"User":"app"},"config":null}').config).toBeNull();
    expect(config('{"architecture":"arm64","architecture":null}').architecture).toBe('arm64');
    const labels = decodeGo(Buffer.from('{"Labels":{"a":"1"},"labels":{"b":"2"}}'), containerConfigShape) as Record<string, any>;
    expect({ ...labels.Labels }).toEqual({ a: '1', b: '2' });
  });

  it('an array decodes into the slice it replaces, element by element, as Go reuses them', () => {
    const history = config('{"history":[{"created_by":"A","comment":"x"}],"history":[{"created_by":"B"}]}').history;
    expect(history).toMatchObject([{ created_by: 'B', comment: 'x' }]);
  });

  it('invalid UTF-8 becomes U+FFFD per byte, lone surrogates too', () => {
    expect(decodeGo(Buffer.concat([Buffer.from('"a'), Buffer.from([0xe2, 0x82]), Buffer.from('b"')]), { kind: 'string' })).toBe('a\ufffd\ufffdb');
    expect(decodeGo(Buffer.from('"\\ud800x"'), { kind: 'string' })).toBe('\ufffdx');
  });

  it('numbers into integers must be integers in range; a wrong type anywhere is an error', () => {
    expect(config('{"Size":12}').Size).toBe(12);
    expect(() => config('{"Size":1.5}')).toThrow(/cannot unmarshal number 1.5 into a Go value of type int64/);
    expect(() => config('{"Size":9223372036854775808}')).toThrow(/int64/);
    expect(() => config('{"config":{"Tty":"yes"}}')).toThrow(/cannot unmarshal string into a Go value of type bool/);
    expect(config('{"config":{"Cmd":"echo hi"}}').config.Cmd).toEqual(['echo hi']); // moby's StrSlice
    expect(() => config('{"created":"yesterday"}')).toThrow(/parsing time/);
  });

  it('Unmarshal refuses what follows the value; a json.Decoder (manifest.json) ignores it', () => {
    expect(() => decodeImageConfig(Buffer.from('{"rootfs":{"type":"layers"}} x'), 'c.json')).toThrow(/c\.json: not valid JSON/);
    expect(decodeDockerManifest(Buffer.from('[{"Config":"c.json","Layers":[]}] trailing'), 'manifest.json')).toEqual([{ Config: 'c.json', RepoTags: null, Layers: [] }]);
    expect(() => decodeDockerManifest(Buffer.from('null'), 'manifest.json')).toThrow(InputError);
  });

  it('unknown fields are skipped however deep, without recursion', () => {
    expect(user('{"x":' + '['.repeat(9000) + ']'.repeat(9000) + ',"config":{"User":"u"}}')).toBe('u');
    expect(() => user('{"x":' + '['.repeat(10001) + ']'.repeat(10001) + '}')).toThrow(/exceeded max depth/);
  });
});

describe('digests', () => {
  it('sha256 and sha512 are verifiable; any other algorithm is refused with a reason', () => {
    expect(isParsedDigest(parseDigest('sha256:' + 'a'.repeat(64)))).toBe(true);
    expect(isParsedDigest(parseDigest('sha512:' + 'b'.repeat(128)))).toBe(true);
    expect(parseDigest('blake3:' + 'c'.repeat(64))).toEqual({ error: expect.stringMatching(/"blake3" is not one that can be verified/) });
    expect(parseDigest('sha256:' + 'A'.repeat(64))).toEqual({ error: expect.stringMatching(/lower-case hex/) });
    expect(parseDigest('sha256')).toEqual({ error: expect.stringMatching(/is not a digest/) });
  });
});
