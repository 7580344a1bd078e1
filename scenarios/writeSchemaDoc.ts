// Writes scenarios/SCHEMA.md from the schema. Run after changing scenarios/schema.ts:
//   npm run schema-doc      (builds, then runs node dist/scenarios/writeSchemaDoc.js)
// test/scenarios.test.ts fails while the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaMarkdown } from './docs.js';
import { packageRoot } from './packageRoot.js';

const target = join(packageRoot(), 'scenarios', 'SCHEMA.md');
writeFileSync(target, schemaMarkdown());
console.log(`wrote ${target}`);
