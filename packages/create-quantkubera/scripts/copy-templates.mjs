// Copies the repository's templates/ into this package, so the published tarball carries them.
// The workspace itself reads ../../templates directly; this copy exists only for packing.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../../templates/', import.meta.url));
const target = fileURLToPath(new URL('../templates/', import.meta.url));
if (!existsSync(source)) {
  console.error(`copy-templates: ${source} not found`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, {
  recursive: true,
  filter: (path) => !/[\\/](node_modules|dist|runs)([\\/]|$)/.test(path),
});
