/** views/ and static/ sit at the package root, whether we run from src/ (tsx) or dist/src/ (installed). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'views'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Riskgate: cannot find its views folder');
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
export const VIEWS_DIR = path.join(PACKAGE_ROOT, 'views');
export const STATIC_DIR = path.join(PACKAGE_ROOT, 'static');
