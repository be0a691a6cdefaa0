// Runs Learning Locker's statement validator (npm
// `@learninglocker/xapi-validation` 3.0.0) over the statements of a file
// written by `kam-trainer export --format xapi`: a JSON array, or one
// statement per line. Prints each warning with its statement's number and
// id, and exits 1 when any statement has one.
'use strict';
const fs = require('fs');
const validate = require('@learninglocker/xapi-validation').default;

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.js STATEMENTS.json');
  process.exit(2);
}
const text = fs.readFileSync(file, 'utf8').trim();
const statements = text.startsWith('[')
  ? JSON.parse(text)
  : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
let bad = 0;
statements.forEach((s, i) => {
  const warnings = validate(s);
  if (warnings.length > 0) {
    bad += 1;
    for (const w of warnings) {
      const where = (w.path || []).join('.');
      console.error(`statement ${i + 1} (${s.id}): ${where}: ${w.typeName || w.name} expected, found ${JSON.stringify(w.data)}`);
    }
  }
});
console.log(`${statements.length - bad} of ${statements.length} statement(s) valid`);
process.exit(bad > 0 ? 1 : 0);
