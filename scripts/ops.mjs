// `npm run backup | restore | move-to-postgres`: the operations commands of src/server/ops/cli.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { register } = await import('tsx/esm/api');
register();
const { runCommand } = await import(path.join(root, 'src/server/ops/cli.ts'));
const [command, ...args] = process.argv.slice(2);
process.exitCode = await runCommand(command ?? '', args);
