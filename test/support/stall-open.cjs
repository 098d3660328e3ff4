// Test-only, loaded with `node --require` before the Action bundle (the bundle itself has no hook for this).
// Opening the file named by IMAGE_HYGIENE_TEST_STALL_FILE returns a promise that never settles and holds
// nothing open: what a stalled input stream looks like to the code. The event loop empties while the audit
// is still waiting, and Node would exit 0 unless the Action guards against it.
'use strict';
const promises = require('node:fs/promises');
const stalled = process.env.IMAGE_HYGIENE_TEST_STALL_FILE;
const open = promises.open;
promises.open = function openOrStall(path, ...rest) {
  if (stalled && String(path) === stalled) return new Promise(() => {});
  return open.call(this, path, ...rest);
};
